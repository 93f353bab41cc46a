import { OktaRateLimitError } from './rate-limit-error.js';
import { OktaApiError } from './api-error.js';

/**
 * HTTP 400: the request was malformed or failed Okta's validation (E0000001, E0000003).
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaBadRequestError) console.error(err.errorCauses); }
 * ```
 */
export class OktaBadRequestError extends OktaApiError {
  static override readonly kind: string = 'OktaBadRequestError';
}

/**
 * HTTP 401: the API token or access token is missing, invalid or expired (E0000011), or a
 * session token was not accepted (E0000004).
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaAuthenticationError) alertOps('rotate the Okta API token'); }
 * ```
 */
export class OktaAuthenticationError extends OktaApiError {
  static override readonly kind: string = 'OktaAuthenticationError';
}

/**
 * HTTP 403: the credential is valid but lacks the permission or OAuth scope (E0000006).
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaForbiddenError) console.error('grant okta.sessions.manage'); }
 * ```
 */
export class OktaForbiddenError extends OktaApiError {
  static override readonly kind: string = 'OktaForbiddenError';
}

/**
 * HTTP 404: no valid session matches; it never existed, or was revoked, closed or expired (E0000007).
 *
 * @example
 * ```ts
 * const session = await okta.getSession(id).catch((err) => {
 *   if (err instanceof OktaNotFoundError) return null;
 *   throw err;
 * });
 * ```
 */
export class OktaNotFoundError extends OktaApiError {
  static override readonly kind: string = 'OktaNotFoundError';
}

/**
 * HTTP 5xx: Okta (or a proxy in front of it) failed. Retried automatically where a repeat is harmless.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaServerError) console.error('Okta is having trouble', err.status); }
 * ```
 */
export class OktaServerError extends OktaApiError {
  static override readonly kind: string = 'OktaServerError';
}

/** The error class for a non-2xx status: the one place where status decides the class. */
export function errorClassFor(status: number): typeof OktaApiError {
  switch (status) {
    case 400:
      return OktaBadRequestError;
    case 401:
      return OktaAuthenticationError;
    case 403:
      return OktaForbiddenError;
    case 404:
      return OktaNotFoundError;
    case 429:
      return OktaRateLimitError;
    default:
      return status >= 500 ? OktaServerError : OktaApiError;
  }
}
