// Reads the service app's private key. node:crypto parses every format Okta's docs and SDKs hand
// out (PEM PKCS#8, PKCS#1, SEC1, JWK), synchronously, so a bad key fails in the constructor. A
// key that never leaves a KMS or an HSM comes as a signer instead, checked here just as early.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { fail } from '../errors/config-error.js';
import { nodeCrypto, type NodeCrypto } from './node-crypto.js';

/** The signing algorithms Okta accepts for client assertions. */
export type SigningAlg = 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512';

/** What an external signer may sign with: Okta's algorithms, and RSASSA-PSS. */
export type SignerAlg = SigningAlg | 'PS256' | 'PS384' | 'PS512';

const ALGS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']);
const SIGNER_ALGS: readonly SignerAlg[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];
const ALG_OF_CURVE: Readonly<Record<string, SigningAlg>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};
// Every message is "privateKey <what is wrong>. <EXPECTED>": never the key text itself, nor a
// parser's message (JSON.parse quotes its input).
const EXPECTED =
  'Pass the private key as PEM ("-----BEGIN PRIVATE KEY-----", "BEGIN RSA PRIVATE KEY" or "BEGIN EC PRIVATE KEY"), as a private JWK (object or JSON string, with "d"), as a private KeyObject, or a signer ({ alg, keyId, sign(data) }) for a key in a KMS or HSM';
const SIGNER_EXPECTED = `Give the signer the algorithm of its key: one of ${SIGNER_ALGS.join(', ')}`;

/** A signer whose key stays in a KMS or an HSM: it signs the bytes it is given. */
export interface ExternalKey {
  readonly alg: SignerAlg;
  readonly kid: string | undefined;
  /** The caller's object, called as `signer.sign(data)` (a method may need its `this`). */
  readonly signer: { sign(data: Uint8Array): Promise<Uint8Array> };
}

/** A parsed private key: what the client assertion is signed with. */
export interface SigningKey {
  /** The key as a private JWK, for WebCrypto (the JWT library imports it once). */
  readonly jwk: Readonly<Record<string, unknown>>;
  readonly alg: SigningAlg;
  readonly kid: string | undefined;
}

function jwkOf(input: unknown): Record<string, unknown> | undefined {
  if (typeof input === 'string') {
    if (!input.trimStart().startsWith('{')) return undefined;
    // Text that starts with "{" and parses is an object: nothing else to check here.
    try {
      return JSON.parse(input) as Record<string, unknown>;
    } catch {
      fail('privateKey looks like JSON but does not parse', EXPECTED);
    }
  }
  if (!input || typeof input !== 'object') return undefined;
  if (typeof (input as { kty?: unknown }).kty !== 'string')
    fail('privateKey is an object but not a JWK', EXPECTED);
  return input as Record<string, unknown>;
}

function toKeyObject(
  crypto: NodeCrypto,
  input: unknown,
): { key: KeyObject; jwk?: Record<string, unknown> } {
  if (input instanceof crypto.KeyObject) {
    if (input.type !== 'private')
      fail(`privateKey is a ${input.type} KeyObject; a private key is needed`, EXPECTED);
    return { key: input };
  }
  const jwk = jwkOf(input);
  if (jwk) {
    if (jwk['kty'] === 'oct')
      fail('privateKey is a symmetric (oct) JWK; a private RSA or EC key is needed', EXPECTED);
    if (typeof jwk['d'] !== 'string')
      fail('privateKey is a public JWK (no "d"); the private key is needed', EXPECTED);
    try {
      return { key: crypto.createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }), jwk };
    } catch {
      fail(
        `privateKey is a JWK that node:crypto cannot read (kty ${String(jwk['kty'])})`,
        EXPECTED,
      );
    }
  }
  if (typeof input !== 'string' || input.trim() === '')
    fail('privateKey is missing or empty', EXPECTED);
  const pem = input.trim();
  if (/-----BEGIN (RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(pem)) {
    fail('privateKey is a public key or certificate; the private key is needed', EXPECTED);
  }
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    fail('privateKey is not PEM or JWK', EXPECTED);
  }
  if (pem.includes('ENCRYPTED PRIVATE KEY'))
    fail('privateKey is encrypted; decrypt it first', EXPECTED);
  try {
    return { key: crypto.createPrivateKey({ key: pem, format: 'pem' }) };
  } catch {
    fail('privateKey is PEM that node:crypto cannot read', EXPECTED);
  }
}

