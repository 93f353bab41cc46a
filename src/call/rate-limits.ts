// What `okta.rateLimit(operationId)` answers: the last rate-limit headers each bucket's responses
// carried. Every response is noted, so the note is cheap: the headers are kept and read only
// when asked (a response that carries none leaves the last state as it was).
import { readRateLimit, type RateLimitState } from '../rate-limit/headers.js';
import type { RateLimitGroup } from '../rate-limit/store.js';
import type { RouteId } from '../model/operations.js';
import type { HeaderReader } from '../transport/transport.js';
import { groupOf } from './buckets.js';

/**
 * The last rate-limit state seen for an operation's bucket; see {@link OktaSessions.rateLimit}.
 *
 * @example
 * ```ts
 * import type { OktaRateLimitStatus } from 'okta-sessions';
 * const nearlySpent = (s: OktaRateLimitStatus | undefined) =>
 *   s?.limit !== undefined && s.remaining !== undefined && s.remaining < s.limit / 10;
 * ```
 */
export interface OktaRateLimitStatus {
  /** `X-Rate-Limit-Limit`: requests the window allows (0 on a concurrency refusal). */
  limit: number | undefined;
  /** `X-Rate-Limit-Remaining`: requests left in the window. */
  remaining: number | undefined;
  /** `X-Rate-Limit-Reset`: when the window resets, by the server's clock. */
  resetAt: Date | undefined;
  /**
   * True when the last response was a concurrency refusal: a 429 with `X-Rate-Limit-Limit: 0`
   * (too many requests in flight at once, not too many in the window).
   */
  concurrency: boolean;
}

interface Seen {
  status: number;
  headers: Pick<HeaderReader, 'get'>;
  /** Already read by the attempt (for the throttle, an error or an event). */
  state: RateLimitState | undefined;
}

/** The last response with rate-limit headers, per bucket of one client. */
export class RateLimitBoard {
  readonly #last = new Map<RateLimitGroup, Seen>();

  note(
    id: RouteId,
    status: number,
    headers: Pick<HeaderReader, 'get'>,
    state: RateLimitState | undefined,
  ): void {
    // A header read or two, however the attempt went: cheaper than parsing them.
    if (
      headers.get('x-rate-limit-limit') !== null ||
      headers.get('x-rate-limit-remaining') !== null
    )
      this.#last.set(groupOf(id), { status, headers, state });
  }

  /** The last state of each bucket seen, for the rate-limit gauges. */
  states(now: number): Array<[RateLimitGroup, OktaRateLimitStatus]> {
    return [...this.#last].map(([group, seen]) => [group, this.#stateOf(seen, now)]);
  }

  /** The last state of `id`'s bucket, or undefined before any response said one. */
  stateOf(id: RouteId, now: number): OktaRateLimitStatus | undefined {
    const seen = this.#last.get(groupOf(id));
    return seen && this.#stateOf(seen, now);
  }

  #stateOf(seen: Seen, now: number): OktaRateLimitStatus {
    const { limit, remaining, resetAt } = seen.state ?? readRateLimit(seen.headers, now);
    return { limit, remaining, resetAt, concurrency: seen.status === 429 && limit === 0 };
  }
}
