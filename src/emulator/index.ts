// Public entry point of the embedded Okta Sessions emulator (`okta-sessions/emulator`).
/**
 * An in-memory Okta Sessions API on `node:http` for tests and local development:
 * {@link startEmulator}.
 *
 * @packageDocumentation
 * @module okta-sessions/emulator
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createAdmin } from './admin.js';
import { CredentialChecker } from './credential-check.js';
import { createAuthnHandlers } from './authn.js';
import { HttpDateCache, OffsetClock, type EmulatorClock } from './clock.js';
import { Cors } from './cors.js';
import { createHandlers, type UserSessionsRevocation } from './handlers.js';
import { Responder } from './http.js';
import { FaultBook, type EmulatorFaults } from './faults.js';
import { errorIdSequence, idSequence, newOktaId } from './ids.js';
import { Journal, type EmulatorRequest } from './journal.js';
import { ConcurrencyGate, createBuckets } from './rate-limit-buckets.js';
import { OAuthServer, TOKEN_PATH, type EmulatorServiceApp } from './oauth-token.js';
import { Router } from './router.js';
import { operations } from '../../generated/operations.js';
import { createPipeline, handleClientErrors, type ExtraRoute } from './server.js';
import { SessionStore } from './store.js';
import { UnknownValuesResponder } from './unknown-values.js';

export type { EmulatorServiceApp } from './oauth-token.js';
export type { UserSessionsRevocation } from './handlers.js';
export type { EmulatorRequest } from './journal.js';
export type { EmulatorClock } from './clock.js';
export type {
  EmulatorFault,
  EmulatorFaultAction,
  EmulatorFaults,
  EmulatorFaultStatus,
} from './faults.js';

/**
 * The rate limit of the emulator, applied as Okta applies its own: one bucket per endpoint
 * group (the by-id operations and createSession share one, the `/me` operations have another,
 * revokeUserSessions is in the users endpoints' one, `/api/v1/authn` and
 * `/login/sessionCookieRedirect` one each), each allowing `limit` requests
 * per window. A bucket's window starts with its first request, so resets are not aligned to
 * the minute; `X-Rate-Limit-Reset` is the end of the window in epoch seconds. CORS preflights
 * are not counted. The default, 600 per 60 s, is Okta's `/api/v1/sessions` limit for One App
 * and Enterprise orgs; Integrator Free orgs get 100, Workforce 750.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ rateLimit: { limit: 120, windowSeconds: 10, concurrency: 4 } });
 * // the 121st session request within 10 s answers 429 E0000047
 * ```
 */
export interface EmulatorRateLimit {
  /** Requests allowed per window and bucket (0 makes every request answer 429). */
  readonly limit: number;
  /** Length of a window in whole seconds. */
  readonly windowSeconds: number;
  /**
   * Requests the emulator serves at once; more answer 429 E0000047 with
   * `X-Rate-Limit-Limit: 0` and `X-Rate-Limit-Remaining: 0`, as Okta's concurrency limit does.
   * Default: no cap.
   */
  readonly concurrency?: number | undefined;
  /**
   * When windows start: `'first-request'` (the default, as Okta's do: a bucket's window starts
   * with its first request after the last one ended) or `'aligned'` (every boundary a multiple
   * of `windowSeconds` since the epoch, as some gateways count), to test a client at both.
   */
  readonly windows?: 'first-request' | 'aligned' | undefined;
}

/**
 * A user who can sign in through `POST /api/v1/authn` (and so get a session token without
 * {@link Emulator.issueSessionToken}, from any language).
 *
 * @example
 * ```ts
 * const emu = await startEmulator({
 *   users: [{ login: 'dana.lee@example.com', password: 'correct-horse-battery-staple' }],
 * });
 * ```
 */
export interface EmulatorUser {
  /** The login (`username` in the authn request); unique, compared case-insensitively. */
  readonly login: string;
  /** The password. */
  readonly password: string;
  /** The user's id; default: a random `00u…` id. */
  readonly userId?: string | undefined;
}

/**
 * Options of {@link startEmulator}. All are optional.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({
 *   port: 0,
 *   apiToken: 'test-token',
 *   accessTokens: { 'at-read': ['okta.sessions.read'] },
 *   corsOrigins: ['http://localhost:5173'],
 * });
 * ```
 */
