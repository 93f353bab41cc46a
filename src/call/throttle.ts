// The `throttle` option: before each attempt the bucket's store is asked for a slot; when the
// window is spent the attempt waits for its reset (its timer stopped, the caller's signal in
// force), at most maxDelayMs in all, and then goes anyway (a 429 is still retried by the retry
// policy). The store's round trips count against the attempt's deadline: a store that fails or
// does not answer in time is replaced by this process's memory for a while, and said so once.
import { Deadline, sleep } from '../time/deadline.js';
import type { Clock } from '../time/clock.js';
import { OktaConfigError } from '../errors/config-error.js';
import type { OktaWarning } from '../config/options.js';
import { notify } from './notify.js';
import { readRateLimit, type HeaderReader, type RateLimitState } from '../rate-limit/headers.js';
import type { RouteId } from '../model/operations.js';
import { groupOf } from './buckets.js';
import { memoryStore, type RateLimitBucket, type RateLimitStore } from '../rate-limit/store.js';

/** The bucket of a route in an org. */
function bucketOf(orgUrl: string, id: RouteId): RateLimitBucket {
  const group = groupOf(id);
  return { orgUrl, group, key: `${orgUrl} ${group}` };
}

/** Up to this share of a wait is added at random, so waiting clients do not all wake at once. */
const JITTER_SHARE = 0.1;
const MAX_JITTER_MS = 1000;
/** How long a failed store is left alone before the next call asks it again. */
const STORE_RETRY_MS = 5_000;

export class Throttle {
  readonly #orgUrl: string;
  readonly #store: RateLimitStore;
  readonly #memory: RateLimitStore;
  readonly #maxDelayMs: number;
  readonly #clock: Clock;
  readonly #onWarning: ((warning: OktaWarning) => void) | undefined;
  /** Until when the store is bypassed after a failure (clock ms); 0 while it works. */
  #downUntil = 0;
  /** Whether the current outage has been reported. */
  #warned = false;

  constructor(
    orgUrl: string,
    store: RateLimitStore,
    maxDelayMs: number,
    clock: Clock,
    onWarning: ((warning: OktaWarning) => void) | undefined,
  ) {
    this.#orgUrl = orgUrl;
    this.#store = store;
    this.#maxDelayMs = maxDelayMs;
    this.#clock = clock;
    this.#onWarning = onWarning;
    this.#memory = memoryStore(clock);
  }

  /**
   * Waits until the bucket has a slot for one request (at most maxDelayMs of waiting), and
   * resolves to the time the store's round trips took. They run under the attempt's `budget`
   * (rejecting with `timeout()` when it runs out) and the caller's signal; the waits between
   * them only under the signal.
   */
  async wait(
    id: RouteId,
    signal: AbortSignal | undefined,
    budget: number,
    timeout: () => Error,
  ): Promise<number> {
    const clock = this.#clock;
    const bucket = bucketOf(this.#orgUrl, id);
    const giveUpAt = clock.now() + this.#maxDelayMs;
    let spent = 0;
    for (;;) {
      const askedAt = clock.now();
      const deadline = new Deadline(signal, budget - spent, timeout, clock);
      let wait: number;
      try {
        // Only a round trip that had the attempt's whole time can prove the store too slow.
        wait = await this.#reserve(bucket, deadline, signal, spent === 0);
      } finally {
        deadline.release();
      }
      spent += clock.now() - askedAt;
      const left = giveUpAt - clock.now();
      if (!(wait > 0) || left <= 0) return spent;
      const jitter = Math.random() * Math.min(wait * JITTER_SHARE, MAX_JITTER_MS);
      await sleep(Math.min(wait + jitter, left), signal, clock);
    }
  }

  async #reserve(
    bucket: RateLimitBucket,
    deadline: Deadline,
    signal: AbortSignal | undefined,
    whole: boolean,
  ): Promise<number> {
    if (this.#clock.now() < this.#downUntil) return this.#memory.reserve(bucket);
    try {
      const wait = await deadline.race(
        new Promise<number>((resolve) => resolve(this.#store.reserve(bucket))),
      );
      this.#warned = false;
      return wait;
    } catch (error) {
      // A configuration error is the caller's to fix, and an abort the caller's own choice:
      // neither is an outage to ride out.
      if (error instanceof OktaConfigError || signal?.aborted) throw error;
      // The attempt's time is up: it ends, and the next one goes on memory.
      if (deadline.ended) {
        if (whole) this.#failed('did not answer in time');
        throw error;
      }
      this.#failed('failed');
      return this.#memory.reserve(bucket);
    }
  }

  #failed(how: string): void {
    this.#downUntil = this.#clock.now() + STORE_RETRY_MS;
    if (this.#warned) return;
    this.#warned = true;
    notify(this.#onWarning, {
      code: 'OKTA_SESSIONS_STORE_FAILED',
      message: `The rate-limit store ${how}; this process's memory keeps the rate-limit windows until it answers again (tried again after ${STORE_RETRY_MS} ms)`,
    });
  }

  /**
   * Reads what a response (success or error) says about its bucket's window at `now` (the
   * pipeline's clock), passes it to the store, and returns it.
   */
  noteResponse(
    id: RouteId,
    headers: Pick<HeaderReader, 'get'>,
    status: number,
    now: number,
  ): RateLimitState {
    const state = readRateLimit(headers, now);
    // A 429 proves the window was spent when the request arrived (see RateLimitState.refused).
    this.note(id, status === 429 ? { ...state, refused: true } : state);
    return state;
  }

  /** Passes what a response (success or error) said about the bucket's window to the store. */
  note(id: RouteId, state: RateLimitState): void {
    const bucket = bucketOf(this.#orgUrl, id);
    void this.#memory.record(bucket, state);
    // A store's failure must not fail the call it watches.
    try {
      const done = this.#store.record(bucket, state);
      if (done) done.catch(() => this.#failed('failed to record a response'));
    } catch {
      this.#failed('failed to record a response');
    }
  }
}
