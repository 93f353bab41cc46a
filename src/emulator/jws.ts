// Compact JWS parsing and verification with node:crypto only (the emulator export takes no
// dependency): RS256/384/512 and ES256/384/512, the algorithms Okta accepts. Anything else,
// `none` and HS* included, is refused.
import { createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

interface AlgSpec {
  readonly hash: string;
  readonly kty: 'RSA' | 'EC';
  readonly crv?: string;
}

const ALGS: Readonly<Record<string, AlgSpec>> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  ES256: { hash: 'sha256', kty: 'EC', crv: 'prime256v1' },
  ES384: { hash: 'sha384', kty: 'EC', crv: 'secp384r1' },
  ES512: { hash: 'sha512', kty: 'EC', crv: 'secp521r1' },
};

// Proof keys repeat on every request of a client: parsed once, a bounded number kept.
const KEY_CACHE_SIZE = 1000;
const keyCache = new Map<string, KeyObject>();

/** JWK members that only a private or symmetric key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A parsed, not yet verified, compact JWS. */
export interface ParsedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a compact JWS; undefined when it is not one. */
export function parseJws(token: string): ParsedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  const claims = decodeJson(p);
  if (!header || !claims || s === '') return undefined;
  return { header, claims, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/** True for the asymmetric algorithms Okta accepts. */
export function isAcceptedAlg(alg: unknown): alg is string {
  return typeof alg === 'string' && Object.hasOwn(ALGS, alg);
}

/** True when the JWK carries a private or symmetric member. */
export function hasPrivateMembers(jwk: Readonly<Record<string, unknown>>): boolean {
  return PRIVATE_MEMBERS.some((m) => m in jwk);
}

/** The public key of a JWK, or undefined when node:crypto cannot read it as one. */
export function publicKeyOf(jwk: Readonly<Record<string, unknown>>): KeyObject | undefined {
  if (hasPrivateMembers(jwk)) return undefined;
  const id = JSON.stringify(jwk);
  const cached = keyCache.get(id);
  if (cached) return cached;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(id, key);
  return key;
}

/** Verifies the signature of `jws` with `key` under the header's `alg`. */
export function verifyJws(jws: ParsedJws, key: KeyObject): boolean {
  const alg = jws.header['alg'];
  if (!isAcceptedAlg(alg)) return false;
  const spec = ALGS[alg] as AlgSpec;
  if (key.asymmetricKeyType !== spec.kty.toLowerCase()) return false;
  if (spec.crv !== undefined && key.asymmetricKeyDetails?.namedCurve !== spec.crv) return false;
  try {
    return verify(
      spec.hash,
      Buffer.from(jws.signingInput),
      spec.kty === 'EC' ? { key, dsaEncoding: 'ieee-p1363' } : key,
      jws.signature,
    );
  } catch {
    return false;
  }
}

/** The RFC 7638 SHA-256 thumbprint of a public JWK (EC or RSA), base64url. */
export function thumbprint(jwk: Readonly<Record<string, unknown>>): string {
  const members = jwk['kty'] === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'];
  const canonical = `{${members.map((m) => `"${m}":${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** base64url(SHA-256(text)): the `ath` of an access token. */
export function sha256Base64url(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
