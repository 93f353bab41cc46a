import { OktaError } from './okta-error.js';

/** What an {@link OktaThrottleError} is built from. */
export interface OktaThrottleErrorInit {
  /** The operation that was not sent, e.g. `getSession`; `getAccessToken` for a token request. */
  operationId: string;
  /** How long the call could have waited for a slot (`throttle.maxWaitMs`), in milliseconds. */
  maxWaitMs: number;
  /** When the rate-limit store expects a slot, in milliseconds from when it was asked. */
  retryAfterMs: number;
  /** When the bucket's known window resets (epoch ms). */
  resetAt: number;
}

/**
 * The throttle did not send the request: the rate-limit store knows the window is spent, and
 * the next free slot is later than the call may wait (`throttle.maxWaitMs`). Okta never saw
 * the request, so this is not an {@link OktaApiError} and the client does not retry it; try
 * again after `retryAfterMs`, or shed the work.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) {
 *   if (err instanceof OktaThrottleError) logger.warn({ retryAfterMs: err.retryAfterMs }, 'shed');
 * }
 * ```
 */
export class OktaThrottleError extends OktaError {
  static override readonly kind: string = 'OktaThrottleError';
  /** The operation that was not sent, e.g. `getSession`. */
  declare readonly operationId: string;
  /** How long the call could have waited for a slot, in milliseconds. */
  declare readonly maxWaitMs: number;
  /** When the store expects a slot, in milliseconds from when the call asked. */
  declare readonly retryAfterMs: number;
  /** When the bucket's known rate-limit window resets. */
  declare readonly resetAt: Date;

  constructor(init: OktaThrottleErrorInit) {
    super(
      `Not sent: no rate-limit slot for ${init.operationId} within ${init.maxWaitMs} ms (next slot in ${Math.ceil(init.retryAfterMs)} ms)`,
    );
    this.operationId = init.operationId;
    this.maxWaitMs = init.maxWaitMs;
    this.retryAfterMs = init.retryAfterMs;
    this.resetAt = new Date(init.resetAt);
  }
}

/**
 * True for an {@link OktaThrottleError}, from any copy of the package.
 *
 * @example
 * ```ts
 * const error: unknown = new Error('not ours');
 * if (isOktaThrottleError(error)) console.warn(`shed: retry in ${error.retryAfterMs} ms`);
 * ```
 */
export function isOktaThrottleError(value: unknown): value is OktaThrottleError {
  return value instanceof OktaThrottleError;
}
