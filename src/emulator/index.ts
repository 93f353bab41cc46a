// Public entry point of the embedded Okta Sessions emulator (`okta-sessions/emulator`).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { CredentialChecker } from './credential-check.js';
import { HttpDateCache } from './clock.js';
import { Cors } from './cors.js';
import { createHandlers } from './handlers.js';
import { Responder } from './http.js';
import { idSequence, newOktaId } from './ids.js';
import { FixedWindowLimiter } from './fixed-window-limiter.js';
import { Router } from './router.js';
import { createPipeline, handleClientErrors } from './server.js';
import { SessionStore } from './store.js';

/**
 * The rate limit of the emulator: one fixed window shared by all requests (CORS preflights are
 * not counted). Windows are aligned to the epoch; `X-Rate-Limit-Reset` is the end of the
 * current window in epoch seconds.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ rateLimit: { limit: 2, windowSeconds: 60 } });
 * // the third request within the same minute answers 429 E0000047
 * ```
 */
export interface EmulatorRateLimit {
  /** Requests allowed per window (0 makes every request answer 429). */
  readonly limit: number;
  /** Length of a window in whole seconds. */
  readonly windowSeconds: number;
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
  /** Rate limit; default 10,000 requests per 60 s window. */
  readonly rateLimit?: EmulatorRateLimit | undefined;
  /** Origins allowed to call the `/api/v1/sessions/me` operations with credentials (CORS). */
  readonly corsOrigins?: readonly string[] | undefined;
  /** Largest accepted request body in bytes; default 16 KiB. Larger bodies get 400 E0000003. */
  readonly maxBodyBytes?: number | undefined;
  /** The clock, in ms since the epoch; default `Date.now`. Drives expiry, `Date` and rate windows. */
  readonly now?: (() => number) | undefined;
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
  /** The API token it accepts (`Authorization: SSWS <apiToken>`). */
  readonly apiToken: string;
  /** Issues a one-time session token, as the Authentication API would after a sign-in. */
  issueSessionToken(user?: SessionTokenRequest): string;
  /** Stops the server and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number`);
  return value;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts an in-memory Okta Sessions API on node:http: all seven session operations of
 * `spec/okta-sessions.yaml`, with Okta's error bodies, rate-limit headers and CORS for the
 * `/me` operations.
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
  const now = options.now ?? Date.now;
  const rate = options.rateLimit ?? { limit: 10_000, windowSeconds: 60 };
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes ?? 16 * 1024);

  let baseUrl = '';
  const store = new SessionStore({
    sessionTtlMs: positive('sessionTtlSeconds', options.sessionTtlSeconds ?? 7200) * 1000,
    sessionTokenTtlMs:
      positive('sessionTokenTtlSeconds', options.sessionTokenTtlSeconds ?? 300) * 1000,
    orgId: newOktaId('00o'),
    now,
    baseUrl: () => baseUrl,
  });
  const limiter = new FixedWindowLimiter(rate.limit, rate.windowSeconds);
  const responder = new Responder(limiter, new HttpDateCache(), idSequence('oae'));
  const deps = {
    router: new Router(),
    handlers: createHandlers({ store, responder, maxBodyBytes }),
    credentialChecker: new CredentialChecker(apiToken, options.accessTokens ?? {}),
    limiter,
    cors: new Cors(options.corsOrigins ?? []),
    responder,
    now,
    nextRequestId: idSequence(),
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
  baseUrl = `http://${urlHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    apiToken,
    issueSessionToken: (user) => store.issueToken(user),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