function algOf(key: KeyObject, declared: unknown): SigningAlg {
  const type = key.asymmetricKeyType;
  let alg: SigningAlg;
  if (type === 'rsa') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      fail('privateKey is an RSA key shorter than 2048 bits, which Okta refuses', EXPECTED);
    }
    alg = 'RS256';
  } else if (type === 'ec') {
    const curve = ALG_OF_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve)
      fail(
        'privateKey is an EC key on a curve Okta does not accept (use P-256, P-384 or P-521)',
        EXPECTED,
      );
    alg = curve;
  } else {
    fail(
      `privateKey is a ${String(type)} key; Okta accepts RSA and EC (P-256, P-384, P-521) keys`,
      EXPECTED,
    );
  }
  if (declared === undefined) return alg;
  if (
    typeof declared !== 'string' ||
    !ALGS.has(declared) ||
    declared.slice(0, 2) !== alg.slice(0, 2)
  ) {
    fail(
      `privateKey is a JWK whose "alg" ${JSON.stringify(declared)} does not fit its ${type?.toUpperCase()} key`,
      EXPECTED,
    );
  }
  if (type === 'ec' && declared !== alg)
    fail(`privateKey has "alg" ${declared} but its curve needs ${alg}`, EXPECTED);
  return declared as SigningAlg;
}

/**
 * Parses the private key of a service app and chooses its algorithm: the JWK's `alg` if it has
 * one, else RS256 for RSA and ES256/384/512 by curve.
 *
 * @throws {OktaConfigError} for a key that is not a private RSA/EC key in a known format; the
 *   message names the formats accepted and never contains the key.
 */
export function readPrivateKey(input: unknown, keyId: string | undefined): SigningKey {
  const crypto = nodeCrypto();
  const { key, jwk } = toKeyObject(crypto, input);
  const alg = algOf(key, jwk?.['alg']);
  const kid = keyId ?? (typeof jwk?.['kid'] === 'string' ? jwk['kid'] : undefined);
  const exported = key.export({ format: 'jwk' }) as Record<string, unknown>;
  return Object.freeze({ jwk: Object.freeze({ ...exported, alg }), alg, kid });
}

/** True for a signer: an object with a `sign` function (a JWK has no such member). */
export function isSigner(input: unknown): input is { sign(data: Uint8Array): Promise<Uint8Array> } {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { sign?: unknown }).sign === 'function'
  );
}

/**
 * Checks a signer's `alg` and `keyId` before any I/O. Its key is out of reach: the first token
 * request shows whether it fits the algorithm.
 *
 * @throws {OktaConfigError} for an algorithm outside the list or a `keyId` that is no string.
 */
export function readSigner(
  signer: { sign(data: Uint8Array): Promise<Uint8Array> },
  keyId: string | undefined,
): ExternalKey {
  const { alg, keyId: own } = signer as { alg?: unknown; keyId?: unknown };
  if (typeof alg !== 'string' || !(SIGNER_ALGS as readonly string[]).includes(alg)) {
    fail(
      `privateKey is a signer whose "alg" ${JSON.stringify(alg) ?? 'undefined'} is not one it may have`,
      SIGNER_EXPECTED,
    );
  }
  if (own !== undefined && (typeof own !== 'string' || own === '')) {
    fail(
      'privateKey is a signer whose "keyId" is not a non-empty string',
      'Give it the kid registered with the app, or leave it out',
    );
  }
  return Object.freeze({ alg: alg as SignerAlg, kid: keyId ?? own, signer });
}
