import type { Session } from '../model/session.js';
import { isOktaApiError, type OktaApiError } from '../errors/api-error.js';
import { isOktaError } from '../errors/okta-error.js';
import { OktaOAuthError } from '../errors/oauth-error.js';
import { printable } from '../text/printable.js';
import { REDACTED, scrub } from '../text/redact.js';

// JSON.stringify escapes C0 controls inside strings but passes DEL, the C1 controls (a terminal
// may read U+009B as CSI), the line separators and the bidi controls through as they are.
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Server text as the CLI shows it: the invocation's secrets scrubbed, control characters escaped. */
function shown(text: string, secrets: readonly string[]): string {
  return printable(scrub(text, secrets));
}

function iso(value: Date | null | undefined): string {
  return value instanceof Date ? value.toISOString() : value === null ? '-' : '';
}

/** A session as a few aligned lines for people. */
export function describeSession(session: Session, secrets: readonly string[] = []): string {
  const id = shown(session.id ?? '', secrets);
  const rows: Array<[string, string]> = [
    // A /me call's session id is the value of its sid cookie: scrubbed like every credential.
    ['id', id.includes(REDACTED) ? `${id} (the id is the cookie's value: never printed)` : id],
    ['login', session.login ?? ''],
    ['userId', session.userId ?? ''],
    ['status', session.status ?? ''],
    ['createdAt', iso(session.createdAt)],
    ['expiresAt', iso(session.expiresAt)],
    ['lastPasswordVerification', iso(session.lastPasswordVerification)],
    ['lastFactorVerification', iso(session.lastFactorVerification)],
    ['amr', (session.amr ?? []).join(', ')],
    ['idp', session.idp ? `${session.idp.type ?? ''} ${session.idp.id ?? ''}`.trim() : ''],
  ];
  return rows.map(([k, v]) => `  ${k.padEnd(25)} ${k === 'id' ? v : shown(v, secrets)}`).join('\n');
}

function errorLine(error: unknown): string {
  if (error instanceof OktaOAuthError) {
    const request = error.requestId ? ` (request ${error.requestId})` : '';
    const description = error.errorDescription ? `: ${error.errorDescription}` : '';
    return `HTTP ${error.status} ${error.error}${description}${request}`;
  }
  if (isOktaApiError(error)) {
    const e: OktaApiError = error;
    return [
      `HTTP ${e.status}`,
      e.errorCode ?? '(no errorCode)',
      e.errorSummary ?? '',
      e.requestId ? `(request ${e.requestId})` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }
  // No class name, as for API errors above: the message says what is wrong (`--json` has the name).
  if (isOktaError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** An error as one line for people: status, errorCode, errorSummary and request id for API errors. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  return shown(errorLine(error), secrets);
}

/**
 * An error as JSON for scripts: the fields a script branches on, never a credential. Print it
 * with {@link terminalJson}, which scrubs and escapes it.
 */
export function errorJson(error: unknown): Record<string, unknown> {
  if (isOktaApiError(error)) {
    return {
      name: error.name,
      status: error.status,
      errorCode: error.errorCode,
      errorSummary: error.errorSummary,
      ...(error instanceof OktaOAuthError
        ? { error: error.error, errorDescription: error.errorDescription }
        : {}),
      errorId: error.errorId,
      requestId: error.requestId,
    };
  }
  // `name` is its own field: the message does not repeat it.
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

function scrubbedDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => scrubbedDeep(item, secrets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[scrub(key, secrets)] = scrubbedDeep(item, secrets);
    }
    return out;
  }
  return value;
}

/**
 * `value` as indented JSON that is safe to print to a terminal: every string (keys included)
 * scrubbed of the invocation's secrets, and every control character `\u`-escaped.
 */
export function terminalJson(
  value: unknown,
  secrets: readonly string[] = [],
  indent?: number,
): string {
  return JSON.stringify(scrubbedDeep(value, secrets), null, indent).replace(
    RAW_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
