// DPoP proofs (RFC 9449). The proof key is generated once per client through WebCrypto and is
// never the client's own key (Okta: "The JWK that's used for DPoP authentication is separate").
// Its private half never leaves this module: outside Node it is not even extractable; on Node it
// is held as the KeyObject that signs (Node 24 deprecates KeyObject.from on non-extractable
// keys, DEP0204).
//
// A proof is signed for every API request, so this is the one JWT the client writes itself
// instead of through jose: the header is encoded once, and on Node the whole proof is synchronous
// (node:crypto's `sign` on the same key through KeyObject.from, `ath` through `createHash`), so a
// call pays for no promise or await of its own. jose's path goes through WebCrypto's
// asynchronous `subtle.sign`, which measured 4.3x our Bearer per-call CPU against a target of
// 1.8x (bench/oauth.mjs); elsewhere WebCrypto is used as is.
import type { KeyObject } from 'node:crypto';
import type { Jose } from './jose.js';

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
export function htuOf(url: string): string {
  // Stryker disable next-line Regex: a fragment always follows the query in the URLs openapi-fetch builds.
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

const encoder = new TextEncoder();
type Crypto = typeof import('node:crypto');

function nodeCrypto(): Crypto | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  return typeof get === 'function' ? (get('node:crypto') as Crypto | undefined) : undefined;
}

/** base64url(SHA-256(token)): the `ath` claim. */
export async function accessTokenHash(jose: Jose, token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(token));
  return jose.base64url.encode(new Uint8Array(digest));
}

/** Signs a proof's signing input; returns the proof's base64url signature. */
type Signer = (input: string) => string | Promise<string>;

// `"GET"` for `get` and `GET`: a client sends few methods, each encoded once (bounded all the
// same, for callers of okta.raw with methods of their own).
const htmJson = new Map<string, string>();
function htmOf(method: string): string {
  let json = htmJson.get(method);
  if (json === undefined) {
    json = JSON.stringify(method.toUpperCase());
    // Stryker disable next-line ConditionalExpression,EqualityOperator: only the cache's memory bound differs.
    if (htmJson.size < 32) htmJson.set(method, json);
  }
  return json;
}

/** One client's proof key; signs a fresh proof per request. */
export class DpopKey {
  readonly #jose: Jose;
  readonly #node: Crypto | undefined;
  readonly #sign: Signer;
  readonly #encode: (text: string) => string;
  readonly #publicJwk: Readonly<Record<string, string>>;
  /** base64url of the protected header and the dot after it, the same for every proof. */
  readonly #header: string;
  // The token stays the same for an hour: its hash is computed once, and kept as a string as
  // soon as it is known so that proofs need not wait for it.
  #athFor: { token: string; ath: string | Promise<string> } | undefined;

  private constructor(jose: Jose, privateKey: CryptoKey, publicJwk: Record<string, string>) {
    this.#jose = jose;
    this.#publicJwk = publicJwk;
    const node = nodeCrypto();
    this.#node = node;
    if (node) {
      // Synchronous all the way: a proof costs no promise, no await and no copy of its bytes.
      const key: KeyObject = node.KeyObject.from(privateKey);
      const options = { key, dsaEncoding: 'ieee-p1363' } as const;
      this.#sign = (input) =>
        node.sign('sha256', Buffer.from(input, 'latin1'), options).toString('base64url');
      this.#encode = (text) => Buffer.from(text).toString('base64url');
    } else {
      const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
      this.#sign = async (input) =>
        jose.base64url.encode(
          new Uint8Array(await crypto.subtle.sign(algorithm, privateKey, encoder.encode(input))),
        );
      this.#encode = (text) => jose.base64url.encode(text);
    }
    this.#header = `${this.#encode(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk }))}.`;
  }

  static async generate(jose: Jose): Promise<DpopKey> {
    const extractable = nodeCrypto() !== undefined;
    const pair = await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      extractable,
      ['sign', 'verify'],
    );
    const { kty, crv, x, y } = (await jose.exportJWK(pair.publicKey)) as Record<string, string>;
    // Public members only (RFC 9449 §4.2): never `d`, and nothing else a verifier might misread.
    return new DpopKey(jose, pair.privateKey, { kty: kty!, crv: crv!, x: x!, y: y! });
  }

  /** The public JWK sent in every proof. */
  get publicJwk(): Readonly<Record<string, string>> {
    return this.#publicJwk;
  }

  /**
   * A fresh proof (new `jti`, `iat` now) for `target`. On Node it is signed synchronously and
   * returned as a string; elsewhere WebCrypto signs, and a promise comes back.
   */
  proof(target: ProofTarget): string | Promise<string> {
    const ath = target.accessToken === undefined ? undefined : this.#ath(target.accessToken);
    if (typeof ath === 'object') return ath.then((hash) => this.#signed(target, hash));
    return this.#signed(target, ath);
  }

  #signed(target: ProofTarget, ath: string | undefined): string | Promise<string> {
    // The claims in a fixed order, written directly: JSON.stringify escapes the values a server
    // or caller chose (the URL, the nonce); the rest are numbers, a UUID and base64url.
    let claims = `{"htm":${htmOf(target.method)},"htu":${JSON.stringify(htuOf(target.url))},"iat":${Math.floor(Date.now() / 1000)},"jti":"${crypto.randomUUID()}"`;
    if (target.nonce !== undefined) claims += `,"nonce":${JSON.stringify(target.nonce)}`;
    if (ath !== undefined) claims += `,"ath":"${ath}"`;
    const input = this.#header + this.#encode(`${claims}}`);
    const signature = this.#sign(input);
    return typeof signature === 'string'
      ? `${input}.${signature}`
      : signature.then((s) => `${input}.${s}`);
  }

  #ath(token: string): string | Promise<string> {
    if (this.#athFor?.token !== token) {
      const node = this.#node;
      const hash = node
        ? node.createHash('sha256').update(token).digest('base64url')
        : accessTokenHash(this.#jose, token);
      const entry: { token: string; ath: string | Promise<string> } = { token, ath: hash };
      if (typeof hash === 'object')
        void hash.then(
          (ath) => (entry.ath = ath),
          () => undefined,
        );
      this.#athFor = entry;
    }
    return this.#athFor.ath;
  }
}
