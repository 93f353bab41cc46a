import type { Middleware } from 'openapi-fetch';
import { readText } from './body.js';
import { createApiError } from './errors/factory.js';
import { isOktaError } from './errors/okta-error.js';
import { OktaNetworkError } from './errors/network-error.js';
import { secretsOfHeader } from './redact.js';

/** Error bodies are read up to this size; Okta's are a few hundred bytes. */
const MAX_ERROR_BODY = 64 * 1024;

/** Where the façade hands per-call secrets (a session token) to the middleware for scrubbing. */
export const SECRETS_KEY = 'oktaSecrets';

function secretsOf(request: Request): string[] {
  const secrets: string[] = [];
  for (const name of ['authorization', 'cookie', 'dpop']) {
    const value = request.headers.get(name);
    if (value) secrets.push(...secretsOfHeader(name, value));
  }
  const extra = (request as unknown as Record<string, unknown>)[SECRETS_KEY];
  if (Array.isArray(extra)) secrets.push(...(extra as string[]));
  return secrets;
}

/**
 * Turns every non-2xx response into a typed {@link OktaApiError} (decided on `response.ok`,
 * never on the body), and failed fetches into {@link OktaNetworkError}, for the façade and
 * the raw client alike.
 */
export function createErrorMiddleware(): Required<Pick<Middleware, 'onResponse' | 'onError'>> {
  return {
    async onResponse({ request, response }) {
      if (response.ok) return undefined;
      const bodyText = await readText(response, MAX_ERROR_BODY, 'truncate').catch(() => '');
      throw createApiError({
        status: response.status,
        bodyText,
        headers: response.headers,
        method: request.method,
        url: request.url,
        secrets: secretsOf(request),
      });
    },
    onError({ request, error }) {
      // Cancellation keeps its own reason; the façade decides between abort and timeout.
      if (request.signal?.aborted || isOktaError(error)) return undefined;
      return new OktaNetworkError(request.method, request.url, error);
    },
  };
}
