// OAuth errors: the token endpoint's `{ error, error_description }` body, or a resource's
// `WWW-Authenticate` challenge (Okta answers bad DPoP proofs with an empty body). Given to the
// error factory by the clients that may meet them (the façade, okta.raw, token requests).
import type { OktaApiError } from './api-error.js';
import type { RefineError } from './factory.js';
import { OktaOAuthError } from './oauth-error.js';

/** The `DPoP-Nonce` a server sent with an error, for the one retry RFC 9449 allows. */
export function dpopNonceOf(error: OktaApiError): string | undefined {
  return error.headers['dpop-nonce'];
}

const AUTH_PARAM = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;

/**
 * `error` and `error_description` of a `WWW-Authenticate: DPoP …` or `Bearer …` challenge
 * (RFC 6750 §3, RFC 9449 §7.1), or undefined when it names no error.
 */
function challengeError(
  header: string | null | undefined,
): { error: string; description: string | undefined } | undefined {
  if (!header) return undefined;
  const params = new Map<string, string>();
  for (const match of header.matchAll(AUTH_PARAM)) {
    const name = (match[1] as string).toLowerCase();
    if (!params.has(name)) params.set(name, match[2]?.replace(/\\(.)/g, '$1') ?? match[3] ?? '');
  }
  const error = params.get('error');
  return error ? { error, description: params.get('error_description') } : undefined;
}

/** {@link OktaOAuthError} for OAuth answers; 429 and 5xx keep their class, which retries read. */
export const oauthError: RefineError = (init, body, text) => {
  if (init.status >= 500 || init.status === 429) return undefined;
  const challenge = challengeError(init.headers?.['www-authenticate']);
  const code = text(body['error']) ?? challenge?.error;
  if (code === undefined) return undefined;
  return new OktaOAuthError({
    ...init,
    oauthError: code,
    errorDescription:
      text(body['error_description']) ?? (challenge ? text(challenge.description) : undefined),
  });
};
