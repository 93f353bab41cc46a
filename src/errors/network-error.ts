import { OktaError } from './okta-error.js';

/**
 * The request failed without an HTTP response (connection refused or reset, DNS failure...).
 * The underlying error is in `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaNetworkError) console.error('Okta unreachable', err.cause); }
 * ```
 */
export class OktaNetworkError extends OktaError {
  static override readonly kind: string = 'OktaNetworkError';
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request. */
  readonly url: string;

  constructor(method: string, url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Okta request failed: ${reason} (${method} ${new URL(url).pathname})`, { cause });
    this.method = method;
    this.url = url;
  }
}
