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

  constructor(
    init: OktaApiErrorInit & {
      limit: number | undefined;
      remaining: number | undefined;
      resetAt: Date | undefined;
    },
  ) {
    super(init);
    this.limit = init.limit;
    this.remaining = init.remaining;
    this.resetAt = init.resetAt;
  }
}
