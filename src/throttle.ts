// The `throttle` option: before each attempt the bucket's store is asked for a slot; when the
// window is spent the call waits for its reset, at most maxDelayMs in all, and then goes anyway
// (a 429 is still retried by the retry policy).
import { sleep } from './abort.js';
import type { OperationId } from './operations.js';
import type { RateLimitState } from './rate-limit.js';
import { bucketOf, type RateLimitStore } from './rate-limit-store.js';

/** Up to this share of a wait is added at random, so waiting clients do not all wake at once. */
const JITTER_SHARE = 0.1;
const MAX_JITTER_MS = 1000;

export class Throttle {
  readonly #orgUrl: string;
  readonly #store: RateLimitStore;
  readonly #maxDelayMs: number;

  constructor(orgUrl: string, store: RateLimitStore, maxDelayMs: number) {
    this.#orgUrl = orgUrl;
    this.#store = store;
    this.#maxDelayMs = maxDelayMs;
  }

  /** Waits until the operation's bucket has a slot for one request (at most maxDelayMs). */
  async wait(id: OperationId, signal: AbortSignal | undefined): Promise<void> {
    const bucket = bucketOf(this.#orgUrl, id);
    const giveUpAt = Date.now() + this.#maxDelayMs;
    for (;;) {
      signal?.throwIfAborted();
      const wait = await this.#store.reserve(bucket);
      const left = giveUpAt - Date.now();
      if (!(wait > 0) || left <= 0) return;
      const jitter = Math.random() * Math.min(wait * JITTER_SHARE, MAX_JITTER_MS);
      await sleep(Math.min(wait + jitter, left), signal);
    }
  }

  /** Passes what a response (success or error) said about the bucket's window to the store. */
  note(id: OperationId, state: RateLimitState | undefined): void {
    if (!state) return;
    // A store's failure must not fail the call it watches: a shared store falls back itself.
    try {
      const done = this.#store.record(bucketOf(this.#orgUrl, id), state);
      if (done) done.catch(() => undefined);
    } catch {
      // see above
    }
  }
}
