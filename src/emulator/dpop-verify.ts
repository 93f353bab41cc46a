// DPoP proof checks (RFC 9449 §4.3) shared by the token endpoint and the session endpoints, and
// the nonces the emulator hands out. node:crypto only.
import { randomBytes } from 'node:crypto';
import {
  hasPrivateMembers,
  isAcceptedAlg,
  parseJws,
  publicKeyOf,
  sha256Base64url,
  thumbprint,
  verifyJws,
} from './jws.js';

/** How old a proof's `iat` may be (Okta: 5 minutes); also how long its `jti` is remembered. */
const PROOF_MAX_AGE_S = 300;
/** Clock difference tolerated for an `iat` slightly in the future. */
const PROOF_FUTURE_S = 60;

/** Values seen once, forgotten after they could no longer be accepted anyway. */
export class SingleUse {
  readonly #seen = new Map<string, number>();

  /** Forgets every value. */
  clear(): void {
    this.#seen.clear();
  }

  /** False when `value` was already used; otherwise remembers it until `untilMs`. */
  use(value: string, nowMs: number, untilMs: number): boolean {
    if (this.#seen.size > 10_000) {
      for (const [v, until] of this.#seen) if (until <= nowMs) this.#seen.delete(v);
    }
    const until = this.#seen.get(value);
    if (until !== undefined && until > nowMs) return false;
    this.#seen.set(value, untilMs);
    return true;
  }
}

/** The server's current DPoP nonce; rotates on a schedule, or at once through `rotate`. */
export class NonceSource {
  readonly #rotateMs: number;
  #value = '';
  #since = Number.NEGATIVE_INFINITY;

  constructor(rotateSeconds: number) {
    this.#rotateMs = rotateSeconds * 1000;
  }

  current(nowMs: number): string {
    if (nowMs - this.#since >= this.#rotateMs) this.rotate(nowMs);
    return this.#value;
  }

  /** A new nonce now; the old one is stale from this moment. */
  rotate(nowMs: number): void {
    this.#value = randomBytes(24).toString('base64url');
    this.#since = nowMs;
  }
}

/** What a proof must match. */
export interface ProofExpectation {
  readonly method: string;
  /** scheme://host/path of the request as the server sees it. */
  readonly url: string;
  readonly nowMs: number;
  /** The nonce the proof must carry, or undefined when none is required. */
  readonly nonce: string | undefined;
  /** The access token the proof must be bound to through `ath`, if any. */
  readonly accessToken?: string | undefined;
}

/** A proof's outcome: the key thumbprint, or the OAuth error to answer with. */
export type ProofResult =
  | { readonly ok: true; readonly jkt: string }
  | {
      readonly ok: false;
      readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce';
      readonly description: string;
    };

const bad = (description: string): ProofResult => ({
  ok: false,
  error: 'invalid_dpop_proof',
  description,
});

/** Checks one `DPoP` header value. `jtis` makes each proof single-use. */
export function verifyProof(
  proof: string,
  expected: ProofExpectation,
  jtis: SingleUse,
): ProofResult {
  const jws = parseJws(proof);
  if (!jws) return bad('The DPoP proof is not a valid JWT.');
  const { header, claims } = jws;
  if (header['typ'] !== 'dpop+jwt') return bad("The DPoP proof 'typ' header must be 'dpop+jwt'.");
  if (!isAcceptedAlg(header['alg'])) {
    return bad("The DPoP proof 'alg' must be one of RS256, RS384, RS512, ES256, ES384, ES512.");
  }
  const jwk = header['jwk'];
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) {
    return bad("The DPoP proof 'jwk' header is missing or not a JSON object.");
  }
  const jwkObject = jwk as Record<string, unknown>;
  if (hasPrivateMembers(jwkObject))
    return bad("The DPoP proof 'jwk' contains private key members.");
  const key = publicKeyOf(jwkObject);
  if (!key || !verifyJws(jws, key)) return bad('The DPoP proof signature is invalid.');
  if (claims['htm'] !== expected.method)
    return bad("The DPoP proof 'htm' does not match the request method.");
  if (claims['htu'] !== expected.url)
    return bad("The DPoP proof 'htu' does not match the request URL.");
  const iat = claims['iat'];
  const nowS = expected.nowMs / 1000;
  if (typeof iat !== 'number') return bad("The DPoP proof 'iat' claim is missing.");
  if (iat > nowS + PROOF_FUTURE_S) return bad("The DPoP proof 'iat' is in the future.");
  if (iat < nowS - PROOF_MAX_AGE_S) return bad('The DPoP proof has expired.');
  const jti = claims['jti'];
  if (typeof jti !== 'string' || jti === '') return bad("The DPoP proof 'jti' claim is missing.");
  if (
    expected.accessToken !== undefined &&
    claims['ath'] !== sha256Base64url(expected.accessToken)
  ) {
    return bad("The DPoP proof 'ath' does not match the access token.");
  }
  if (expected.nonce !== undefined && claims['nonce'] !== expected.nonce) {
    return {
      ok: false,
      error: 'use_dpop_nonce',
      description:
        claims['nonce'] === undefined
          ? 'Authorization server requires nonce in DPoP proof.'
          : 'The DPoP proof nonce is stale or invalid.',
    };
  }
  // Remembered only once valid: a proof refused for its nonce was never accepted.
  if (!jtis.use(jti, expected.nowMs, expected.nowMs + (PROOF_MAX_AGE_S + PROOF_FUTURE_S) * 1000)) {
    return bad("The DPoP proof 'jti' has already been used.");
  }
  return { ok: true, jkt: thumbprint(jwkObject) };
}
