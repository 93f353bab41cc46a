// Identifier generators: random where Okta's are random, counter-based where only uniqueness
// matters and the hot path must stay cheap (request ids, error ids).
import { randomBytes } from 'node:crypto';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random alphanumeric string of `length` characters (Okta's user and org ids look like this). */
function alnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

/** A URL-safe session id of 25 characters, shaped like `102Ke2yJpW3Q0ClCnZ_ryqPVQ`. */
export function newSessionId(): string {
  return '102' + randomBytes(16).toString('base64url');
}

/** A one-time session token, shaped like the Authentication API's `20111…` tokens. */
export function newSessionToken(): string {
  return '20111' + randomBytes(48).toString('base64url');
}

/** A 20-character Okta object id with the given 3-character prefix (`00u` user, `00o` org). */
export function newOktaId(prefix: string): string {
  return prefix + alnum(17);
}

/**
 * A generator of Okta-shaped error ids: `oae` and 22 alphanumeric characters, a random head
 * followed by a zero-padded base-36 counter (unique for 36^10 errors, no randomness per call).
 */
export function errorIdSequence(): () => string {
  const head = 'oae' + alnum(12);
  let counter = 0;
  return () => head + (++counter).toString(36).padStart(10, '0');
}

/**
 * A generator of ids unique for this process and very likely across processes: a random
 * prefix followed by a base-36 counter. No randomness per call, so it costs next to nothing.
 */
export function idSequence(prefix = ''): () => string {
  const head = prefix + randomBytes(9).toString('base64url');
  let counter = 0;
  return () => head + (++counter).toString(36);
}
