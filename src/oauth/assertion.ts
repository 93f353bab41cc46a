// The client assertion of RFC 7523 as Okta checks it (see okta-oauth-facts.md).
import type { Jose } from './jose.js';
import type { SigningAlg } from './keys.js';

/** Okta accepts assertions up to an hour ahead; short-lived ones limit the damage of a leak. */
export const LIFETIME_S = 300;

export interface AssertionSigner {
  readonly clientId: string;
  readonly alg: SigningAlg;
  readonly kid: string | undefined;
  readonly key: CryptoKey;
}

/** A fresh, single-use client assertion for the token endpoint `audience`. */
export function clientAssertion(
  jose: Jose,
  signer: AssertionSigner,
  audience: string,
  nowMs: number = Date.now(),
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return (
    new jose.SignJWT({})
      .setProtectedHeader(signer.kid ? { alg: signer.alg, kid: signer.kid } : { alg: signer.alg })
      .setIssuer(signer.clientId)
      .setSubject(signer.clientId)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + LIFETIME_S)
      // Okta makes a jti single-use: every assertion, retries included, gets a new one.
      .setJti(crypto.randomUUID())
      .sign(signer.key)
  );
}
