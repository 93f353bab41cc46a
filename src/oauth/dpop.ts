// DPoP proofs (RFC 9449). The proof key is generated once per client through WebCrypto and is
// never the client's own key (Okta: "The JWK that's used for DPoP authentication is separate").
// Its private half is not extractable.
//
// A proof is signed for every API request, so this is the one JWT the client writes itself
// instead of through jose: the header is encoded once, and on Node the signature comes from
// node:crypto's synchronous `sign` on the same key (KeyObject.from). jose's path goes through
// WebCrypto's asynchronous `subtle.sign`, which measured 4.3x our Bearer per-call CPU against a
// target of 1.8x (bench/oauth.mjs); elsewhere WebCrypto is used as is.
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
  let end = url.length;
  const query = url.indexOf('?');
  const fragment = url.indexOf('#');
  if (query !== -1) end = query;
  if (fragment !== -1 && fragment < end) end = fragment;
  return end === url.length ? url : url.slice(0, end);
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

type Signer = (input: Uint8Array<ArrayBuffer>) => Uint8Array | Promise<Uint8Array>;

/** One client's proof key; signs a fresh proof per request. */
export class DpopKey {
  readonly #jose: Jose;
  readonly #sign: Signer;
  readonly #encode: (bytes: Uint8Array | string) => string;
  readonly #publicJwk: Readonly<Record<string, string>>;
  /** base64url of the protected header, the same for every proof. */
  readonly #header: string;
  // The token stays the same for an hour: its hash is computed once.
  #athFor: { token: string; ath: Promise<string> } | undefined;

  private constructor(jose: Jose, privateKey: CryptoKey, publicJwk: Record<string, string>) {
    this.#jose = jose;
    this.#publicJwk = publicJwk;
    const node = nodeCrypto();
    if (node) {
      const key: KeyObject = node.KeyObject.from(privateKey);
      this.#sign = (input) => node.sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
      this.#encode = (bytes) => Buffer.from(bytes).toString('base64url');
    } else {
      const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
      this.#sign = async (input) =>
        new Uint8Array(await crypto.subtle.sign(algorithm, privateKey, input));
      this.#encode = (bytes) => jose.base64url.encode(bytes);
    }
    this.#header = this.#encode(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk }));
  }

  static async generate(jose: Jose): Promise<DpopKey> {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    const { kty, crv, x, y } = (await jose.exportJWK(pair.publicKey)) as Record<string, string>;
    // Public members only (RFC 9449 §4.2): never `d`, and nothing else a verifier might misread.
    return new DpopKey(jose, pair.privateKey, { kty: kty!, crv: crv!, x: x!, y: y! });
  }

  /** The public JWK sent in every proof. */
  get publicJwk(): Readonly<Record<string, string>> {
    return this.#publicJwk;
  }

  async proof(target: ProofTarget): Promise<string> {
    const claims: Record<string, string | number> = {
      htm: target.method.toUpperCase(),
      htu: htuOf(target.url),
      iat: Math.floor(Date.now() / 1000),
      jti: crypto.randomUUID(),
    };
    if (target.nonce !== undefined) claims['nonce'] = target.nonce;
    if (target.accessToken !== undefined) claims['ath'] = await this.#ath(target.accessToken);
    const input = `${this.#header}.${this.#encode(JSON.stringify(claims))}`;
    const signature = await this.#sign(encoder.encode(input));
    return `${input}.${this.#encode(signature)}`;
  }

  #ath(token: string): Promise<string> {
    if (this.#athFor?.token !== token) {
      this.#athFor = { token, ath: accessTokenHash(this.#jose, token) };
    }
    return this.#athFor.ath;
  }

  /** Shown by util.inspect: the public key's coordinates are harmless but noisy. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'DpopKey { alg: ES256 }';
  }
}
