// Okta's error codes as the emulator uses them, and the error body they produce.
import type { components } from '../../generated/schema.js';

type OktaErrorResponse = components['schemas']['OktaErrorResponse'];
type OktaErrorCause = components['schemas']['OktaErrorCause'];

/** Each error code with the HTTP status Okta answers it with and its default summary. */
export const oktaErrors = {
  E0000001: { status: 400, summary: 'Api validation failed' },
  E0000003: { status: 400, summary: 'The request body was not well-formed.' },
  E0000004: { status: 401, summary: 'Authentication failed' },
  E0000005: { status: 403, summary: 'Invalid session' },
  E0000006: { status: 403, summary: 'You do not have permission to perform the requested action' },
  E0000007: { status: 404, summary: 'Not found: Resource not found' },
  E0000009: { status: 500, summary: 'Internal Server Error' },
  E0000011: { status: 401, summary: 'Invalid token provided' },
  E0000022: { status: 405, summary: 'The endpoint does not support the provided HTTP method' },
  E0000047: { status: 429, summary: 'API call exceeded rate limit due to too many requests.' },
} as const;

/** An error code the emulator can answer with. */
export type OktaErrorCode = keyof typeof oktaErrors;

/** The JSON text of an Okta error body. */
export function errorBody(
  code: OktaErrorCode,
  errorId: string,
  summary: string = oktaErrors[code].summary,
  causes: OktaErrorCause[] = [],
): string {
  const body: OktaErrorResponse = {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId,
    errorCauses: causes,
  };
  return JSON.stringify(body);
}
