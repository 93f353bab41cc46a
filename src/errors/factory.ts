import { OktaApiError, type OktaApiErrorInit, type OktaErrorCause } from './api-error.js';
import { OktaRateLimitError } from './rate-limit-error.js';
import { errorClassFor } from './status-errors.js';
import {
  readRateLimit,
  resetWaitMs,
  type HeaderReader,
  type RateLimitState,
} from '../rate-limit/headers.js';
import type { TransportResponse } from '../transport/transport.js';

const MAX_TEXT = 2_000;
/** Error bodies are read up to this size; Okta's are a few hundred bytes. */
const MAX_ERROR_BODY = 64 * 1024;
const MAX_CAUSES = 20;

// Set-Cookie can carry a session cookie (refreshSession answers with `sid=<id>`).
const WITHHELD_HEADERS = new Set(['set-cookie']);

/**
 * Removes the request's secrets from text the server sent (text/redact.ts scrubberOf); the identity
 * only for requests that carry no secret, such as the client-less /me functions.
 */
export type Scrubber = (text: string) => string;

function headersOf(headers: HeaderReader, clean: Scrubber): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if (!WITHHELD_HEADERS.has(key)) record[key] = clean(value);
  });
  return Object.freeze(record);
}

function text(value: unknown, clean: Scrubber): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = clean(value);
  return cleaned.length > MAX_TEXT ? `${cleaned.slice(0, MAX_TEXT)}…` : cleaned;
}

function causes(value: unknown, clean: Scrubber): OktaErrorCause[] {
  // Okta documents an array; some endpoints send a single object.
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
  return list.slice(0, MAX_CAUSES).map((cause: unknown) => {
    const summary = text((cause as { errorSummary?: unknown } | null)?.errorSummary, clean);
    return summary === undefined ? {} : { errorSummary: summary };
  });
}

/**
 * A more specific error for a response than its status gives (OAuth errors), or undefined.
 * Handed in by the client (oauth-factory.ts), so pages that only load the client-less /me
 * functions do not carry the code.
 */
export type RefineError = (
  init: OktaApiErrorInit,
  body: Readonly<Record<string, unknown>>,
  text: (value: unknown) => string | undefined,
) => OktaApiError | undefined;

/**
 * Builds the typed error for a non-2xx response. The class comes from the status alone, so an
 * empty, HTML or otherwise non-JSON body still gives the right class. Anything the server
 * echoes back is scrubbed of the request's secrets.
 */
export function createApiError(input: {
  status: number;
  bodyText: string;
  headers: HeaderReader;
  method: string;
  url: string;
  /** Scrubs the request's secrets from anything the server echoes. */
  clean: Scrubber;
  /** Tried before the status classes. */
  refine?: RefineError | undefined;
  /** The response's rate-limit headers, when the caller has read them already. */
  rateLimit?: RateLimitState | undefined;
  /** Now, by the clock a 429's wait is measured on when the response has no `Date`. */
  now?: number | undefined;
}): OktaApiError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(input.bodyText);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status still tells the class.
  }
  const init: OktaApiErrorInit = {
    status: input.status,
    errorCode: text(body['errorCode'], input.clean),
    errorSummary: text(body['errorSummary'], input.clean),
    errorLink: text(body['errorLink'], input.clean),
    errorId: text(body['errorId'], input.clean),
    errorCauses: causes(body['errorCauses'], input.clean),
    requestId: text(input.headers.get('x-okta-request-id'), input.clean),
    method: input.method,
    url: input.url,
    headers: headersOf(input.headers, input.clean),
  };
  const refined = input.refine?.(init, body, (value) => text(value, input.clean));
  if (refined) return refined;
  const Class = errorClassFor(input.status);
  if (Class !== OktaRateLimitError) return new Class(init);
  // `okta.raw`, outside the pipeline, has no clock but the system's.
  const now = input.now ?? Date.now();
  const state = input.rateLimit ?? readRateLimit(input.headers, now);
  const { limit, remaining, resetAt, retryAfterMs } = state;
  // Okta's documented wait: reset − Date + 1 s; else Retry-After, unless it is in the past.
  const waitMs =
    resetWaitMs(state, now) ??
    (retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : undefined);
  return new OktaRateLimitError({ ...init, limit, remaining, resetAt, waitMs });
}

/**
 * The typed error for a non-2xx response, from the façade or `okta.raw`: reads a bounded part of
 * the body and scrubs the request's secrets from anything the server echoed.
 */
export async function apiErrorOf(
  response: TransportResponse,
  method: string,
  url: string,
  clean: Scrubber,
  refine?: RefineError,
  rateLimit?: RateLimitState,
  now?: number,
): Promise<OktaApiError> {
  // Stryker disable next-line StringLiteral: any text that is not a JSON object reads the same.
  const bodyText = await response.text(MAX_ERROR_BODY, 'truncate').catch(() => '');
  return createApiError({
    status: response.status,
    bodyText,
    headers: response.headers,
    method,
    url,
    clean,
    refine,
    rateLimit,
    now,
  });
}
