// One access token per client: fetched by one request however many calls start at once, reused
// until shortly before it expires, dropped when the resource server rejects it.

/** An access token as the cache keeps it. */
export interface CachedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer' | 'DPoP';
  /** When to stop using it (ms since the epoch, already less the safety margin). */
  readonly expiresAt: number;
}

/** Tokens are renewed this long before `expires_in` runs out, or at half their life if shorter. */
const EXPIRY_MARGIN_MS = 60_000;

/** The moment to stop using a token that lives `expiresInS` seconds from `nowMs`. */
export function expiresAtOf(nowMs: number, expiresInS: number): number {
  const lifeMs = expiresInS * 1000;
  return nowMs + lifeMs - Math.min(EXPIRY_MARGIN_MS, lifeMs / 2);
}

/**
 * After a failed fetch, the next one waits this long from the failure. The calls that needed
 * the token retry on their own backoff (the first after 125 to 250 ms); without a shared wait,
 * each would start a fetch of its own as it woke, and a burst of calls would send a token
 * request per call to an endpoint that is failing.
 */
const FAILURE_HOLD_MS = 250;

/** A single-flight token cache. */
export class TokenCache {
  readonly #fetch: () => Promise<CachedToken>;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #token: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;
  /** No fetch starts before this (clock ms): set by a failed fetch. */
  #notBefore = 0;

  constructor(
    fetch: () => Promise<CachedToken>,
    now: () => number = Date.now,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
  ) {
    this.#fetch = fetch;
    this.#now = now;
    this.#sleep = sleep;
  }

  /** The cached token while it is fresh, else undefined; never starts a fetch. */
  fresh(): CachedToken | undefined {
    const token = this.#token;
    return token && this.#now() < token.expiresAt ? token : undefined;
  }

  /** The cached token while it is fresh; otherwise the one fetch in flight, started if needed. */
  get(): Promise<CachedToken> {
    const token = this.fresh();
    if (token) return Promise.resolve(token);
    if (this.#pending) return this.#pending;
    const wait = this.#notBefore - this.#now();
    const started = wait > 0 ? this.#sleep(wait).then(this.#fetch) : this.#fetch();
    const pending = started.then(
      (fresh) => {
        if (this.#pending === pending) {
          this.#token = fresh;
          this.#pending = undefined;
        }
        return fresh;
      },
      (error: unknown) => {
        // A failure is not cached: the next call tries again, a moment later.
        if (this.#pending === pending) this.#pending = undefined;
        this.#notBefore = this.#now() + FAILURE_HOLD_MS;
        throw error;
      },
    );
    this.#pending = pending;
    this.#token = undefined;
    return pending;
  }

  /**
   * Drops `accessToken` if it is still the cached one. Calls that failed with the same token
   * at once drop it once, and then share the one new fetch.
   */
  invalidate(accessToken: string): void {
    if (this.#token?.accessToken === accessToken) this.#token = undefined;
  }
}
