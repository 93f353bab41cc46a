// The `throttle` option: once a response says an operation's rate-limit window is spent
// (X-Rate-Limit-Remaining: 0), later attempts of that operation wait for its reset.
import { sleep } from './abort.js';
import type { OperationId } from './operations.js';
import { nextThrottleUntil, type RateLimitState } from './rate-limit.js';

export class Throttle {
  // Okta counts rate limits per endpoint: a spent window throttles that operation only.
  readonly #until = new Map<OperationId, number>();
  readonly #maxDelayMs: number;

  constructor(maxDelayMs: number) {
    this.#maxDelayMs = maxDelayMs;
  }

  /** Waits, if the operation's window is spent, until it resets (at most maxDelayMs). */
  async wait(id: OperationId, signal: AbortSignal | undefined): Promise<void> {
    const wait = (this.#until.get(id) ?? 0) - Date.now();
    if (wait > 0) await sleep(Math.min(wait, this.#maxDelayMs), signal);
  }

  /** Notes what a response (success or error) said about the operation's window. */
  note(id: OperationId, state: RateLimitState | undefined): void {
    const until = nextThrottleUntil(this.#until.get(id), state, Date.now());
    if (until === undefined) this.#until.delete(id);
    else this.#until.set(id, until);
  }
}