export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number | undefined;
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** The API token accepted as `Authorization: SSWS <apiToken>`; default: a random one. */
  readonly apiToken?: string | undefined;
  /** Bearer access tokens and the OAuth 2.0 scopes each one grants. */
  readonly accessTokens?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Session lifetime after creation or the last refresh; default 7200 s. */
  readonly sessionTtlSeconds?: number | undefined;
  /** How long an unused session token stays valid; default 300 s. */
  readonly sessionTokenTtlSeconds?: number | undefined;
  /** Rate limits; default 600 requests per 60 s window in each bucket, no concurrency cap. */
  readonly rateLimit?: EmulatorRateLimit | undefined;
  /**
   * Origins allowed to call the `/api/v1/sessions/me` operations and `/api/v1/authn` with
   * credentials (CORS), and to be the `redirectUrl` of `/login/sessionCookieRedirect`.
   */
  readonly corsOrigins?: readonly string[] | undefined;
  /** Users who can sign in with `POST /api/v1/authn`; default none. */
  readonly users?: readonly EmulatorUser[] | undefined;
  /** Largest accepted request body in bytes; default 16 KiB. Larger bodies get 400 E0000003. */
  readonly maxBodyBytes?: number | undefined;
  /**
   * OAuth 2.0 service apps by client id (`{ jwks, scopes, dpop? }`): `POST /oauth2/v1/token`
   * then issues access tokens for private-key JWT client authentication. Default: none.
   *
   * DPoP is per app and off by default (`dpop: false`): such an app issues Bearer tokens and
   * ignores a DPoP proof, so a client with its default `dpop: true` still works against it. Set
   * `dpop: true` to do as Okta does for new API service apps: a proof is required, with the
   * nonce dance, and tokens are DPoP-bound (`okta-sessions emulator --client-id` sets it unless
   * `--no-dpop`).
   */
  readonly clients?: Readonly<Record<string, EmulatorServiceApp>> | undefined;
  /**
   * Lifetime of the access tokens `POST /oauth2/v1/token` issues, in seconds (by the
   * emulator's clock, `now`); default 3600, Okta's. A call with an expired token answers 401.
   */
  readonly accessTokenTtlSeconds?: number | undefined;
  /** How often the DPoP nonce changes, in seconds; default 86 400 (Okta: 24 h). */
  readonly dpopNonceRotateSeconds?: number | undefined;
  /** Require the DPoP nonce on the session endpoints too (RFC 9449 §9); default false, as Okta. */
  readonly dpopResourceNonce?: boolean | undefined;
  /**
   * The clock, in ms since the epoch; default `Date.now`. Drives expiry, `Date` and rate
   * windows, plus whatever {@link Emulator.clock} advanced it by.
   */
  readonly now?: (() => number) | undefined;
  /**
   * Adds what a later Okta may send to every JSON body, errors included: a value no open enum
   * of the spec lists and a property no schema declares, at every level. For proving that a
   * client (a generated one, say) survives them; default false.
   */
  readonly unknownValues?: boolean | undefined;
  /**
   * Turns on the HTTP admin API under `/__emulator/` (scripted faults, the request journal,
   * reset, the clock; `spec/okta-emulator-admin.yaml`), answered only to
   * `Authorization: Bearer <adminToken>`. Without it those paths answer 404 like any unknown
   * path. The JavaScript API ({@link Emulator.faults}, ...) needs no token.
   */
  readonly adminToken?: string | undefined;
  /**
   * The origin the emulator calls its own (`http://okta.test:8080`), when clients reach it at
   * another address than it listens on (Docker port mapping, a compose service name): client
   * assertions' `aud` and DPoP proofs' `htu` must name it, session links use it, and
   * `sessionCookieRedirect` may redirect to it. Never taken from the `Host` header. Default:
   * the URL it listens on.
   */
  readonly publicUrl?: string | undefined;
}

/**
 * Whom {@link Emulator.issueSessionToken} issues a session token for.
 *
 * @example
 * ```ts
 * const token = emu.issueSessionToken({ login: 'dana.lee@example.com' });
 * ```
 */
