import type { Middleware } from 'openapi-fetch';
import { readText } from './body.js';
import type { OktaApiError } from './errors/api-error.js';
import { createApiError } from './errors/factory.js';
import { isOktaError } from './errors/okta-error.js';
import { OktaNetworkError } from './errors/network-error.js';
import { secretsOfHeader } from './redact.js';

/** Error bodies are read up to this size; Okta's are a few hundred bytes. */
const MAX_ERROR_BODY = 64 * 1024;

// Secrets found in request bodies (a session token), kept until the response is mapped.
const bodySecrets = new WeakMap<Request, string[]>();

function secretsOf(request: Request): string[] {
  const secrets: string[] = [];
  for (const name of ['authorization', 'cookie', 'dpop']) {
    const value = request.headers.get(name);
    if (value) secrets.push(...secretsOfHeader(name, value));
  }
  return secrets.concat(bodySecrets.get(request) ?? []);
}

async function rememberBodySecrets(request: Request): Promise<void> {
  if (!request.body) return;
  // The body stream is spent once sent: read a copy now, in case the server echoes it.
  const text = await request
    .clone()
    .text()
    .catch(() => '');
  try {
    const token = (JSON.parse(text) as { sessionToken?: unknown } | null)?.sessionToken;
    if (typeof token === 'string') bodySecrets.set(request, [token]);
  } catch {
    // Not JSON: nothing we know to be secret.
  }
}

/**
 * The typed error for a non-2xx response: reads a bounded part of the body and scrubs the
 * given secrets from anything the server echoed.
 */
export async function apiErrorOf(
  response: Response,
  method: string,
  url: string,
  secrets: readonly string[],
): Promise<OktaApiError> {
  const bodyText = await readText(response, MAX_ERROR_BODY, 'truncate').catch(() => '');
  return createApiError({
    status: response.status,
    bodyText,
    headers: response.headers,
    method,
    url,
    secrets,
  });
}

/**
 * Turns every non-2xx response into a typed {@link OktaApiError} (decided on `response.ok`,
 * never on the body), and failed fetches into {@link OktaNetworkError}, for the raw client.
 * The façade does the same inline, through {@link apiErrorOf}.
 */
export function createErrorMiddleware(): Middleware {
  return {
    async onRequest({ request }) {
      await rememberBodySecrets(request);
      return undefined;
    },
    async onResponse({ request, response }) {
      if (response.ok) return undefined;
      throw await apiErrorOf(response, request.method, request.url, secretsOf(request));
    },
    onError({ request, error }) {
      // Cancellation keeps its own reason; the façade decides between abort and timeout.
      if (request.signal?.aborted || isOktaError(error)) return undefined;
      return new OktaNetworkError(request.method, request.url, error);
    },
  };
}
