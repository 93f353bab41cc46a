// One fixed-window rate-limit bucket for the whole emulator. Windows are aligned to the epoch
// (a 60 s window resets at every full minute), so `X-Rate-Limit-Reset` is always later than the
// second in the `Date` header of the same response.

/** A fixed-window request counter; read `limit`, `remaining` and `reset` after `take`/`peek`. */
export class FixedWindowLimiter {
  readonly limit: number;
  readonly #windowSeconds: number;
  #windowEnd = 0;
  #used = 0;
  /** Requests left in the current window, as a header value. */
  remaining = '';
  /** End of the current window in epoch seconds, as a header value. */
  reset = '';
  /** `limit` as a header value. */
  readonly limitText: string;

  constructor(limit: number, windowSeconds: number) {
    if (!Number.isInteger(limit) || limit < 0)
      throw new RangeError('rateLimit.limit must be an integer >= 0');
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new RangeError('rateLimit.windowSeconds must be an integer >= 1');
    }
    this.limit = limit;
    this.limitText = String(limit);
    this.#windowSeconds = windowSeconds;
  }

  /** Counts one request at `nowMs`; false when the window's budget is already used up. */
  take(nowMs: number): boolean {
    this.#roll(nowMs);
    const allowed = this.#used < this.limit;
    if (allowed) this.#used++;
    this.#publish();
    return allowed;
  }

  /** Updates the header values for `nowMs` without counting a request. */
  peek(nowMs: number): void {
    this.#roll(nowMs);
    this.#publish();
  }

  #roll(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    // Also roll when the injected clock went backwards past the current window.
    if (second >= this.#windowEnd || second < this.#windowEnd - this.#windowSeconds) {
      this.#windowEnd = (Math.floor(second / this.#windowSeconds) + 1) * this.#windowSeconds;
      this.#used = 0;
      this.reset = String(this.#windowEnd);
    }
  }

  #publish(): void {
    this.remaining = String(this.limit - this.#used);
  }
}
