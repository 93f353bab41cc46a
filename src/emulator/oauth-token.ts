// The org authorization server of an emulated org, for OAuth 2.0 service apps: `POST
// /oauth2/v1/token` with private-key JWT client authentication (RFC 7523) and DPoP (RFC 9449),
// and the check of the tokens it issued on the session endpoints. Statuses, `error` codes and
// headers follow Okta's (see okta-oauth-facts.md). node:crypto only.
import { randomBytes, type KeyObject } from 'node:crypto';
import type { OperationId } from '../../generated/operations.js';
import { NonceSource, SingleUse, verifyProof } from './dpop-verify.js';
import { readBody, type Exchange, type Responder } from './http.js';
import {
  isAcceptedAlg,
  parseJws,
  publicKeyOf,
  thumbprint,
  verifyJws,
  type ParsedJws,
} from './jws.js';

/** The token endpoint's path. */
export const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
/** Okta refuses assertions that expire more than an hour ahead. */
const MAX_ASSERTION_LIFE_S = 3600;
const DPOP_ALGS = 'RS256 RS384 RS512 ES256 ES384 ES512';

/**
 * A service app registered with the emulator: its public keys, the scopes granted to it, and
 * whether it requires DPoP ("Require Demonstrating Proof of Possession").
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 *
 * const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 * const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1' };
 * const app: EmulatorServiceApp = { jwks: [publicJwk], scopes: ['okta.sessions.read'], dpop: true };
 * ```
 */
export interface EmulatorServiceApp {
  /** The app's public keys (JWKs, each with a `kid` if the client sends one). */
  readonly jwks: readonly Readonly<Record<string, unknown>>[];
  /** The Okta API scopes granted to the app. */
  readonly scopes: readonly string[];
  /**
   * Require DPoP-bound tokens (a proof with every token request and call), as Okta does for new
   * API service apps; default false: Bearer tokens, and a proof sent anyway is ignored.
   */
  readonly dpop?: boolean | undefined;
}

/** Settings of the authorization server. */
export interface OAuthServerOptions {
  readonly clients: Readonly<Record<string, EmulatorServiceApp>>;
  readonly responder: Responder;
  readonly maxBodyBytes: number;
  /** Lifetime of issued access tokens; Okta's is 3600 s. */
  readonly tokenTtlSeconds: number;
  /** How often the DPoP nonce changes; Okta's is 24 h. */
  readonly nonceRotateSeconds: number;
  /** Require the nonce on session endpoints too (Okta does not, today). */
  readonly resourceNonce: boolean;
  /** The emulator's own origin (`publicUrl`): what `aud` and `htu` must name. */
  readonly origin: () => string;
  /** True when `granted` scopes satisfy operation `id`'s requirements. */
  readonly scopesAllow: (id: OperationId, granted: ReadonlySet<string>) => boolean;
}

interface RegisteredKey {
  readonly kid: string | undefined;
  readonly key: KeyObject;
}

interface App {
  readonly keys: readonly RegisteredKey[];
  /** RFC 7638 thumbprints of `keys`: a DPoP proof must not be signed with one of them. */
  readonly thumbprints: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
  readonly dpop: boolean;
}

interface IssuedToken {
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  readonly expiresAt: number;
  /** The RFC 7638 thumbprint of the proof key the token is bound to. */
  readonly jkt: string | undefined;
}

/** An OAuth error answer: status, code, description and extra headers. */
interface Refusal {
  readonly status: number;
  readonly error: string;
  readonly description: string;
  readonly headers?: readonly string[];
}

const clientError = (description: string): Refusal => ({
  status: 401,
  error: 'invalid_client',
  description,
});

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

function registerApps(clients: Readonly<Record<string, EmulatorServiceApp>>): Map<string, App> {
  const apps = new Map<string, App>();
  for (const [clientId, app] of Object.entries(clients)) {
    if (!Array.isArray(app?.jwks) || app.jwks.length === 0) {
      throw new RangeError(`clients.${clientId}: jwks must list at least one public key`);
    }
    const keys = app.jwks.map((jwk, i) => {
      const key = publicKeyOf(jwk);
      if (!key) {
        throw new RangeError(
          `clients.${clientId}.jwks[${i}] is not a public RSA or EC JWK (private members are refused)`,
        );
      }
      return { kid: typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined, key };
    });
    if (!Array.isArray(app.scopes))
      throw new RangeError(`clients.${clientId}: scopes must be an array`);
    apps.set(clientId, {
      keys,
      thumbprints: new Set(app.jwks.map((jwk) => thumbprint(jwk))),
      scopes: new Set(app.scopes),
      dpop: app.dpop === true,
    });
  }
  return apps;
}

