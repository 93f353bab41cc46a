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
