import { OktaValidationError } from '../errors/validation-error.js';

/** The longest delay timers can hold (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

const MAX_ID_LENGTH = 256;
const MAX_TOKEN_LENGTH = 8192;
// C0 controls, DEL and C1 controls: never part of an id and dangerous in a header or a path.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// What an HTTP field value may hold: tab, visible ASCII, space and obs-text (Latin-1). Anything
// else either splits the header (CR, LF, NUL) or makes the transport throw mid-request.
const NOT_HEADER_SAFE = /[^\t\u0020-\u007e\u0080-\u00ff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The problem with a header value, or undefined if it can be sent as is. */
export function headerValueProblem(value: string): string | undefined {
  if (!NOT_HEADER_SAFE.test(value)) return undefined;
  return /[\r\n\u0000]/.test(value)
    ? 'contains CR, LF or NUL'
    : 'contains characters that cannot be sent in an HTTP header (control or non-Latin-1)';
}

/** A value's kind for a message ("a number", "an object"), never its content. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A non-empty string of bounded length: what every argument below must at least be. */
function assertText(argument: string, value: unknown, maxLength: number): asserts value is string {
  if (value === undefined) throw new OktaValidationError(argument, 'is missing');
  if (typeof value !== 'string') {
    throw new OktaValidationError(argument, `expected a string, got ${kindOf(value)}`);
  }
  if (value.trim().length === 0) throw new OktaValidationError(argument, 'must not be empty');
  if (value.length > maxLength) {
    throw new OktaValidationError(argument, `longer than ${maxLength} characters`);
  }
}

/**
 * An id that must end up as exactly one path segment naming one resource (a session, a user).
 * openapi-fetch and fillPath percent-encode it, but `.` and `..` survive encoding (URL
 * normalisation would then call another path) and `me` is a path of its own.
 */
function assertPathId(argument: string, kind: string, value: unknown): asserts value is string {
  assertText(argument, value, MAX_ID_LENGTH);
  // `.`/`..` would be normalised away; `me` names the caller: the cookie-only session
  // operations, where an admin credential must never go, and the API token's own user.
  if (value === '.' || value === '..' || /^me$/i.test(value)) {
    throw new OktaValidationError(argument, `"${value}" is not a ${kind} id`);
  }
  if (CONTROL.test(value)) throw new OktaValidationError(argument, 'contains control characters');
  if (value.trim() !== value) {
    throw new OktaValidationError(argument, 'has leading or trailing whitespace');
  }
  if (LONE_SURROGATE.test(value)) {
    throw new OktaValidationError(argument, 'is not well-formed Unicode (a lone surrogate)');
  }
}

/** A session id, by the rules of {@link assertPathId}. */
export function assertSessionId(value: unknown): asserts value is string {
  assertPathId('sessionId', 'session', value);
}

/**
 * A user id, by the same rules: `me` would be `/api/v1/users/me`, the owner of the API token
 * (revokeUserSessions would sign out the admin, not a user).
 */
export function assertUserId(value: unknown): asserts value is string {
  assertPathId('userId', 'user', value);
}

/** An optional flag: `true`, `false` or left out (what a query parameter of type boolean takes). */
export function assertOptionalBoolean(argument: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new OktaValidationError(argument, 'expected true, false or undefined');
  }
}

/**
 * createSession's one argument, `{ sessionToken }`. The token passed bare is a common slip;
 * the message says so instead of calling the string "not a string".
 */
export function assertCreateSessionArgs(args: unknown): asserts args is { sessionToken: string } {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new OktaValidationError(
      'sessionToken',
      `createSession takes an object, got ${kindOf(args)}; call createSession({ sessionToken })`,
    );
  }
  assertSessionToken((args as { sessionToken?: unknown }).sessionToken);
}

/** A session token is a secret: the message never includes it. */
function assertSessionToken(value: unknown): asserts value is string {
  assertText('sessionToken', value, MAX_TOKEN_LENGTH);
  if (CONTROL.test(value)) {
    throw new OktaValidationError('sessionToken', 'contains control characters');
  }
}

/** A cookie header value: line breaks or NUL would let it smuggle in another header. */
function assertCookie(value: unknown): asserts value is string {
  assertText('cookie', value, MAX_TOKEN_LENGTH);
  const problem = headerValueProblem(value);
  if (problem) throw new OktaValidationError('cookie', problem);
}

