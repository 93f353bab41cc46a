import { OktaApiError, type OktaApiErrorInit } from './api-error.js';

/**
 * HTTP 429: the org's rate limit is used up (E0000047), and retrying did not help (or retries
 * are off). `resetAt` says when the window resets.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) {
 *   if (err instanceof OktaRateLimitError) console.warn(`rate limited until ${err.resetAt?.toISOString()}`);
 * }
 * ```
 */
export class OktaRateLimitError extends OktaApiError {
  static override readonly kind: string = 'OktaRateLimitError';
  /** `X-Rate-Limit-Limit`: requests allowed per window. */
  declare readonly limit: number | undefined;
  /** `X-Rate-Limit-Remaining`: requests left in the window. */
  declare readonly remaining: number | undefined;
  /** When the window resets (from `X-Rate-Limit-Reset`, the smallest value if repeated). */
  declare readonly resetAt: Date | undefined;
  /**
   * How long Okta asks to wait before trying again, in milliseconds: the reset less the
   * response's `Date`, plus 1 s (as Okta documents), else `Retry-After`; undefined when the
   * headers say neither. What the client's own retry waits (up to `retry.maxDelayMs`).
   */
  declare readonly waitMs: number | undefined;

  constructor(
    init: OktaApiErrorInit & {
      limit: number | undefined;
      remaining: number | undefined;
      resetAt: Date | undefined;
      waitMs?: number | undefined;
    },
  ) {
    super(init);
    this.limit = init.limit;
    this.remaining = init.remaining;
    this.resetAt = init.resetAt;
    this.waitMs = init.waitMs;
  }
}