/** The org authorization server: the token endpoint and the check of the tokens it issues. */
export class OAuthServer {
  readonly #apps: Map<string, App>;
  readonly #options: OAuthServerOptions;
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #assertionJtis = new SingleUse();
  readonly #proofJtis = new SingleUse();
  readonly #nonces: NonceSource;

  constructor(options: OAuthServerOptions) {
    this.#options = options;
    this.#apps = registerApps(options.clients);
    this.#nonces = new NonceSource(options.nonceRotateSeconds);
  }

  /** Makes the current DPoP nonce stale at once: the next proof carrying it gets `use_dpop_nonce`. */
  rotateNonce(nowMs: number): void {
    this.#nonces.rotate(nowMs);
  }

  /** Back to the state at start: no token issued, no assertion or proof seen, a new nonce. */
  reset(nowMs: number): void {
    this.#tokens.clear();
    this.#assertionJtis.clear();
    this.#proofJtis.clear();
    this.#nonces.rotate(nowMs);
  }

  /** Forgets every issued access token, as revoking them at Okta would. */
  revokeAll(): void {
    this.#tokens.clear();
  }

  /**
   * A scripted `access-token` fault: forgets the request's access token (as expiry or revocation
   * at Okta would) and answers 401 `invalid_token` the way an expired or unknown token gets it.
   */
  refuseToken(ex: Exchange, state: 'expired' | 'revoked'): void {
    const header = ex.req.headers.authorization ?? '';
    const match = /^(DPoP|Bearer) +(\S+)$/i.exec(header.trim());
    const scheme = match?.[1]?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    if (match) this.#tokens.delete(match[2] as string);
    this.#refuseResource(ex, scheme, {
      status: 401,
      error: 'invalid_token',
      description:
        state === 'expired' ? 'The access token is expired.' : 'The access token is invalid.',
    });
  }

  /**
   * A scripted `dpop-nonce` fault: a new nonce from now, and the `use_dpop_nonce` answer a proof
   * without it gets (400 at the token endpoint, 401 at a resource, RFC 9449 §8 and §9).
   */
  nonceChallenge(ex: Exchange, tokenEndpoint: boolean): void {
    this.#nonces.rotate(ex.now);
    const headers = ['DPoP-Nonce', this.#nonces.current(ex.now)];
    if (tokenEndpoint) {
      this.#refuse(ex, {
        status: 400,
        error: 'use_dpop_nonce',
        description: 'Authorization server requires nonce in DPoP proof.',
        headers,
      });
    } else {
      this.#refuseResource(ex, 'DPoP', {
        status: 401,
        error: 'use_dpop_nonce',
        description: 'Resource server requires nonce in DPoP proof.',
        headers,
      });
    }
  }

  /** `POST /oauth2/v1/token`. */
  async token(ex: Exchange): Promise<void> {
    const refusal = await this.#issue(ex);
    if (refusal) this.#refuse(ex, refusal);
  }

  /**
   * Checks an `Authorization: DPoP …` header, or a Bearer token this server issued, for
   * operation `id`. `'ok'` lets the operation run; `'answered'` means an error went out;
   * undefined means the credential is not ours (the API token or configured access tokens).
   */
  authorize(ex: Exchange, id: OperationId, pathname: string): 'ok' | 'answered' | undefined {
    const header = ex.req.headers.authorization;
    const match = header === undefined ? null : /^(DPoP|Bearer) +(\S+)$/i.exec(header.trim());
    if (match === null) return undefined;
    const scheme = (match[1] as string).toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2] as string;
    const record = this.#tokens.get(token);
    if (record === undefined && scheme === 'Bearer') return undefined;
    const refusal = this.#checkResource(ex, scheme, token, record, id, pathname);
    if (refusal === undefined) return 'ok';
    this.#refuseResource(ex, scheme, refusal);
    return 'answered';
  }

  #checkResource(
    ex: Exchange,
    scheme: 'DPoP' | 'Bearer',
    token: string,
    record: IssuedToken | undefined,
    id: OperationId,
    pathname: string,
  ): Refusal | undefined {
    if (record === undefined || ex.now >= record.expiresAt) {
      if (record !== undefined) this.#tokens.delete(token);
      return {
        status: 401,
        error: 'invalid_token',
        description: record ? 'The access token is expired.' : 'The access token is invalid.',
      };
    }
    if (record.jkt === undefined) {
      if (scheme === 'DPoP') {
        return {
          status: 401,
          error: 'invalid_token',
          description: 'The access token is not DPoP bound.',
        };
      }
    } else {
      if (scheme === 'Bearer') {
        return {
          status: 400,
          error: 'invalid_request',
          description: 'The DPoP authentication scheme is required for a DPoP-bound access token.',
        };
      }
      const proofs = ex.req.headersDistinct['dpop'];
      if (proofs === undefined) {
        return {
          status: 400,
          error: 'invalid_request',
          description: 'A DPoP proof is required for this access token.',
        };
      }
      if (proofs.length !== 1) {
        return {
          status: 400,
          error: 'invalid_dpop_proof',
          description: 'Exactly one DPoP header is allowed.',
        };
      }
      const result = verifyProof(
        proofs[0] as string,
        {
          method: ex.req.method ?? 'GET',
          url: this.#options.origin() + pathname,
          nowMs: ex.signedNow,
          nonce: this.#options.resourceNonce ? this.#nonces.current(ex.now) : undefined,
          accessToken: token,
        },
        this.#proofJtis,
      );
      if (!result.ok) {
        return result.error === 'use_dpop_nonce'
          ? {
              status: 401,
              error: 'use_dpop_nonce',
              description: 'Resource server requires nonce in DPoP proof.',
              headers: ['DPoP-Nonce', this.#nonces.current(ex.now)],
            }
          : { status: 400, error: result.error, description: result.description };
      }
      if (result.jkt !== record.jkt) {
        return {
          status: 400,
          error: 'invalid_dpop_proof',
          description: "The DPoP proof key does not match the access token's binding.",
        };
      }
    }
    if (!this.#options.scopesAllow(id, record.scopes)) {
      return {
        status: 403,
        error: 'insufficient_scope',
        description: 'The access token lacks the required scope.',
      };
    }
    return undefined;
  }

  /** A resource's refusal: 401/403 keep Okta's error body; DPoP proof problems have none. */
  #refuseResource(ex: Exchange, scheme: 'DPoP' | 'Bearer', refusal: Refusal): void {
    const challenge =
      `${scheme === 'DPoP' || refusal.status === 400 ? 'DPoP' : 'Bearer'} ` +
      (scheme === 'DPoP' || refusal.status === 400 ? `algs="${DPOP_ALGS}", ` : '') +
      `error=${quote(refusal.error)}, error_description=${quote(refusal.description)}`;
    const headers = ['WWW-Authenticate', challenge, ...(refusal.headers ?? [])];
    const { responder } = this.#options;
    if (refusal.status === 400) {
      responder.empty(ex, 400, headers);
    } else if (refusal.status === 403) {
      responder.error(ex, 'E0000006', undefined, undefined, headers);
    } else {
      responder.error(ex, 'E0000011', undefined, undefined, headers);
    }
  }

  async #issue(ex: Exchange): Promise<Refusal | undefined> {
    const { req } = ex;
    if (!FORM_TYPE.test(req.headers['content-type'] ?? '')) {
      return {
        status: 400,
        error: 'invalid_request',
        description: 'The request must be form-encoded.',
      };
    }
    const body = await readBody(req, this.#options.maxBodyBytes);
    if (!body.ok)
      return {
        status: 400,
        error: 'invalid_request',
        description: 'The request body is too large.',
      };
    const form = new URLSearchParams(body.text);
    const grant = form.get('grant_type');
    if (!grant)
      return {
        status: 400,
        error: 'invalid_request',
        description: "The 'grant_type' parameter is required.",
      };
    if (grant !== 'client_credentials') {
      return {
        status: 400,
        error: 'unsupported_grant_type',
        description: `The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].`,
      };
    }
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion')) {
      return clientError(
        'Client authentication failed. Either the client or the client credentials are invalid.',
      );
    }
    const audience = this.#options.origin() + TOKEN_PATH;
    const client = this.#authenticate(
      form.get('client_assertion') as string,
      audience,
      ex.signedNow,
    );
    if ('status' in client) return client;
    const { clientId, app } = client;

    let jkt: string | undefined;
    if (app.dpop) {
      const proofs = req.headersDistinct['dpop'];
      if (proofs === undefined || proofs.length !== 1) {
        return {
          status: 400,
          error: 'invalid_dpop_proof',
          description: proofs
            ? 'Exactly one DPoP header is allowed.'
            : 'The DPoP proof JWT header is missing.',
        };
      }
      const result = verifyProof(
        proofs[0] as string,
        {
          method: req.method ?? 'POST',
          url: audience,
          nowMs: ex.signedNow,
          nonce: this.#nonces.current(ex.now),
        },
        this.#proofJtis,
      );
      if (!result.ok) {
        return {
          status: 400,
          error: result.error,
          description: result.description,
          ...(result.error === 'use_dpop_nonce'
            ? { headers: ['DPoP-Nonce', this.#nonces.current(ex.now)] }
            : {}),
        };
      }
      // Okta wants a proof key of its own, not the app's authentication key. No recording of
      // Okta's answer exists: invalid_dpop_proof is the emulator's choice.
      if (app.thumbprints.has(result.jkt)) {
        return {
          status: 400,
          error: 'invalid_dpop_proof',
          description:
            "The DPoP proof must not be signed with a key of the client's JWKS (use a separate key).",
        };
      }
      jkt = result.jkt;
    }

    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (requested.length === 0)
      return { status: 400, error: 'invalid_scope', description: 'No scopes were requested.' };
    if (requested.includes('openid')) {
      return {
        status: 400,
        error: 'invalid_scope',
        description: "The 'openid' scope is not allowed for the client credentials grant.",
      };
    }
    const denied = requested.filter((s) => !app.scopes.has(s));
    if (denied.length > 0) {
      return {
        status: 400,
        error: 'invalid_scope',
        description: `The following scopes are not allowed: ${denied.join(', ')}`,
      };
    }

    const accessToken = randomBytes(32).toString('base64url');
    const ttl = this.#options.tokenTtlSeconds;
    if (this.#tokens.size > 10_000) {
      for (const [t, r] of this.#tokens) if (r.expiresAt <= ex.now) this.#tokens.delete(t);
    }
    this.#tokens.set(accessToken, {
      clientId,
      scopes: new Set(requested),
      expiresAt: ex.now + ttl * 1000,
      jkt,
    });
    this.#send(ex, 200, {
      token_type: jkt ? 'DPoP' : 'Bearer',
      expires_in: ttl,
      access_token: accessToken,
      scope: requested.join(' '),
    });
    return undefined;
  }

  /** Checks the client assertion the way Okta does; the app, or the refusal. */
  #authenticate(
    assertion: string,
    audience: string,
    nowMs: number,
  ): { clientId: string; app: App } | Refusal {
    const jws: ParsedJws | undefined = parseJws(assertion);
    if (!jws) return clientError('The client_assertion token is invalid.');
    const { header, claims } = jws;
    if (!isAcceptedAlg(header['alg']))
      return clientError('The client_assertion signature algorithm is invalid.');
    const iss = claims['iss'];
    if (typeof iss !== 'string' || claims['sub'] !== iss) {
      return clientError('The client_assertion token has an invalid issuer or subject.');
    }
    const app = this.#apps.get(iss);
    if (!app) return clientError('The client_assertion token has an invalid issuer or subject.');
    const kid = header['kid'];
    // Okta needs the kid once an app has several keys; with one key it may be left out.
    const candidates =
      kid === undefined
        ? app.keys.length === 1
          ? app.keys
          : []
        : app.keys.filter((k) => k.kid === kid);
    if (candidates.length === 0)
      return clientError('The client_assertion token has an invalid kid.');
    if (!candidates.some((k) => verifyJws(jws, k.key))) {
      return clientError('The client_assertion signature is invalid.');
    }
    if (claims['aud'] !== audience)
      return clientError('The client_assertion token has an invalid audience.');
    const exp = claims['exp'];
    const nowS = nowMs / 1000;
    if (typeof exp !== 'number')
      return clientError('The client_assertion token must have an expiration claim.');
    if (exp <= nowS) return clientError('The client_assertion token is expired.');
    if (exp > nowS + MAX_ASSERTION_LIFE_S)
      return clientError('The client_assertion token expires too far in the future.');
    const iat = claims['iat'];
    if (iat !== undefined && (typeof iat !== 'number' || iat > nowS + 1)) {
      return clientError('The client_assertion token was issued in the future.');
    }
    // Not in Okta's docs or recordings: refusing a future nbf (invalid_client) is the emulator's choice.
    const nbf = claims['nbf'];
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowS + 1)) {
      return clientError('The client_assertion token is not valid yet (nbf).');
    }
    const jti = claims['jti'];
    if (jti !== undefined) {
      if (typeof jti !== 'string' || !this.#assertionJtis.use(`${iss} ${jti}`, nowMs, exp * 1000)) {
        return clientError('The client_assertion token has already been used.');
      }
    }
    return { clientId: iss, app };
  }

  #refuse(ex: Exchange, refusal: Refusal): void {
    this.#send(
      ex,
      refusal.status,
      { error: refusal.error, error_description: refusal.description },
      refusal.headers,
    );
  }

  /** Token endpoint answers: `no-store` and `Pragma: no-cache` (RFC 6749 §5.1). */
  #send(ex: Exchange, status: number, body: object, headers: readonly string[] = []): void {
    const text = JSON.stringify(body);
    const common = this.#options.responder.common(
      ex.now,
      ex.requestId,
      ex.bucket,
      ex.overConcurrency,
    );
    const all: string[] = [];
    for (let i = 0; i < common.length; i += 2) {
      if (common[i] !== 'Cache-Control') all.push(common[i] as string, common[i + 1] as string);
    }
    all.push('Cache-Control', 'no-store', 'Pragma', 'no-cache', ...headers);
    all.push('Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(text)));
    ex.res.writeHead(status, all);
    ex.res.end(text);
  }
}
