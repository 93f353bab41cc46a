import { dateTimeFields } from '../generated/operations.js';
import type { components } from '../generated/schema.js';

type WireSession = components['schemas']['Session'];
type DateField = (typeof dateTimeFields)['Session'][number];

/**
 * Okta adds enum values over time: every string-literal union of the wire types also admits
 * any other string, and keeps its autocompletion.
 *
 * @example
 * ```ts
 * type Status = Open<'ACTIVE' | 'MFA_REQUIRED'>; // 'ACTIVE' | 'MFA_REQUIRED' | (string & {})
 * ```
 */
export type Open<T> = T extends string
  ? T | (string & {})
  : T extends readonly (infer U)[]
    ? Open<U>[]
    : T extends object
      ? { [K in keyof T]: Open<T[K]> }
      : T;

/**
 * A user's session, as the client returns it: the spec's Session with its `date-time`
 * fields as `Date` objects (`null` stays `null`) and enums open to new values.
 *
 * @example
 * ```ts
 * const session: Session = await okta.getSession(id);
 * if (session.expiresAt && session.expiresAt < new Date()) console.log('expired');
 * ```
 */
export type Session = Omit<Open<WireSession>, DateField> & {
  [K in DateField]?: null extends WireSession[K] ? Date | null : Date;
};

const SESSION_DATES: readonly string[] = dateTimeFields.Session;

/**
 * Parses a Session body in one pass over its known date fields. Returns a problem description
 * instead of throwing, so the caller can build the error with the response's context.
 */
export function parseSession(text: string): Session | string {
  if (text.length === 0) return 'empty body where a Session was expected';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'body is not a JSON object';
  }
  const session = value as Record<string, unknown>;
  for (const field of SESSION_DATES) {
    const raw = session[field];
    if (typeof raw !== 'string') continue;
    const date = new Date(raw);
    if (Number.isNaN(date.getTime())) return `${field} is not a date-time`;
    session[field] = date;
  }
  return session as Session;
}
