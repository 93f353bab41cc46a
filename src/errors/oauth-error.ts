import { OktaApiError, type OktaApiErrorInit } from './api-error.js';
import { requestLabel } from './okta-error.js';

/** What an {@link OktaOAuthError} adds to an API error. */
export interface OktaOAuthErrorInit extends OktaApiErrorInit {
  oauthError: string;
  errorDescription: string | undefined;
}

/**
 * An OAuth 2.0 error: the token endpoint refused the client (`invalid_client`, `invalid_scope`,
 * `use_dpop_nonce`...), or a resource refused the access token or its DPoP proof (read from
 * `WWW-Authenticate`, since Okta answers bad proofs with an empty body). `error` is the code to
 * branch on.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof OktaOAuthError && err.error === 'invalid_client') alertOps('check the service app key');
 * }
 * ```
 */
export class OktaOAuthError extends OktaApiError {
  static override readonly kind: string = 'OktaOAuthError';
  /** The OAuth error code, e.g. `invalid_client`, `invalid_scope`, `invalid_dpop_proof`. */
  declare readonly error: string;
  /** The server's description; its wording may change, so do not branch on it. */
  declare readonly errorDescription: string | undefined;

  constructor(init: OktaOAuthErrorInit) {
    super(init);
    const description = init.errorDescription ? `: ${init.errorDescription}` : '';
    // The OAuth code and description lead, as Okta's own messages put them.
    this.message = `Okta OAuth ${init.status} ${init.oauthError}${description} ${requestLabel(init.method, init.url, init.requestId)}`;
    this.error = init.oauthError;
    this.errorDescription = init.errorDescription;
  }
}