const SESSION_COOKIES =
  'Okta names the session by its "sid" cookie (or "idx", from the Identity Engine sign-in page)';

/**
 * The cookie of a server-side `/me` call: without `sid=` or `idx=` Okta answers a 404 that
 * never mentions the cookie, so say so before any request.
 */
export function assertSessionCookie(value: unknown): asserts value is string {
  if (value === undefined) {
    throw new OktaValidationError(
      'cookie',
      `the /me operations need the user's Okta cookie, e.g. { cookie: 'sid=…' }. ${SESSION_COOKIES}; pass the Cookie header your server received from the user`,
    );
  }
  assertCookie(value);
  const names = value.split(';').map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1
      ? // Stryker disable next-line StringLiteral: any text but a sid=x or idx=x pair is refused alike.
        ''
      : `${pair.slice(0, eq).trim()}=${pair.slice(eq + 1).trim() === '' ? '' : 'x'}`;
  });
  if (!names.includes('sid=x') && !names.includes('idx=x')) {
    throw new OktaValidationError('cookie', `has no sid=… or idx=… cookie. ${SESSION_COOKIES}`);
  }
}

/**
 * What is wrong with a bearer or API token as a header value, or undefined. Shared by the
 * configured tokens and the values an accessToken function returns.
 */
export function tokenProblem(value: string): string | undefined {
  if (value.trim() === '') return 'is empty';
  const problem = headerValueProblem(value);
  if (problem) return problem;
  if (/^(SSWS|Bearer)\s/i.test(value)) return 'starts with an authorization scheme';
  return undefined;
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie']);
// Framing and hop-by-hop headers belong to the transport: set by a caller they either reach the
// wire unchecked (Host, Proxy-Authorization) or make every request fail mid-flight.
const TRANSPORT_HEADERS =
  /^(host|content-length|transfer-encoding|connection|keep-alive|upgrade|expect|te|trailer|proxy-.*)$/i;

/** A header a caller may not set, and what to do instead. */
export interface HeaderNotAllowed {
  name: string;
  fix: string;
}

/**
 * The first header of `headers` that only the client or the transport may set, if any:
 * credentials (Authorization, Cookie) and framing or hop-by-hop headers (Host, Content-Length,
 * Transfer-Encoding, Connection, Keep-Alive, Upgrade, Expect, TE, Trailer, Proxy-*).
 */
export function headerNotAllowed(
  headers: Record<string, string> | undefined,
): HeaderNotAllowed | undefined {
  for (const name of Object.keys(headers ?? {})) {
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
      return { name, fix: 'Configure apiToken/accessToken, or pass { cookie } to a /me operation' };
    }
    if (TRANSPORT_HEADERS.test(name)) {
      return {
        name,
        fix: 'The transport sets framing and connection headers itself; leave it out',
      };
    }
  }
  return undefined;
}

/** Extra per-call or per-client headers: same rule as cookies, for names and values. */
export function assertHeaders(headers: Record<string, string> | undefined, argument: string): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new OktaValidationError(argument, `"${name}" is not a valid header name`);
    }
    if (typeof value !== 'string') {
      throw new OktaValidationError(argument, `the value of ${name} is not a string`);
    }
    const problem = headerValueProblem(value);
    if (problem) throw new OktaValidationError(argument, `the value of ${name} ${problem}`);
  }
}

/** The options every operation takes as its last argument, as validate.ts checks them. */
interface CallOptionsShape {
  timeoutMs?: number | undefined;
  headers?: Record<string, string> | undefined;
}

/** Per-call options: checked before any I/O, like the client's own. */
export function assertCallOptions(options: CallOptionsShape | undefined): void {
  if (!options) return;
  assertHeaders(options.headers, 'options.headers');
  const notAllowed = headerNotAllowed(options.headers);
  if (notAllowed) {
    throw new OktaValidationError(
      'options.headers',
      `${notAllowed.name} cannot be set per call. ${notAllowed.fix}`,
    );
  }
  const timeoutMs = options.timeoutMs;
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)
  ) {
    throw new OktaValidationError(
      'options.timeoutMs',
      `must be a number from 1 to ${MAX_TIMER_MS}`,
    );
  }
}
