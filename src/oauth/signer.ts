// The client assertion of a key that never leaves a KMS or an HSM. jose signs only with keys it
// holds, so this JWS is written by hand (RFC 7515 compact serialization: base64url of the
// header, of the claims, and of the signature) and the signer sees nothing but the signing
// input. KMS services return ECDSA signatures in DER, which JWS does not use (RFC 7518 §3.4):
// they become the fixed-size r‖s here.
import { OktaConfigError } from '../errors/config-error.js';
import { LIFETIME_S } from './assertion.js';
import type { ExternalKey, SignerAlg } from './keys.js';

/** Bytes of r and of s in an ES* signature (RFC 7518 §3.4); P-521's 521 bits take 66. */
// Stryker disable next-line ObjectLiteral: set when the module loads, which per-test coverage does not see; emptied by hand, 24 tests of test/signer.test.ts fail
const EC_SIZE: Partial<Record<SignerAlg, number>> = { ES256: 32, ES384: 48, ES512: 66 };

/** An RSA signature is as long as the modulus: 256 bytes at 2048 bits, the least Okta takes. */
const MIN_RSA_BYTES = 256;

function base64url(value: Uint8Array | string): string {
  return Buffer.from(value).toString('base64url');
}

/** A DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs) as r‖s of `size` bytes each, if it is one. */
function fromDer(der: Uint8Array, size: number): Uint8Array | undefined {
  let at = 0;
  if (der[at++] !== 0x30) return undefined;
  let length = der[at++] ?? 0;
  // Long form, one length byte: P-521's sequence is longer than 127 bytes. Longer forms cannot
  // hold an ECDSA signature. (Were one read as a short length, the bounds checks below would
  // refuse it, or take out two integers Okta then refuses as a signature.)
  if (length === 0x81) length = der[at++] ?? 0;
  // Stryker disable next-line ConditionalExpression: see above
  else if (length > 0x7f) return undefined;
  if (at + length !== der.length) return undefined;
  const raw = new Uint8Array(2 * size);
  for (const half of [0, 1]) {
    if (der[at++] !== 0x02) return undefined;
    const intLength = der[at++] ?? 0;
    let int = der.subarray(at, at + intLength);
    // An integer cut short moves `at` past the end, which the checks after it refuse.
    at += intLength;
    if (intLength === 0) return undefined;
    // DER keeps a zero byte before a high bit (the integer is positive); r‖s has none. (Taking
    // off zeros beyond those changes nothing: the padding below puts them back.)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
    while (int.length > size && int[0] === 0) int = int.subarray(1);
    if (int.length > size) return undefined;
    raw.set(int, half * size + size - int.length);
  }
  return at === der.length ? raw : undefined;
}

/** The JWS signature of what a signer returned, or what is wrong with it. */
export function jwsSignature(alg: SignerAlg, signature: unknown): Uint8Array | string {
  // Not `instanceof`: a Uint8Array made in another realm (a vm context, a worker) is one too.
  if (Object.prototype.toString.call(signature) !== '[object Uint8Array]') {
    return 'returned no signature bytes (a Uint8Array)';
  }
  const bytes = signature as Uint8Array;
  const size = EC_SIZE[alg];
  if (size === undefined) {
    return bytes.length >= MIN_RSA_BYTES
      ? bytes
      : `returned ${bytes.length} bytes, fewer than the 256 of an RSA signature by a 2048-bit key`;
  }
  // DER first: r‖s that also reads as a whole DER sequence would take a 1 in 2^40 chance.
  const raw = fromDer(bytes, size) ?? (bytes.length === 2 * size ? bytes : undefined);
  return (
    raw ??
    `returned ${bytes.length} bytes, neither a DER ECDSA signature nor the ${2 * size} bytes of ${alg}'s r‖s`
  );
}

/**
 * A fresh, single-use client assertion for the token endpoint `audience`, signed by `key`'s
 * signer. Its failures are OktaConfigErrors that quote nothing the signer said.
 */
export async function signerAssertion(
  key: ExternalKey,
  clientId: string,
  audience: string,
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  // JSON leaves out an undefined kid.
  const header = { alg: key.alg, kid: key.kid };
  const claims = {
    iss: clientId,
    sub: clientId,
    aud: audience,
    iat,
    exp: iat + LIFETIME_S,
    // Okta makes a jti single-use: every assertion, retries included, gets a new one.
    jti: crypto.randomUUID(),
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  let signature: unknown;
  try {
    // Its own copy of the signing input, and nothing else.
    signature = await key.signer.sign(new TextEncoder().encode(input));
  } catch (cause) {
    // The signer's message may name its key, its account or its endpoint: it stays in `cause`.
    throw new OktaConfigError(
      `The privateKey signer (${key.alg}) failed; its error is in \`cause\`. Check the signer, its key and its access to the key service`,
      { cause },
    );
  }
  const jws = jwsSignature(key.alg, signature);
  if (typeof jws === 'string') {
    throw new OktaConfigError(
      `The privateKey signer (${key.alg}) ${jws}. Return the signature of the bytes it is given, made with the key of its "alg"`,
    );
  }
  return `${input}.${base64url(jws)}`;
}
