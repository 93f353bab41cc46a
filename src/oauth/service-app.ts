// An OAuth 2.0 service app as a credential: signs client assertions, keeps one access token,
// proves possession of the DPoP key on every request and knows when a failed call deserves its
// one repeat. Everything heavy (jose, key import, the DPoP key pair) happens on first use.
import type { CredentialHeaders } from '../model/credential.js';
import type { Clock } from '../time/clock.js';
import { OktaApiError } from '../errors/api-error.js';
import { OktaConfigError } from '../errors/config-error.js';
import { dpopNonceOf } from '../errors/oauth-factory.js';
import { OktaOAuthError } from '../errors/oauth-error.js';
import { clientAssertion } from './assertion.js';
import { DpopKey } from './dpop.js';
import { isMissingPackage, missingPeer } from '../errors/optional-peer.js';
import { loadJose, type Jose } from './jose.js';
import type { ExternalKey, SigningKey } from './keys.js';
import { signerAssertion } from './signer.js';
import { TokenCache, type CachedToken } from './token-cache.js';
import { parseToken, tokenForm, type SendToken, type TokenRequest } from './token-request.js';

/** A service app's settings, validated. */
export interface ServiceAppConfig {
  readonly clientId: string;
  /** A key the client holds, or a signer whose key stays in a KMS or an HSM. */
  readonly key: SigningKey | ExternalKey;
  readonly scopes: readonly string[];
  /**
   * The operations whose scopes are not asked for by default and that `scopes` leaves out,
   * with those scopes: calling one is refused before any I/O.
   */
  readonly ungranted: Readonly<Partial<Record<string, readonly string[]>>>;
  readonly dpop: boolean;
}

/** Reports something that degraded without failing a call (the client's `onWarning`). */
export type Warn = (warning: { code: string; message: string }) => void;

/** What a failed call should do before its one repeat. */
export type RepeatReason = 'refetch-token' | 'dpop-nonce';

interface Ready {
  /** Signs a fresh client assertion for the token endpoint `audience` at `nowMs`. */
  readonly assertion: (audience: string, nowMs: number) => Promise<string>;
  readonly dpop: DpopKey | undefined;
}

/** Per-call bookkeeping: each kind of repeat happens at most once per call. */
export interface RepeatState {
  refetched: boolean;
  nonced: boolean;
}

export class ServiceApp {
  readonly #config: ServiceAppConfig;
  readonly #tokenUrl: string;
  readonly #send: SendToken;
  readonly #clock: Clock;
  readonly #warn: Warn;
  readonly #loadJose: () => Promise<Jose>;
  readonly #cache: TokenCache;
  #ready: Promise<Ready> | undefined;
  /** What #ready resolved to, for the synchronous per-call path. */
  #readyNow: Ready | undefined;
  #header: { token: CachedToken; value: string } | undefined;
  // Nonces of the authorization server and of the resource server (RFC 9449 §8, §9).
  #tokenNonce: string | undefined;
  #resourceNonce: string | undefined;
  /** Whether a Bearer token answered to a proof has been reported (once per client). */
  #warnedUnbound = false;

