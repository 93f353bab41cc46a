import { dateTimeFields, nullableDateTimeFields } from '../generated/operations.js';
import { parseDateTime } from './date-time.js';
import type { components } from '../generated/schema.js';

type Schemas = components['schemas'];

/**
 * Okta adds enum values over time: every string-literal union of the wire types also admits
 * any other string, and keeps its autocompletion. Plain `string` fields stay `string`.
 *
 * @example
 * ```ts
 * type Status = Open<'ACTIVE' | 'MFA_REQUIRED'>; // 'ACTIVE' | 'MFA_REQUIRED' | (string & {})
 * ```
 */
export type Open<T> = T extends string
  ? string extends T
    ? T
    : T | (string & {})
  : T extends readonly (infer U)[]
    ? Open<U>[]
    : T extends object
      ? { [K in keyof T]: Open<T[K]> }
      : T;

/**
 * A user's session, as the client returns it: the spec's Session with its `date-time`
 * fields as `Date` objects and its enums open to new values. The fields Okta sends in every
 * response are always there; the verification times may be null or absent, and `idp` is
 * absent from Identity Engine's `/me` answers.
 *
 * @example
 * ```ts
 * const session: Session = await okta.getSession(id);
 * if (session.expiresAt < new Date()) console.log('expired');
 * await okta.revokeSession(session.id);
 * ```
 */
export interface Session {
  /** The session id. */
  readonly id: string;
  /** The login name of the user the session belongs to. */
  readonly login: string;
  /** The id of the user the session belongs to. */
  readonly userId: string;
  /** When the session began. */
  readonly createdAt: Date;
  /** When the session ends unless it is refreshed first. */
  readonly expiresAt: Date;
  /** Where the session stands: `ACTIVE`, `MFA_ENROLL`, `MFA_REQUIRED`, or a value Okta adds later. */
  status: Open<Schemas['SessionStatus']>;
  /** When the user last proved their password in this session, or null if never. */
  readonly lastPasswordVerification?: Date | null;
  /** When the user last passed a second factor in this session, or null if never. */
  readonly lastFactorVerification?: Date | null;
  /** How the user authenticated in this session (`pwd`, `otp`, `mfa`...). */
  readonly amr: Open<Schemas['SessionAuthenticationMethod']>[];
  /** The identity provider that authenticated the user. */
  idp?: Open<Schemas['SessionIdentityProvider']>;
  /**
   * Whether a second factor was used. Real responses carry it although Okta's OpenAPI spec
   * leaves it out.
   *
   * @deprecated Okta deprecated it; read `amr` instead.
   */
  readonly mfaActive?: boolean;
  /** Links to the session, its refresh and its user, with the methods each accepts. */
  _links: Open<Schemas['SessionLinks']>;
}

const SESSION_DATES: readonly string[] = dateTimeFields.Session;
const NULLABLE_DATES: readonly string[] = nullableDateTimeFields.Session;

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
    if (raw === undefined || (raw === null && NULLABLE_DATES.includes(field))) continue;
    // Anything else would reach the caller as a number or an object under a `Date` type.
    const date = typeof raw === 'string' ? parseDateTime(raw) : undefined;
    if (date === undefined) return `${field} is not a date-time`;
    session[field] = date;
  }
  return session as unknown as Session;
}
