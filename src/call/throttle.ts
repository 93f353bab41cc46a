// The `throttle` option: before each attempt the bucket's store is asked for a slot no later
// than maxWaitMs; the attempt waits for it (its timer stopped, the caller's signal in force)
// and gives it back if it ends before sending. A store that has no such slot is believed: the
// call fails with OktaThrottleError without sending, as Okta would only refuse it. The store's
// round trips count against the attempt's deadline: a store that fails or does not answer in
// time is replaced by this process's memory for a while, and said so once.
import { Deadline, sleep } from '../time/deadline.js';
import type { Clock } from '../time/clock.js';
import { OktaConfigError } from '../errors/config-error.js';
import { OktaThrottleError } from '../errors/throttle-error.js';
import type { OktaWarning } from '../config/options.js';
import { notify } from './notify.js';
import { readRateLimit, type HeaderReader, type RateLimitState } from '../rate-limit/headers.js';
import type { RouteId } from '../model/operations.js';
import { groupOf } from './buckets.js';
import { memoryStore } from '../rate-limit/memory-store.js';
import {
  type RateLimitBucket,
  type RateLimitRequest,
  type RateLimitReservation,
  type RateLimitSlot,
  type RateLimitStore,
} from '../rate-limit/store.js';

/** The bucket of a route in an org. */
function bucketOf(orgUrl: string, id: RouteId): RateLimitBucket {
  const group = groupOf(id);
  return { orgUrl, group, key: `${orgUrl} ${group}` };
}

/** How long a failed store is left alone before the next call asks it again. */
const STORE_RETRY_MS = 5_000;

export class Throttle {
  readonly #orgUrl: string;
  readonly #store: RateLimitStore;
  readonly #memory: RateLimitStore;
  readonly #maxWaitMs: number;
  readonly #clock: Clock;
  readonly #onWarning: ((warning: OktaWarning) => void) | undefined;
  /** Until when the store is bypassed after a failure (clock ms); 0 while it works. */
  #downUntil = 0;
  /** Whether the current outage has been reported. */
  #warned = false;

  constructor(
    orgUrl: string,
    /** The `throttle` option's store; this process's memory when none was given. */
    store: RateLimitStore | undefined,
    maxWaitMs: number,
    clock: Clock,
    onWarning: ((warning: OktaWarning) => void) | undefined,
  ) {
    this.#orgUrl = orgUrl;
    this.#store = store ?? memoryStore(clock);
    this.#maxWaitMs = maxWaitMs;
    this.#clock = clock;
    this.#onWarning = onWarning;
    this.#memory = memoryStore(clock);
  }

  /**
   * Takes a slot of the bucket's window for one request and waits for it, and resolves to the
   * time the store's round trip took and the slot's release (for an attempt that ends before
   * sending). The round trip runs under the attempt's `budget` (rejecting with `timeout()` when
   * it runs out) and the caller's signal; the wait for the slot only under the signal, giving
   * the slot back when it aborts. No slot within maxWaitMs: rejects with OktaThrottleError.
   */
  async wait(
    id: RouteId,
    signal: AbortSignal | undefined,
    budget: number,
    timeout: () => Error,
  ): Promise<{ spent: number; release: () => void }> {
    const clock = this.#clock;
    const bucket = bucketOf(this.#orgUrl, id);
    const request: RateLimitRequest = { maxWaitMs: this.#maxWaitMs };
    const askedAt = clock.now();
    const deadline = new Deadline(signal, budget, timeout, clock);
    let reservation: RateLimitReservation;
    try {
      reservation = await this.#reserve(bucket, request, deadline, signal);
    } finally {
      deadline.release();
    }
    const spent = clock.now() - askedAt;
    if (!reservation.granted) {
      throw new OktaThrottleError({
        operationId: id,
        maxWaitMs: request.maxWaitMs,
        retryAfterMs: reservation.retryAfterMs,
        resetAt: reservation.resetAt,
      });
    }
    const release = releaseOf(reservation);
    if (reservation.waitMs > 0) {
      try {
        await sleep(reservation.waitMs, signal, clock);
      } catch (error) {
        release();
        throw error;
      }
    }
    return { spent, release };
  }

  async #reserve(
    bucket: RateLimitBucket,
    request: RateLimitRequest,
    deadline: Deadline,
    signal: AbortSignal | undefined,
  ): Promise<RateLimitReservation> {
    if (this.#clock.now() < this.#downUntil) return this.#memory.reserve(bucket, request);
    try {
      const reservation = await deadline.race(
        new Promise<RateLimitReservation>((resolve) =>
          resolve(this.#store.reserve(bucket, request)),
        ),
      );
      // A store written for the old interface (a number) would otherwise send into any window.
      if (!isReservation(reservation)) throw new TypeError('not a RateLimitReservation');
      this.#warned = false;
      return reservation;
    } catch (error) {
      // A configuration error is the caller's to fix, and an abort the caller's own choice:
      // neither is an outage to ride out.
      if (error instanceof OktaConfigError || signal?.aborted) throw error;
      // The attempt's time is up: it ends, and the next one goes on memory.
      if (deadline.ended) {
        this.#failed('did not answer in time');
        throw error;
      }
      this.#failed('failed');
      return this.#memory.reserve(bucket, request);
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

function isReservation(value: unknown): value is RateLimitReservation {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<Record<keyof RateLimitSlot | 'retryAfterMs', unknown>>;
  return r.granted === true
    ? typeof r.waitMs === 'number' && typeof r.release === 'function'
    : r.granted === false && typeof r.retryAfterMs === 'number';
}

/** The slot's release as the attempt calls it: once, and never throwing into the call. */
function releaseOf(slot: RateLimitSlot): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    try {
      const pending = slot.release();
      if (pending) pending.catch(() => undefined);
    } catch {
      // The slot lapses with its window.
    }
  };
}
