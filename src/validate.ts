import { OktaValidationError } from './errors/validation-error.js';

const MAX_ID_LENGTH = 256;
const MAX_TOKEN_LENGTH = 8192;
// C0 controls, DEL and C1 controls: never part of an id and dangerous in a header or a path.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HEADER_BREAKERS = /[\r\n\u0000]/;

/**
 * A session id must end up as exactly one path segment. openapi-fetch percent-encodes it, but
 * `.` and `..` survive encoding and URL normalisation would then call another path.
 */
export function assertSessionId(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new OktaValidationError('sessionId', 'expected a string');
  if (value.length === 0) throw new OktaValidationError('sessionId', 'must not be empty');
  if (value.length > MAX_ID_LENGTH) {
    throw new OktaValidationError('sessionId', `longer than ${MAX_ID_LENGTH} characters`);
  }
  if (value === '.' || value === '..') {
    throw new OktaValidationError('sessionId', `"${value}" is not a session id`);
  }
  if (CONTROL.test(value)) {
    throw new OktaValidationError('sessionId', 'contains control characters');
  }
  if (value.trim() !== value) {
    throw new OktaValidationError('sessionId', 'has leading or trailing whitespace');
  }
}

/** A session token is a secret: the message never includes it. */
export function assertSessionToken(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new OktaValidationError('sessionToken', 'expected a string');
  if (value.trim().length === 0) throw new OktaValidationError('sessionToken', 'must not be empty');
  if (value.length > MAX_TOKEN_LENGTH) {
    throw new OktaValidationError('sessionToken', `longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  if (CONTROL.test(value)) {
    throw new OktaValidationError('sessionToken', 'contains control characters');
  }
}

/** A cookie header value: line breaks or NUL would let it smuggle in another header. */
export function assertCookie(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new OktaValidationError('cookie', 'expected a string');
  if (value.trim().length === 0) throw new OktaValidationError('cookie', 'must not be empty');
  if (value.length > MAX_TOKEN_LENGTH) {
    throw new OktaValidationError('cookie', `longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  if (HEADER_BREAKERS.test(value)) {
    throw new OktaValidationError('cookie', 'contains CR, LF or NUL');
  }
}

/** Extra per-call or per-client headers: same rule as cookies, for names and values. */
export function assertHeaders(headers: Record<string, string> | undefined, argument: string): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new OktaValidationError(argument, `"${name}" is not a valid header name`);
    }
    if (typeof value !== 'string' || HEADER_BREAKERS.test(value)) {
      throw new OktaValidationError(argument, `the value of ${name} contains CR, LF or NUL`);
    }
  }
}
