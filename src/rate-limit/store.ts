// Where the throttle keeps what it knows about Okta's rate-limit windows. The default store is
// the process's own memory; a shared store (okta-sessions/redis) lets a fleet share one budget.
import { systemClock, type Clock } from '../time/clock.js';
import { nextThrottleUntil, type RateLimitState } from './headers.js';

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
 * Where the `throttle` option keeps rate-limit windows. The client calls `reserve` before each
 * attempt and `record` with what each response's `X-Rate-Limit-*` and `Date` headers said.
 * A store may be shared by many clients, even in many processes (see `okta-sessions/redis`).
 *
 * @example
 * ```ts
 * // A store that never waits: the same as `throttle: false`, spelled as a store.
 * const never: RateLimitStore = { reserve: () => 0, record: () => undefined };
 * const okta = new OktaSessions({ orgUrl, apiToken, throttle: { store: never } });
 * ```
 */
export interface RateLimitStore {
  /**
   * Claims one request of the bucket's current window. Resolves to 0 to send now, or to the
   * milliseconds to wait before asking again (the window is spent).
   */
  reserve(bucket: RateLimitBucket): number | Promise<number>;
  /** Takes note of what a response (success or error) said about the bucket's window. */
  record(bucket: RateLimitBucket, state: RateLimitState): void | Promise<void>;
}

/**
 * The default store: this process's memory, one wait per bucket. Once a response says a
 * window is spent (`X-Rate-Limit-Remaining: 0`), calls to that bucket wait for its reset.
 *
 * @example
 * ```ts
 * const okta = new OktaSessions({ orgUrl, apiToken, throttle: { store: memoryRateLimitStore() } });
 * ```
 */
export function memoryRateLimitStore(): RateLimitStore {
  return memoryStore(systemClock);
}

/** {@link memoryRateLimitStore} on a given clock. */
export function memoryStore(clock: Clock): RateLimitStore {
  const until = new Map<string, number>();
  return {
    reserve(bucket) {
      return Math.max(0, (until.get(bucket.key) ?? 0) - clock.now());
    },
    record(bucket, state) {
      const now = clock.now();
      const next = nextThrottleUntil(until.get(bucket.key), state, now);
      if (next === undefined) until.delete(bucket.key);
      else until.set(bucket.key, next);
    },
  };
}
