import { OktaError, requestLabel } from './okta-error.js';

/**
 * An attempt took longer than `timeoutMs` (headers and body included) and was cancelled.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaTimeoutError) console.error(`gave up after ${err.timeoutMs} ms`); }
 * ```
 */
export class OktaTimeoutError extends OktaError {
  static override readonly kind: string = 'OktaTimeoutError';
  /** The limit that was hit, in milliseconds. */
  declare readonly timeoutMs: number;
  /** HTTP method of the request. */
  declare readonly method: string;
  /** URL of the request. */
  declare readonly url: string;

  constructor(method: string, url: string, timeoutMs: number) {
    super(`Okta request timed out after ${timeoutMs} ms ${requestLabel(method, url)}`);
    this.timeoutMs = timeoutMs;
    this.method = method;
    this.url = url;
  }
}
