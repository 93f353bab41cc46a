// Rate limits the way Okta applies them: one bucket per endpoint group, each a window that
// starts at the bucket's first request (not aligned to the minute) and lasts `windowSeconds`,
// or, optionally, windows aligned to the epoch (every boundary a multiple of `windowSeconds`);
// plus an optional cap on requests in flight, whose 429s carry `X-Rate-Limit-Limit: 0` and
// spend nothing of the window.

/** One endpoint group's request counter; read `limitText`, `remaining` and `reset` after `take`/`peek`. */
export class RateLimitBucket {
  readonly limit: number;
  readonly #windowMs: number;
  /** End of the current window in ms since the epoch, or 0 before the first request. */
  #windowEnd = 0;
  #used = 0;
  /** `limit` as a header value. */
  readonly limitText: string;
  /** Requests left in the current window, as a header value. */
  remaining = '';
  /** End of the current window in epoch seconds, as a header value. */
  reset = '';

  readonly #aligned: boolean;

  constructor(limit: number, windowSeconds: number, aligned = false) {
    if (!Number.isInteger(limit) || limit < 0)
      throw new RangeError('rateLimit.limit must be an integer >= 0');
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new RangeError('rateLimit.windowSeconds must be an integer >= 1');
    }
    this.limit = limit;
    this.limitText = String(limit);
    this.#windowMs = windowSeconds * 1000;
    this.#aligned = aligned;
  }

  /** Counts one request at `nowMs`; false when the window's budget is already used up. */
  take(nowMs: number): boolean {
    this.#roll(nowMs);
    const allowed = this.#used < this.limit;
    if (allowed) this.#used++;
    this.remaining = String(this.limit - this.#used);
    return allowed;
  }

  /** Updates the header values for `nowMs` without counting a request. */
  peek(nowMs: number): void {
    this.#roll(nowMs);
    this.remaining = String(this.limit - this.#used);
  }

  /** Back to no request seen: the next one starts a new window. */
  restart(): void {
    this.#windowEnd = 0;
    this.#used = 0;
  }

  #roll(nowMs: number): void {
    // A new window starts with the first request after the last one ended (or when the injected
    // clock went back before the current window began).
    if (nowMs >= this.#windowEnd || nowMs < this.#windowEnd - this.#windowMs) {
      // Aligned windows end at the next multiple of the window after now, whoever came first.
      this.#windowEnd = this.#aligned
        ? (Math.floor(nowMs / this.#windowMs) + 1) * this.#windowMs
        : nowMs + this.#windowMs;
      this.#used = 0;
      // Rounded up, so the reset is always later than the second in the `Date` header.
      this.reset = String(Math.ceil(this.#windowEnd / 1000));
    }
  }
}

/** Okta's endpoint groups as the emulator buckets them. */
export type BucketName = 'sessions' | 'me' | 'users' | 'authn' | 'login' | 'other';

/** The buckets of one emulator, all with the same limit and window. */
export function createBuckets(
  limit: number,
  windowSeconds: number,
  aligned = false,
): Readonly<Record<BucketName, RateLimitBucket>> {
  const bucket = () => new RateLimitBucket(limit, windowSeconds, aligned);
  return {
    sessions: bucket(),
    me: bucket(),
    users: bucket(),
    authn: bucket(),
    login: bucket(),
    other: bucket(),
  };
}

/** Counts requests in flight against an optional cap. */
export class ConcurrencyGate {
  readonly #max: number;
  #inFlight = 0;
  /** False when there is no cap: then nothing needs counting. */
  readonly capped: boolean;

  /** `max` requests may be in flight at once; Infinity disables the cap. */
  constructor(max: number) {
    if (max !== Infinity && (!Number.isInteger(max) || max < 1))
      throw new RangeError('rateLimit.concurrency must be an integer >= 1');
    this.#max = max;
    this.capped = max !== Infinity;
  }

  /** Admits one request; false when the cap is reached. Call `release` once for each admitted one. */
  enter(): boolean {
    if (this.#inFlight >= this.#max) return false;
    this.#inFlight++;
    return true;
  }

  release(): void {
    this.#inFlight--;
  }
}
