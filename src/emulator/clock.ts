// Time formatting for responses. Everything reads the emulator's injected clock.

/** Formats the `Date` header, caching the string for the current second. */
export class HttpDateCache {
  #second = Number.NaN;
  #text = '';

  /** The IMF-fixdate for `ms` (milliseconds since the epoch), truncated to the second. */
  format(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#text = new Date(second * 1000).toUTCString();
    }
    return this.#text;
  }
}

/** ISO 8601 in whole seconds with a zero millisecond field, as Okta writes dates (`2026-11-29T10:00:00.000Z`). */
export function isoDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/**
 * The emulator's clock ({@link Emulator.clock}): what sessions, session tokens, access tokens,
 * rate-limit windows, DPoP nonce rotation and the `Date` header go by.
 *
 * @example
 * ```ts
 * const emu = await startEmulator();
 * emu.clock.advance(2 * 60 * 60 * 1000); // two hours on: every session has expired
 * console.log(new Date(emu.clock.now()).toISOString());
 * await emu.close();
 * ```
 */
export interface EmulatorClock {
  /** The emulator's time in ms since the epoch: the `now` option (default `Date.now`) plus every advance. */
  now(): number;
  /**
   * Moves the emulator's time `ms` forward (a whole number >= 0). Client assertions and DPoP
   * proofs are signed with real time, so they are still checked against the `now` option
   * without the advances: a service app keeps working.
   */
  advance(ms: number): void;
}

/** The `now` option plus an offset that only grows (until a reset). */
export class OffsetClock implements EmulatorClock {
  readonly #base: () => number;
  #offset = 0;

  constructor(base: () => number) {
    this.#base = base;
  }

  readonly now = (): number => this.#base() + this.#offset;

  advance(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0)
      throw new RangeError('clock.advance takes a whole number of milliseconds >= 0');
    this.#offset += ms;
  }

  /** Back to the `now` option's time. */
  reset(): void {
    this.#offset = 0;
  }
}
