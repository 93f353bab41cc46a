// Where the throttle keeps what it knows about Okta's rate-limit windows. The default store is
// the process's own memory; a shared store (okta-sessions/redis) lets a fleet share one budget.
import type { RateLimitState } from './headers.js';

/**
 * An endpoint group that Okta counts as one rate-limit bucket: the cookie (`/me`) operations;
 * the operations by session id together with createSession; the user operations
 * (`/api/v1/users…`); the org authorization server's token endpoint.
 */
export type RateLimitGroup = 'sessions' | 'me' | 'users' | 'oauth-token';

/**
 * One Okta rate-limit bucket: an org and an endpoint group.
 *
 * @example
 * ```ts
 * const bucket: RateLimitBucket = { orgUrl, group: 'sessions', key: `${orgUrl} sessions` };
 * ```
 */
export interface RateLimitBucket {
  /** The org URL, e.g. `https://acme.okta.com`. */
  readonly orgUrl: string;
  /** The endpoint group whose bucket this is. */
  readonly group: RateLimitGroup;
  /** `orgUrl` and `group` as one string, for maps and key names. Never holds a secret. */
  readonly key: string;
}

/**
 * What the throttle asks a {@link RateLimitStore} for one request.
 *
 * @example
 * ```ts
 * const request: RateLimitRequest = { maxWaitMs: 5_000 };
 * ```
 */
export interface RateLimitRequest {
  /** The longest this caller may wait for a slot (ms). A slot later than this must not be taken. */
  readonly maxWaitMs: number;
}

/**
 * A slot for one request: send after `waitMs` (0 = now).
 *
 * @example
 * ```ts
 * const slot: RateLimitSlot = { granted: true, waitMs: 0, release: () => undefined };
 * ```
 */
export interface RateLimitSlot {
  /** A slot: the call may send after `waitMs`. */
  readonly granted: true;
  /** How long to wait before sending, in milliseconds; 0 to send now. */
  readonly waitMs: number;
  /**
   * Gives the slot back (the caller was cancelled or gave up before sending), so a later
   * caller may take it. Idempotent; never throws into the caller.
   */
  release(): void | Promise<void>;
}

/**
 * No slot within the caller's `maxWaitMs`: the request must not be sent.
 *
 * @example
 * ```ts
 * const refusal: RateLimitRefusal = { granted: false, retryAfterMs: 42_000, resetAt: Date.now() + 41_000 };
 * ```
 */
export interface RateLimitRefusal {
  /** No slot: the call must not send. */
  readonly granted: false;
  /** When a slot could next be had, in milliseconds from now. */
  readonly retryAfterMs: number;
  /** When the bucket's known window resets (epoch ms). */
  readonly resetAt: number;
}

/** What {@link RateLimitStore.reserve} answers: a slot, or a refusal. */
export type RateLimitReservation = RateLimitSlot | RateLimitRefusal;

/**
 * Where the `throttle` option keeps rate-limit windows. The client calls `reserve` before each
 * attempt and `record` with what each response's `X-Rate-Limit-*` and `Date` headers said.
 * A store may be shared by many clients, even in many processes (see `okta-sessions/redis`).
 *
 * Semantics: tickets per window, first come first served. Each window of a bucket has `limit`
 * slots (the last `X-Rate-Limit-Limit`); until the store has seen a response of the bucket,
 * slots are granted at once. A reservation takes the next free slot: in the current window if
 * one is left (the known `remaining` less the slots reserved and not yet answered), else in
 * the next window that has one, unless that is later than `maxWaitMs` (a refusal). A
 * concurrency refusal (a 429 with `X-Rate-Limit-Limit: 0`) does not spend a window.
 *
 * @example
 * ```ts
 * // A store that never waits: the same as `throttle: false`, spelled as a store.
 * const never: RateLimitStore = {
 *   reserve: () => ({ granted: true, waitMs: 0, release: () => undefined }),
 *   record: () => undefined,
 * };
 * const okta = new OktaSessions({ orgUrl, apiToken, throttle: { store: never } });
 * ```
 */
export interface RateLimitStore {
  /**
   * Takes the next free slot of the bucket that the caller can have within
   * `request.maxWaitMs`, or refuses. A granted slot is either sent (its answer is then
   * recorded) or released.
   */
  reserve(
    bucket: RateLimitBucket,
    request: RateLimitRequest,
  ): RateLimitReservation | Promise<RateLimitReservation>;
  /** Takes note of what a response (success or error) said about the bucket's window. */
  record(bucket: RateLimitBucket, state: RateLimitState): void | Promise<void>;
}