  constructor(
    config: ServiceAppConfig,
    send: SendToken,
    tokenUrl: string,
    clock: Clock,
    warn: Warn,
    load: () => Promise<Jose> = loadJose,
  ) {
    this.#config = config;
    this.#tokenUrl = tokenUrl;
    this.#send = send;
    this.#clock = clock;
    this.#warn = warn;
    this.#loadJose = load;
    // One token request at a time, under its own deadline and no caller's signal: a call
    // that gives up stops waiting for it without failing the others that wait too.
    this.#cache = new TokenCache(
      () => this.#fetchToken(),
      () => clock.now(),
      (ms) => new Promise((done) => clock.setTimeout(done, ms)),
    );
  }

  /**
   * The credential headers of a request: `Authorization: DPoP <token>` or `Bearer <token>`, as
   * the token endpoint typed the token, and for a DPoP token the proof for this very request.
   * Synchronous while the cached token is fresh (the common case costs no promise).
   */
  headersFor(method: string, url: string): CredentialHeaders | Promise<CredentialHeaders> {
    const token = this.#cache.fresh();
    if (token) return this.#withProof(method, url, this.#headerOf(token));
    return this.#cache.get().then((next) => this.#withProof(method, url, this.#headerOf(next)));
  }

  #withProof(method: string, url: string, authorization: string): CredentialHeaders {
    if (!authorization.startsWith('DPoP ')) return { authorization };
    const target = { method, url, nonce: this.#resourceNonce, accessToken: authorization.slice(5) };
    // A token in hand means the app is set up (#readyNow), and a DPoP token comes only to a
    // client with a DPoP key (#tokenOf refuses it otherwise): it always goes with its proof.
    return { authorization, dpop: this.#readyNow!.dpop!.proof(target) };
  }

  #headerOf(token: CachedToken): string {
    // One string per token, not one per call.
    // Stryker disable next-line ConditionalExpression: `true` only skips the cache, building the same header text again (the OAuth tests kill `false`).
    if (this.#header?.token !== token) {
      this.#header = { token, value: `${token.tokenType} ${token.accessToken}` };
    }
    return this.#header.value;
  }

  /**
   * Whether a failed API call gets its one repeat, and prepares it: a 401 drops the token so the
   * repeat fetches a new one; `use_dpop_nonce` stores the resource server's nonce (RFC 9449 §9).
   * `authorization` is what the failed request carried: a 401 drops that token, not a newer one
   * another call fetched meanwhile.
   */
  repeatAfter(
    error: unknown,
    authorization: string | undefined,
    state: RepeatState,
  ): RepeatReason | undefined {
    // The token endpoint's own refusals are not the resource's: no repeat for those.
    if (!(error instanceof OktaApiError) || authorization === undefined) return undefined;
    if (error.url === this.#tokenUrl) return undefined;
    if (error instanceof OktaOAuthError && error.error === 'use_dpop_nonce') {
      const nonce = dpopNonceOf(error);
      if (state.nonced || !nonce || !authorization.startsWith('DPoP ')) return undefined;
      state.nonced = true;
      this.#resourceNonce = nonce;
      return 'dpop-nonce';
    }
    if (error.status !== 401 || state.refetched) return undefined;
    state.refetched = true;
    this.#cache.invalidate(authorization.slice(authorization.indexOf(' ') + 1));
    return 'refetch-token';
  }

  #prepare(): Promise<Ready> {
    this.#ready ??= (async () => {
      const { clientId, key } = this.#config;
      // A signer needs no JWT library: its assertion is written by hand (./signer.ts).
      const assertion =
        'signer' in key
          ? (audience: string, nowMs: number) => signerAssertion(key, clientId, audience, nowMs)
          : await this.#joseAssertion(key);
      const dpop = this.#config.dpop ? DpopKey.generate() : undefined;
      this.#readyNow = { assertion, dpop };
      return this.#readyNow;
    })();
    // Nothing of a failed setup is kept: the next call sets up again from scratch.
    this.#ready.catch(() => (this.#ready = undefined));
    return this.#ready;
  }

  /** Loads jose and imports `key` into WebCrypto, once: what signs the assertions of a held key. */
  async #joseAssertion(key: SigningKey): Promise<Ready['assertion']> {
    const jose = await this.#loadJose().catch((cause: unknown) => {
      if (isMissingPackage(cause, 'jose')) throw missingPeer('Private-key auth', 'jose');
      throw new OktaConfigError(
        'Private-key auth could not load its JWT library (jose); check that the jose package is installed',
        { cause },
      );
    });
    const { jwk, alg, kid } = key;
    const imported = await jose.importJWK({ ...jwk }, alg).catch((cause: unknown) => {
      // The key was read in the constructor: what fails here is WebCrypto's import of it.
      throw new OktaConfigError(
        `Private-key auth could not import its ${alg} key into WebCrypto; its error is in \`cause\``,
        { cause },
      );
    });
    const signer = { clientId: this.#config.clientId, alg, kid, key: imported as CryptoKey };
    return (audience, nowMs) =>
      clientAssertion(jose, signer, audience, nowMs).catch((cause: unknown) => {
        throw new OktaConfigError(
          `Private-key auth could not sign its client assertion with its ${alg} key; its error is in \`cause\``,
          { cause },
        );
      });
  }

  /**
   * One token request, and at most one more when the authorization server asks for a DPoP
   * nonce (a protocol step, RFC 9449 §8). Transient failures are not retried here: they draw
   * on the budget of the call that needed the token.
   */
  async #fetchToken(): Promise<CachedToken> {
    for (let nonced = false; ; nonced = true) {
      try {
        return await this.#requestOnce();
      } catch (error) {
        const nonce = error instanceof OktaOAuthError ? dpopNonceOf(error) : undefined;
        const wantsNonce = error instanceof OktaOAuthError && error.error === 'use_dpop_nonce';
        if (!wantsNonce || !nonce || nonced || !this.#readyNow?.dpop) throw error;
        this.#tokenNonce = nonce;
      }
    }
  }

  #requestOnce(): Promise<CachedToken> {
    const url = this.#tokenUrl;
    let proved = false;
    // Set up and signed as the request leaves (see Call.build): after the throttle's wait and
    // under the attempt's deadline, so the assertion's iat and exp are fresh.
    const build = async (): Promise<TokenRequest> => {
      const ready = await this.#prepare();
      const [assertion, proof] = await Promise.all([
        ready.assertion(url, this.#clock.now()),
        ready.dpop?.proof({ method: 'POST', url, nonce: this.#tokenNonce }),
      ]);
      proved = proof !== undefined;
      return { body: tokenForm(this.#config.scopes, assertion), proof };
    };
    return this.#send(build, (text) => this.#tokenOf(text, proved));
  }

  /** The token of a token response, as this client may use it, or the problem with it. */
  #tokenOf(text: string, proved: boolean): CachedToken | string {
    const token = parseToken(text, this.#clock.now());
    if (typeof token === 'string') return token;
    if (token.tokenType === 'DPoP' && !proved) {
      // Sent without a proof, every call would fail at the resource server.
      return 'the token endpoint issued a DPoP token to a token request without a DPoP proof, and a DPoP token needs one on every request: enable dpop (leave it out or set dpop: true), as the app requires DPoP';
    }
    if (token.tokenType === 'Bearer' && proved && !this.#warnedUnbound) {
      this.#warnedUnbound = true;
      this.#warn({
        code: 'OKTA_SESSIONS_DPOP_NOT_BOUND',
        message:
          'The token endpoint answered a token request carrying a DPoP proof with a Bearer token: the app does not require DPoP, so its tokens are not bound to this client. The client uses them as Bearer tokens. Turn on "Require Demonstrating Proof of Possession (DPoP) header in token requests" for the app in Okta, or set dpop: false to stop sending proofs',
      });
    }
    return token;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ServiceApp { clientId: '${this.#config.clientId}', dpop: ${this.#config.dpop} }`;
  }
}
