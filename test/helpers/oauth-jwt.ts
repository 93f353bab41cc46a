// Hand-built JWTs for the OAuth contract tests: node:crypto only, so the emulator is tested
// against tokens our client did not make, and every claim can be bent on purpose.
import {
  createHash,
  generateKeyPairSync,
  randomUUID,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const HASH: Record<string, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `claims` with `key` as a compact JWS with `header` (alg decides the hash). */
export function signJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const alg = String(header['alg']);
  const hash = HASH[alg] ?? 'sha256';
  const signature = sign(
    hash,
    Buffer.from(input),
    alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key,
  );
  return `${input}.${signature.toString('base64url')}`;
}

/** A key pair and its public JWK (with `kid`). */
export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JsonWebKey & { kid: string };
}

export function rsaKey(kid = 'rsa-1', modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return { privateKey, publicKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

export function ecKey(kid = 'ec-1', namedCurve = 'P-256'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return { privateKey, publicKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

const nowS = () => Math.floor(Date.now() / 1000);

/** A valid client assertion for `clientId` at `tokenUrl`, with claims/header overridden. */
export function assertion(
  key: TestKey,
  clientId: string,
  tokenUrl: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): string {
  const iat = nowS();
  const all: Record<string, unknown> = {
    iss: clientId,
    sub: clientId,
    aud: tokenUrl,
    iat,
    exp: iat + 300,
    jti: randomUUID(),
    ...claims,
  };
  for (const name of Object.keys(all)) if (all[name] === undefined) delete all[name];
  return signJwt({ alg: 'RS256', kid: key.publicJwk.kid, ...header }, all, key.privateKey);
}

/** A valid DPoP proof for `method url`, with claims/header overridden. */
export function proof(
  key: TestKey,
  method: string,
  url: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): string {
  const { kid: _kid, ...jwk } = key.publicJwk;
  const all: Record<string, unknown> = {
    htm: method,
    htu: url,
    iat: nowS(),
    jti: randomUUID(),
    ...claims,
  };
  for (const name of Object.keys(all)) if (all[name] === undefined) delete all[name];
  return signJwt({ typ: 'dpop+jwt', alg: 'ES256', jwk, ...header }, all, key.privateKey);
}

/** base64url(SHA-256(token)). */
export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The form body of a client-credentials token request. */
export function tokenForm(fields: Record<string, string | undefined>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    if (value !== undefined) form.set(name, value);
  return form.toString();
}

/** Decodes a compact JWT's header and claims without verifying. */
export function decodeJwt(jwt: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [h, p] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString()),
    claims: JSON.parse(Buffer.from(p ?? '', 'base64url').toString()),
  };
}
