import { sessionShape } from '../../generated/operations.js';
import { parseDateTime } from './date-time.js';
import type { components } from '../../generated/schema.js';

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

/** A type of a generated shape: see `sessionShape` in generated/operations.ts. */
type Type = string | readonly [Type] | { readonly [name: string]: Type };

/** What a value that passed the check of the shape type `T` is: its JSON, date-times as Dates. */
export type Checked<T> = T extends `${infer Base}|null`
  ? Checked<Base> | null
  : T extends 'date-time'
    ? Date
    : T extends 'string'
      ? string
      : T extends 'boolean'
        ? boolean
        : T extends 'number'
          ? number
          : T extends readonly [infer Item]
            ? Checked<Item>[]
            : { [K in keyof T as K extends `${string}?` ? never : K]: Checked<T[K]> } & {
                [K in keyof T as K extends `${infer Name}?` ? Name : never]?: Checked<T[K]>;
              };

/**
 * Checks a Session body against the spec's Session schema: what the generated shape describes,
 * and `_links` as an object (the generator leaves links undescribed; see UNDESCRIBED in
 * scripts/generate-operations.mjs), whose links are taken as Session types them.
 */
function check(
  value: unknown,
  type: typeof sessionShape,
  path: '',
): Checked<typeof sessionShape> & Pick<Session, '_links'>;
/**
 * `value` if it is a `type`, with its date-times made Dates in place and its unknown properties
 * and enum values left as they are. Otherwise throws a description of the problem, a string,
 * that names the field by its `path` but never shows its value, which may be a secret.
 */
function check(value: unknown, type: Type, path: string): unknown;
// It walks any JSON against any shape; the two signatures above type its uses. It throws its
// problems as strings and treats an array as an object, and its only message for a missing
// field names Session (the one schema checked today): all to fit the /me page's 5 kB budget.
function check(value: any, type: any, path: string): unknown {
  const list = Array.isArray(type);
  let kind = list ? 'an array' : 'a JSON object';
  if (typeof type === 'string') {
    // Not split('|'): this runs for every field of every response; replace allocates only on a match.
    const base = type.replace('|null', '');
    const date = base === 'date-time' && typeof value === 'string' && parseDateTime(value);
    if (date || typeof value === base || (value === null && base !== type)) return date || value;
    kind = `a ${base}`;
  } else if (value && typeof value === 'object' && list === Array.isArray(value)) {
    // An array is an object whose every property (each index) has the item's type.
    for (const name in list ? value : type) {
      const key = name.replace('?', '');
      const at = path ? `${path}.${key}` : key;
      if (key in value) value[key] = check(value[key], type[list ? 0 : name], at);
      else if (key === name) throw `the response's Session has no "${at}"`;
    }
    return value;
  }
  throw `${path ? `"${path}"` : 'body'} is not ${kind}`;
}

/**
 * Parses a Session body and checks it against the spec (see check). Returns a problem
 * description instead of throwing, so the caller can build the error with the response's
 * context.
 */
export function parseSession(text: string): Session | string {
  try {
    return check(JSON.parse(text), sessionShape, '');
  } catch (problem) {
    // check throws strings; JSON.parse, a SyntaxError.
    if (typeof problem === 'string') return problem;
    return text ? 'body is not JSON' : 'empty body where a Session was expected';
  }
}
