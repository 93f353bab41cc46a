// One request to the org authorization server's token endpoint, through the client's own
// transport (pool, proxy) under its timeout; the caller wraps it in the client's retry policy.
import { Deadline } from '../abort.js';
import { apiErrorOf } from '../errors/factory.js';
import { scrubberOf } from '../redact.js';
import { OktaInvalidResponseError } from '../errors/invalid-response-error.js';
import { OktaNetworkError } from '../errors/network-error.js';
import { isOktaError } from '../errors/okta-error.js';
import { OktaTimeoutError } from '../errors/timeout-error.js';
import {
  BodyTooLargeError,
  type Transport,
  type TransportResponse,
} from '../transport/transport.js';
import { headerValueProblem } from '../validate.js';
import { expiresAtOf, type CachedToken } from './token-cache.js';

/** The token endpoint's path on the org authorization server (never a custom one). */
export const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_TOKEN_RESPONSE = 64 * 1024;

/** How token requests leave the client: the same transport, headers and timeout as API calls. */
export interface OAuthTransport {
  readonly transport: Transport;
  readonly origin: string;
  /** The client's own headers (user agent, extras), names lowercase. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly now: () => number;
}

/** One token request's credentials, made fresh for every attempt. */
export interface TokenRequestInput {
  readonly scopes: readonly string[];
  readonly assertion: string;
  readonly proof: string | undefined;
}

function invalid(
  response: TransportResponse,
  url: string,
  problem: string,
): OktaInvalidResponseError {
  return new OktaInvalidResponseError(
    {
      status: response.status,
      requestId: response.headers.get('x-okta-request-id') ?? undefined,
      method: 'POST',
      url,
    },
    problem,
  );
}

function parseToken(
  text: string,
  response: TransportResponse,
  url: string,
  nowMs: number,
): CachedToken {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw invalid(response, url, 'the token response is not JSON');
  }
  const token = body?.['access_token'];
  const type = typeof body?.['token_type'] === 'string' ? body['token_type'].toLowerCase() : '';
  const expiresIn = body?.['expires_in'];
  if (typeof token !== 'string' || token === '' || headerValueProblem(token)) {
    throw invalid(response, url, 'the token response has no usable access_token');
  }
  if (type !== 'bearer' && type !== 'dpop') {
    throw invalid(response, url, 'the token response has a token_type other than Bearer or DPoP');
  }
  if (typeof expiresIn !== 'number' || !(expiresIn > 0)) {
    throw invalid(response, url, 'the token response has no positive expires_in');
  }
  return {
    accessToken: token,
    tokenType: type === 'dpop' ? 'DPoP' : 'Bearer',
    expiresAt: expiresAtOf(nowMs, expiresIn),
  };
}

/**
 * Sends one token request. Non-2xx answers become {@link OktaOAuthError} (or the class the status
 * calls for, e.g. a retryable 429), scrubbed of the assertion and proof.
 */
export async function requestToken(
  wire: OAuthTransport,
  input: TokenRequestInput,
): Promise<CachedToken> {
  const url = wire.origin + TOKEN_PATH;
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    scope: input.scopes.join(' '),
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: input.assertion,
  }).toString();
  const headers: Record<string, string> = {
    ...wire.headers,
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (input.proof !== undefined) headers['dpop'] = input.proof;
  const secrets = input.proof === undefined ? [input.assertion] : [input.assertion, input.proof];
  const deadline = new Deadline(
    undefined,
    wire.timeoutMs,
    () => new OktaTimeoutError('POST', url, wire.timeoutMs),
  );
  const exchange = async () => {
    const response = await wire.transport.request({
      method: 'POST',
      origin: wire.origin,
      path: TOKEN_PATH,
      headers,
      body,
      credentials: undefined,
      cancel: deadline,
    });
    if (response.status < 200 || response.status >= 300) {
      throw await apiErrorOf(response, 'POST', url, scrubberOf(secrets));
    }
    const text = await response.text(MAX_TOKEN_RESPONSE, 'throw').catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) throw invalid(response, url, error.message);
      throw error;
    });
    return parseToken(text, response, url, wire.now());
  };
  try {
    return await deadline.race(exchange());
  } catch (error) {
    if (deadline.ended || isOktaError(error)) throw error;
    throw new OktaNetworkError('POST', url, error);
  } finally {
    deadline.release();
  }
}
