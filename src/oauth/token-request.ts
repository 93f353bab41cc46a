// A service app's token request: the form it sends and how its answer is read. It travels
// through the pipeline's one attempt (attempt.ts) like every API call: the same transport,
// throttle, deadline, error factory and scrubbing.
import { headerValueProblem } from '../model/validate.js';
import { expiresAtOf, type CachedToken } from './token-cache.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** One token request as it leaves: the form, and the DPoP proof when there is one. */
export interface TokenRequest {
  readonly body: string;
  readonly proof: string | undefined;
}

/**
 * Sends one token request through the pipeline and reads its answer with `parse`. `build` signs
 * the request when it leaves (after the throttle's wait, under the attempt's deadline). Rejects
 * with the pipeline's typed errors.
 */
export type SendToken = (
  build: () => Promise<TokenRequest>,
  parse: (text: string) => CachedToken | string,
) => Promise<CachedToken>;

/** The client-credentials form of one token request. */
export function tokenForm(scopes: readonly string[], assertion: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    scope: scopes.join(' '),
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
  }).toString();
}

/** The token of a token response received at `nowMs`, or the problem with it. */
export function parseToken(text: string, nowMs: number): CachedToken | string {
  let body: Record<string, unknown> | null;
  try {
    body = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    return 'the token response is not JSON';
  }
  const token = body?.['access_token'];
  const type = typeof body?.['token_type'] === 'string' ? body['token_type'].toLowerCase() : '';
  const expiresIn = body?.['expires_in'];
  if (typeof token !== 'string' || token === '' || headerValueProblem(token)) {
    return 'the token response has no usable access_token';
  }
  if (type !== 'bearer' && type !== 'dpop') {
    return 'the token response has a token_type other than Bearer or DPoP';
  }
  if (typeof expiresIn !== 'number' || !(expiresIn > 0)) {
    return 'the token response has no positive expires_in';
  }
  return {
    accessToken: token,
    tokenType: type === 'dpop' ? 'DPoP' : 'Bearer',
    expiresAt: expiresAtOf(nowMs, expiresIn),
  };
}