export interface SessionTokenRequest {
  /** The user's login; default `user<n>@example.com`. */
  readonly login?: string | undefined;
  /** The user's id; default: a random `00u…` id, the same for the same login. */
  readonly userId?: string | undefined;
}

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ apiToken: 'test-token' });
 * const res = await fetch(`${emu.url}/api/v1/sessions`, {
 *   method: 'POST',
 *   headers: { Authorization: `SSWS ${emu.apiToken}`, 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ sessionToken: emu.issueSessionToken() }),
 * });
 * await emu.close();
 * ```
 */
export interface Emulator {
  /** Base URL of the emulated org, e.g. `http://127.0.0.1:49152` (no trailing slash). */
  readonly url: string;
  /** The origin it calls its own: the `publicUrl` option, or {@link Emulator.url}. */
  readonly publicUrl: string;
  /** The API token it accepts (`Authorization: SSWS <apiToken>`). */
  readonly apiToken: string;
  /** Issues a one-time session token, as the Authentication API would after a sign-in. */
  issueSessionToken(user?: SessionTokenRequest): string;
  /**
   * Scripted faults: make the next matching requests answer 429, 503, slowly, with a reset
   * connection... (`POST /__emulator/faults` over HTTP).
   */
  readonly faults: EmulatorFaults;
  /**
   * Makes the current DPoP nonce stale now, as Okta's rotation does; the next proof gets a new
   * one. A shorthand: `faults.add({ action: { kind: 'dpop-nonce' } })` challenges one request.
   */
  rotateDpopNonce(): void;
  /**
   * Revokes every access token the emulator issued (calls with them answer 401). A shorthand:
   * an `access-token` fault revokes the token of just the requests it matches.
   */
  revokeAccessTokens(): void;
  /**
   * The revokeUserSessions requests it served, oldest first, with `oauthTokens` and
   * `forgetDevices` as sent. It records them and models neither: it issues no OAuth tokens to
   * users and remembers no devices.
   */
  userSessionsRevocations(): readonly UserSessionsRevocation[];
  /**
   * Every request it saw (admin API requests excepted), oldest first, up to the last 10 000:
   * operation, method, path template, query, the kind of credential, whether a cookie came,
   * the status answered, timestamps. Secrets are replaced by their kind.
   * `GET /__emulator/requests` over HTTP.
   */
  requests(): EmulatorRequest[];
  /**
   * Back to the state at start, between tests: no session, session token or access token, an
   * empty journal, no fault, fresh rate-limit windows and DPoP nonce, the clock's advances
   * undone. The users, tokens and options it was started with stay. `POST /__emulator/reset`.
   */
  reset(): void;
  /**
   * The emulator's clock: `advance(ms)` moves sessions, session tokens, access-token lifetimes
   * and rate-limit windows on (`POST /__emulator/clock`).
   */
  readonly clock: EmulatorClock;
  /** Stops the server and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number`);
  return value;
}

/** The `publicUrl` option as an origin without a trailing slash; a RangeError when it is not one. */
function publicOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError('publicUrl must be an absolute http(s) URL such as http://okta.test:8080');
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  )
    throw new RangeError('publicUrl must be an origin (scheme, host, port), without path or query');
  return url.origin;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts an in-memory Okta Sessions API on node:http: every operation of
 * `spec/okta-sessions.yaml` (the seven session operations and revokeUserSessions, which ends
 * every session of one of its users), with Okta's error bodies, rate-limit headers and CORS for the
 * `/me` operations; plus the Classic Engine endpoints `POST /api/v1/authn` (for `users`) and
 * `GET /login/sessionCookieRedirect`, so any language can get from a password to a session.
 *
 * @example
 * ```ts
 * import { startEmulator } from 'okta-sessions/emulator';
 *
 * const emu = await startEmulator({ port: 0, apiToken: 'test-token' });
 * const sessionToken = emu.issueSessionToken({ login: 'dana.lee@example.com' });
 * // ... point the client at emu.url ...
 * await emu.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const apiToken = options.apiToken ?? '00' + randomBytes(30).toString('base64url');
  if (apiToken === '') throw new RangeError('apiToken must not be empty');
  const signedNow = options.now ?? Date.now;
  const clock = new OffsetClock(signedNow);
  const now = clock.now;
  const adminToken = options.adminToken;
  if (adminToken !== undefined && (typeof adminToken !== 'string' || adminToken.length < 8))
    throw new RangeError('adminToken must be a string of at least 8 characters');
  const rate = options.rateLimit ?? { limit: 600, windowSeconds: 60 };
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes ?? 16 * 1024);

  const ownOrigin = options.publicUrl === undefined ? undefined : publicOrigin(options.publicUrl);
  // The listen URL until the server listens; what the emulator calls its own origin.
  let baseUrl = ownOrigin ?? '';
  const store = new SessionStore({
    sessionTtlMs: positive('sessionTtlSeconds', options.sessionTtlSeconds ?? 7200) * 1000,
    sessionTokenTtlMs:
      positive('sessionTokenTtlSeconds', options.sessionTokenTtlSeconds ?? 300) * 1000,
    orgId: newOktaId('00o'),
    now,
    baseUrl: () => baseUrl,
  });
  for (const user of options.users ?? []) {
    if (typeof user.login !== 'string' || user.login === '' || typeof user.password !== 'string')
      throw new RangeError('users: each user needs a non-empty login and a password');
    store.addUser(user);
  }
  const buckets = createBuckets(rate.limit, rate.windowSeconds, rate.windows === 'aligned');
  const revocations: UserSessionsRevocation[] = [];
  const responder = new (options.unknownValues === true ? UnknownValuesResponder : Responder)(
    new HttpDateCache(),
    errorIdSequence(),
  );
  const cors = new Cors(options.corsOrigins ?? []);
  const authn = createAuthnHandlers({
    store,
    responder,
    cors,
    maxBodyBytes,
    ownOrigin: () => baseUrl,
  });
  const credentialChecker = new CredentialChecker(apiToken, options.accessTokens ?? {});
  const oauth = new OAuthServer({
    clients: options.clients ?? {},
    responder,
    maxBodyBytes,
    tokenTtlSeconds: positive('accessTokenTtlSeconds', options.accessTokenTtlSeconds ?? 3600),
    nonceRotateSeconds: positive(
      'dpopNonceRotateSeconds',
      options.dpopNonceRotateSeconds ?? 86_400,
    ),
    resourceNonce: options.dpopResourceNonce === true,
    origin: () => baseUrl,
    scopesAllow: (id, granted) => credentialChecker.scopesAllow(id, granted),
  });
  const extraRoutes = new Map<string, ExtraRoute>([
    [
      TOKEN_PATH,
      {
        operationId: 'token',
        byMethod: new Map([['POST', (ex) => oauth.token(ex)]]),
        bucket: 'other',
        cors: false,
      },
    ],
    [
      '/api/v1/authn',
      {
        operationId: 'primaryAuthentication',
        byMethod: new Map([['POST', authn.authn]]),
        bucket: 'authn',
        cors: true,
      },
    ],
    [
      '/login/sessionCookieRedirect',
      {
        operationId: 'sessionCookieRedirect',
        byMethod: new Map([['GET', authn.sessionCookieRedirect]]),
        bucket: 'login',
        cors: false,
      },
    ],
  ]);
  const faults = new FaultBook([
    ...Object.keys(operations),
    ...[...extraRoutes.values()].map((route) => route.operationId),
  ]);
  const journal = new Journal();
  const reset = () => {
    clock.reset();
    store.reset();
    oauth.reset(now());
    for (const bucket of Object.values(buckets)) bucket.restart();
    revocations.length = 0;
    faults.clear();
    journal.clear();
  };
  const deps = {
    router: new Router(),
    handlers: createHandlers({ store, responder, maxBodyBytes, revocations }),
    extraRoutes,
    credentialChecker,
    oauth,
    buckets,
    concurrency: new ConcurrencyGate(rate.concurrency ?? Infinity),
    cors,
    responder,
    now,
    signedNow,
    nextRequestId: idSequence(),
    faults,
    journal,
    sessionOwner: (id: string) => store.userOf(id),
    admin:
      adminToken === undefined
        ? undefined
        : createAdmin({ token: adminToken, faults, journal, clock, reset, maxBodyBytes }),
  };

  const server = createServer({ keepAliveTimeout: 5_000 }, createPipeline(deps));
  handleClientErrors(server, deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${port}`;
  baseUrl = ownOrigin ?? url;

  let closing: Promise<void> | undefined;
  return {
    url,
    publicUrl: baseUrl,
    apiToken,
    issueSessionToken: (user) => store.issueToken(user),
    faults: {
      add: (fault) => faults.add(fault),
      clear: () => faults.clear(),
      list: () => faults.list(),
    },
    rotateDpopNonce: () => oauth.rotateNonce(now()),
    revokeAccessTokens: () => oauth.revokeAll(),
    userSessionsRevocations: () => [...revocations],
    requests: () => journal.list(),
    reset,
    clock: { now: clock.now, advance: (ms) => clock.advance(ms) },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
