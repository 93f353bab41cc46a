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
 * Why a value failed its check: what it is not (`a string`, `a JSON object`...; empty for a
 * missing field), then the field's path, outermost first, built only on failure.
 */
type Problem = [kind: string, ...path: (string | number)[]];

/** Checks one value; returns it (a date-time as a Date) or throws a {@link Problem}. */
type Check = (value: any) => unknown;

const fail = (kind: string): never => {
  throw [kind] satisfies Problem;
};

/**
 * Turns a generated shape type into a function that checks a value against it: compiled once
 * when the module loads, so a response pays neither for walking the shape nor for building
 * field paths (about 2.5 µs of a getSession, measured against the walker it replaced). Any JSON
 * against any shape; `_links` is `{}`, an object whose links are taken as Session types them
 * (the generator leaves links undescribed; see UNDESCRIBED in scripts/generate-operations.mjs).
 * Unknown properties and enum values are left as they are; a problem never shows the value,
 * which may be a secret. Terse, to fit the /me page's 5 kB budget.
 */
function compile(type: Type): Check {
  if (typeof type === 'string') {
    const base = type.replace('|null', '');
    // No value's typeof is 'date-time': a date-time passes only as a parsed string.
    return (value) =>
      (base === 'date-time' && typeof value === 'string' && parseDateTime(value)) ||
      (typeof value === base || (value === null && base !== type) ? value : fail(`a ${base}`));
  }
  const list = Array.isArray(type);
  // An array is an object whose every property (each index) has the item's type.
  const item = list ? compile(type[0]) : undefined;
  const fields = Object.entries(list ? {} : type).map(
    ([name, field]) => [name.replace('?', ''), name, compile(field)] as const,
  );
  return (value) => {
    if (!value || typeof value !== 'object' || list !== Array.isArray(value))
      fail(list ? 'an array' : 'a JSON object');
    let key: string | number = 0;
    try {
      if (item) for (; key < value.length; key++) value[key] = item(value[key]);
      for (const [name, declared, check] of fields) {
        key = name;
        if (name in value) value[name] = check(value[name]);
        // Declared without `?`: required.
        else if (name === declared) throw [''] satisfies Problem;
      }
    } catch (problem) {
      (problem as Problem).splice(1, 0, key);
      throw problem;
    }
    return value;
  };
}

const checkSession = compile(sessionShape) as (
  value: unknown,
) => Checked<typeof sessionShape> & Pick<Session, '_links'>;

/**
 * Parses a Session body and checks it against the spec (see check). Returns a problem
 * description instead of throwing, so the caller can build the error with the response's
 * context.
 */
export function parseSession(text: string): Session | string {
  try {
    return checkSession(JSON.parse(text));
  } catch (problem) {
    // checkSession throws Problems (arrays); JSON.parse a SyntaxError (RangeError when deep).
    if (!Array.isArray(problem))
      return text ? 'body is not JSON' : 'empty body where a Session was expected';
    const [kind, ...path] = problem as Problem;
    const field = path.join('.');
    return kind
      ? `${field ? `"${field}"` : 'body'} is not ${kind}`
      : `the response's Session has no "${field}"`;
  }
}
