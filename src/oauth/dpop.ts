// DPoP proofs (RFC 9449). The proof key is generated once per client and is never the client's
// own key (Okta: "The JWK that's used for DPoP authentication is separate"). Its private half
// never leaves this module: it is held as the KeyObject that signs (or, where node:crypto's sign
// refuses KeyObjects, as its JWK).
//
// A proof is signed for every API request, so this is the one JWT the client writes itself
// instead of through jose: the header is encoded once, and the whole proof is synchronous
// (node:crypto's `sign`, `ath` through `createHash`), so a call pays for no promise or await of
// its own. jose's path goes through WebCrypto's asynchronous `subtle.sign`, which measured 4.3x
// our Bearer per-call CPU against a target of 1.8x (bench/oauth.mjs). DPoP comes only with a
// service app, and a service app only runs where node:crypto does (./node-crypto.ts).
import type { JsonWebKeyInput, KeyObject } from 'node:crypto';
import { OktaConfigError } from '../errors/config-error.js';
import { nodeCrypto, type NodeCrypto } from './node-crypto.js';

/** What node:crypto's `sign` is given: the KeyObject, or its JWK where KeyObjects are refused. */
type SignKey = ({ key: KeyObject } | JsonWebKeyInput) & { dsaEncoding: 'ieee-p1363' };

/**
 * How this runtime's node:crypto signs with `privateKey`. workerd's (`nodejs_compat`) makes
 * KeyObjects but its `sign` refuses them as `options.key`; it signs with the private JWK. A test
 * signature, once per key, tells which; a runtime that signs neither way refuses DPoP.
 */
export function signKeyOf(crypto: NodeCrypto, privateKey: KeyObject): SignKey {
  const data = Buffer.alloc(1);
  const direct: SignKey = { key: privateKey, dsaEncoding: 'ieee-p1363' };
  try {
    crypto.sign('sha256', data, direct);
    return direct;
  } catch {
    const jwk = privateKey.export({ format: 'jwk' });
    const viaJwk: SignKey = { key: jwk, format: 'jwk', dsaEncoding: 'ieee-p1363' };
    try {
      crypto.sign('sha256', data, viaJwk);
      return viaJwk;
    } catch (cause) {
      throw new OktaConfigError(
        "DPoP proofs need node:crypto's sign with a P-256 key, which this runtime's node:crypto does not do. Pass dpop: false if your service app does not require DPoP",
        { cause },
      );
    }
  }
}

/** What one proof covers. */
export interface ProofTarget {
  /** The request method; sent uppercase. */
  readonly method: string;
  /** The real request URL; query and fragment are dropped. */
  readonly url: string;
  readonly nonce?: string | undefined;
  /** The access token the request carries (its hash becomes `ath`). */
  readonly accessToken?: string | undefined;
}

/** `htu`: scheme://host/path of the real request, without query or fragment (RFC 9449 §4.2). */
function htuOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

// `"GET"` for `get` and `GET`: a client sends few methods, each encoded once (bounded all the
// same, for callers of okta.raw with methods of their own).
const htmJson = new Map<string, string>();
function htmOf(method: string): string {
  let json = htmJson.get(method);
  // Stryker disable next-line ConditionalExpression: `true` only skips the cache, encoding again gives the same text (the DPoP tests kill `false`).
  if (json === undefined) {
    json = JSON.stringify(method.toUpperCase());
    // Stryker disable next-line ConditionalExpression,EqualityOperator: only the cache's memory bound differs.
    if (htmJson.size < 32) htmJson.set(method, json);
  }
  return json;
}

/** One client's proof key; signs a fresh proof per request. */
export class DpopKey {
  readonly #crypto: NodeCrypto;
  readonly #sign: SignKey;
  readonly #publicJwk: Readonly<Record<string, string>>;
  /** base64url of the protected header and the dot after it, the same for every proof. */
  readonly #header: string;
  // The token stays the same for an hour: its hash is computed once.
  #athFor: { token: string; ath: string } | undefined;

  private constructor(
    crypto: NodeCrypto,
    privateKey: KeyObject,
    publicJwk: Record<string, string>,
  ) {
    this.#crypto = crypto;
    this.#sign = signKeyOf(crypto, privateKey);
    this.#publicJwk = publicJwk;
    this.#header = `${encode(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk }))}.`;
  }

  /** A new P-256 key. Throws OktaConfigError where node:crypto is missing. */
  static generate(): DpopKey {
    const crypto = nodeCrypto();
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    // Public members only (RFC 9449 §4.2): never `d`, and nothing else a verifier might misread.
    return new DpopKey(crypto, privateKey, { kty: kty!, crv: crv!, x: x!, y: y! });
  }

  /** The public JWK sent in every proof. */
  get publicJwk(): Readonly<Record<string, string>> {
    return this.#publicJwk;
  }

  /** A fresh proof (new `jti`, `iat` now) for `target`. */
  proof(target: ProofTarget): string {
    // The claims in a fixed order, written directly: JSON.stringify escapes the values a server
    // or caller chose (the URL, the nonce); the rest are numbers, a UUID and base64url.
    let claims = `{"htm":${htmOf(target.method)},"htu":${JSON.stringify(htuOf(target.url))},"iat":${Math.floor(Date.now() / 1000)},"jti":"${this.#crypto.randomUUID()}"`;
    if (target.nonce !== undefined) claims += `,"nonce":${JSON.stringify(target.nonce)}`;
    if (target.accessToken !== undefined) claims += `,"ath":"${this.#ath(target.accessToken)}"`;
    const input = this.#header + encode(`${claims}}`);
    const signature = this.#crypto.sign('sha256', Buffer.from(input, 'latin1'), this.#sign);
    return `${input}.${signature.toString('base64url')}`;
  }

  #ath(token: string): string {
    // Stryker disable next-line ConditionalExpression: `true` only skips the cache, hashing again gives the same `ath` (the DPoP tests kill `false`).
    if (this.#athFor?.token !== token) {
      const ath = this.#crypto.createHash('sha256').update(token).digest('base64url');
      this.#athFor = { token, ath };
    }
    return this.#athFor.ath;
  }
}

function encode(text: string): string {
  return Buffer.from(text).toString('base64url');
}
