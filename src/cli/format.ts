import type { Session } from '../session.js';
import { isOktaApiError, type OktaApiError } from '../errors/api-error.js';
import { isOktaError } from '../errors/okta-error.js';

function iso(value: Date | null | undefined): string {
  return value instanceof Date ? value.toISOString() : value === null ? '-' : '';
}

/** A session as a few aligned lines for people. */
export function describeSession(session: Session): string {
  const rows: Array<[string, string]> = [
    ['id', session.id ?? ''],
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
  return rows.map(([k, v]) => `  ${k.padEnd(25)} ${v}`).join('\n');
}

/** An error as one line for people: status, errorCode, errorSummary and request id for API errors. */
export function describeError(error: unknown): string {
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
  if (isOktaError(error)) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** An error as JSON for scripts: the fields a script branches on, never a credential. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (isOktaApiError(error)) {
    return {
      name: error.name,
      status: error.status,
      errorCode: error.errorCode,
      errorSummary: error.errorSummary,
      errorId: error.errorId,
      requestId: error.requestId,
    };
  }
  // `name` is its own field: the message does not repeat it.
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
