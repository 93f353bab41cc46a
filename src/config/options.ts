// The client's options: their types, and the checks the constructor runs before any I/O. What
// only servers use (private-key auth, proxies) is checked by the runtime's functions, which the
// entry points take from `#platform` (config/service-app.ts, config/proxy.ts), so that browser
// bundles leave them out. A pure function of its inputs: no module state, no `#platform`.
import type { ResolvedProxy } from '../transport/undici.js';
import { fail } from '../errors/config-error.js';
import type { ServiceAppConfig } from '../oauth/service-app.js';
import { checkOrgUrl } from './org-url.js';
import type { RouteId } from '../model/operations.js';
import { assertHeaders, headerNotAllowed, MAX_TIMER_MS, tokenProblem } from '../model/validate.js';
import type { RateLimitStore } from '../rate-limit/store.js';

/**
 * A bearer access token, or a function that returns a fresh one for each request.
 *
 * @example
 * ```ts
 * const accessToken: AccessTokenSource = async () => (await tokenCache.get()).access_token;
 * ```
 */
export type AccessTokenSource = string | (() => string | Promise<string>);

/**
 * A private key as a `node:crypto` `KeyObject` (structurally, so browser typings need no Node types).
 *
 * @example
 * ```ts
 * import { createPrivateKey } from 'node:crypto';
 * import { readFileSync } from 'node:fs';
 *
 * const privateKey: KeyObjectLike = createPrivateKey(readFileSync('okta-service.pem'));
 * ```
 */
export interface KeyObjectLike {
  /** `'private'` for a usable key; `'public'` and `'secret'` keys are refused. */
  readonly type: string;
  /** The key's algorithm family, e.g. `'rsa'` or `'ec'`. */
  readonly asymmetricKeyType?: string | undefined;
}

/**
 * A service app's key that never leaves a KMS or an HSM: the client hands `sign` the bytes of
 * each client assertion (the JWS signing input, nothing else) and puts the signature it returns
 * in the assertion. Told apart from a JWK by its `sign` function. For ES256/384/512 it may
 * return DER (what AWS KMS and Google Cloud KMS return) or the raw r‖s of JWS (ES512: 132
 * bytes). Okta documents RS256/384/512 and ES256/384/512 for client assertions; PS256/384/512
 * are for authorization servers that take them. Its failures are `OktaConfigError`s (its error
 * in `cause`), and a `sign` that never settles ends at the token request's `timeoutMs`. The DPoP
 * proof key stays a local one the client makes. Examples for AWS KMS and Google Cloud KMS: the
 * repository's docs/auth.md.
 *
 * @example
 * ```ts
 * import { createPrivateKey, sign } from 'node:crypto';
 * import { readFileSync } from 'node:fs';
 *
 * // Stands in for a KMS: node:crypto signs ES256 in DER unless told otherwise.
 * const key = createPrivateKey(readFileSync('okta-service.pem'));
 * const privateKey: PrivateKeySigner = {
 *   alg: 'ES256',
 *   keyId: 'my-kid',
 *   sign: async (data) => sign('sha256', data, key),
 * };
 * const okta = new OktaSessions({ orgUrl: 'https://acme.okta.com', clientId: '0oa1b2c3d4', privateKey });
 * ```
 */
export interface PrivateKeySigner {
  /** The algorithm of the signer's key, the assertion's `alg`. */
  readonly alg:
    'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';
  /** The key's `kid` registered with the app; the `keyId` option wins over it. */
  readonly keyId?: string | undefined;
  /** Signs `data` (hashing it as `alg` says) and resolves to the signature. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * A service app's private key: PEM (PKCS#8, PKCS#1 RSA or SEC1 EC), a private JWK as an object
 * or a JSON string, a `KeyObject`, or a {@link PrivateKeySigner} for a key in a KMS or an HSM.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 *
 * const privateKey: PrivateKeySource = readFileSync('okta-service.pem', 'utf8');
 * ```
 */
export type PrivateKeySource =
  string | Readonly<Record<string, unknown>> | KeyObjectLike | PrivateKeySigner;

/**
 * Options of {@link OktaSessions}.
 *
 * @example
 * ```ts
 * const options: OktaSessionsOptions = { orgUrl: 'https://acme.okta.com', apiToken: process.env.OKTA_API_TOKEN };
 * ```
 */
export interface OktaSessionsOptions {
  /**
   * Your org's URL, e.g. `https://acme.okta.com` or `new URL('https://acme.okta.com')` (no path;
   * `http://` only for loopback hosts).
   */
  orgUrl: string | URL;
  /** An Okta API token, sent as `Authorization: SSWS <token>`. Give this or `accessToken`. */
  apiToken?: string | undefined;
  /** An OAuth 2.0 access token (or a function returning one), sent as `Authorization: Bearer <token>`. */
  accessToken?: AccessTokenSource | undefined;
  /**
   * The client id of an OAuth 2.0 service app (private-key JWT auth). Give it with `privateKey`
   * instead of `apiToken`/`accessToken`; the client then gets and renews access tokens itself.
   */
  clientId?: string | undefined;
  /**
   * The service app's private key (PEM, JWK object or JSON string, or a `KeyObject`), or a
   * {@link PrivateKeySigner} for a key in a KMS or an HSM. Server-side only.
   */
  privateKey?: PrivateKeySource | undefined;
  /** The key id (`kid`) of `privateKey` registered with the app; default: the JWK's own `kid`. */
  keyId?: string | undefined;
  /**
   * Scopes to request; default: the session operations' (`okta.sessions.read`,
   * `okta.sessions.manage`). revokeUserSessions needs `okta.users.manage` here too.
   */
  scopes?: readonly string[] | undefined;
  /**
   * As in the official SDKs: `'SSWS'` (apiToken), `'Bearer'` (accessToken) or `'PrivateKey'`
   * (clientId + privateKey); inferred when left out.
   */
  authorizationMode?: 'SSWS' | 'PrivateKey' | 'Bearer' | undefined;
  /**
   * Request DPoP-bound tokens (RFC 9449) for private-key auth, proving possession of a per-client
   * key on every request. Default true; Okta requires it for new API service apps.
   */
  dpop?: boolean | undefined;
  /** A WHATWG `fetch` to use instead of the built-in transport. It receives one `Request`. */
  fetch?: typeof globalThis.fetch;
  /** Your application's name/version, put in front of the package's own `User-Agent`. */
  userAgent?: string;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Retry settings. */
  retry?: RetryOptions;
  /**
   * Hold requests back to Okta's rate limits: each request takes a slot of its bucket's window,
   * first come first served, and waits for it; a call whose slot would be later than
   * `maxWaitMs` fails at once with `OktaThrottleError`, unsent. Default false. `true` keeps the
   * windows in this process's memory; `{ store }` keeps them in a store shared by many clients
   * or processes, e.g. `redisRateLimitStore()` from `okta-sessions/redis`.
   */
  throttle?: boolean | ThrottleOptions;
  /**
   * Called before each retry, e.g. for logging or metrics. It may be async; whatever it throws
   * or rejects with is ignored, so it never changes the outcome of the call.
   */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Called when something degrades without failing a call, e.g. a rate-limit store that threw
   * or did not answer and was replaced by this process's memory. Default: Node's
   * `process.emitWarning` (type `OktaSessionsWarning`), or nothing where there is no `process`.
   * Like `onRetry`, it never changes the outcome of a call.
   */
  onWarning?: (warning: OktaWarning) => void;
  /**
   * Where the client logs what it does (console, winston and the like take it as is; pino
   * through a one-line adapter, see docs/observability.md). Default: no logging. Every line is
   * scrubbed: no credential, cookie, session id or body.
   */
  logger?: OktaLogger | undefined;
  /**
   * The least severe level logged: `debug` (one line per attempt), `info` (retries), `warn`
   * (the default: warnings, a deprecated operation used, a rate-limit bucket below 10 % left),
   * `error`, or `silent`.
   */
  logLevel?: OktaLogLevel | undefined;
  /**
   * OpenTelemetry traces and metrics (docs/observability.md). Default: on Node, Deno, Bun and
   * workers, the global providers of `@opentelemetry/api` when it is installed (a no-op until an
   * SDK registers); `{ tracerProvider, meterProvider }` to pass your own; `false` to turn it off.
   * Not in browsers in this version.
   */
  telemetry?: false | OktaTelemetryOptions | undefined;
  /**
   * The `credentials` mode of the cookie (`/me`) operations. In browsers it defaults to
   * `'include'`, so the browser attaches the user's Okta cookie cross-origin. Setting
   * `'include'` also marks a cookie-only client, which needs no token.
   */
  credentials?: RequestCredentials;
  /** Headers added to every request. Credential headers cannot be set this way. */
  headers?: Record<string, string>;
  /**
   * The HTTP(S) proxy of the Node transport: a URL such as `'http://user:pass@proxy:8080'`
   * (every request goes through it), `false` (none, whatever the environment says), or the
   * variables' values as an object. Default: `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (or their
   * lowercase forms) from `process.env`, read when the client is built. Browsers, Deno, Bun and
   * a `fetch` you pass use their own proxy settings.
   */
  proxy?: string | false | ProxyEnv;
}

/**
 * A logger the client writes to: each method takes a message and an object of fields.
 *
 * @example
 * ```ts
 * // console takes (message, fields) as is; pino (pinoLogger = pino()) takes (fields, message):
 * const fromPino: OktaLogger = {
 *   debug: (m, f) => pinoLogger.debug(f, m),
 *   info: (m, f) => pinoLogger.info(f, m),
 *   warn: (m, f) => pinoLogger.warn(f, m),
 *   error: (m, f) => pinoLogger.error(f, m),
 * };
 * new OktaSessions({ orgUrl, apiToken, logger: fromPino, logLevel: 'debug' });
 * ```
 */
export interface OktaLogger {
  /** One line per attempt. */
  debug(message: string, fields: object): void;
  /** A retry. */
  info(message: string, fields: object): void;
  /** A warning, a deprecated operation used, a rate-limit bucket nearly spent. */
  warn(message: string, fields: object): void;
  /** Not written by this version; part of the shape loggers share. */
  error(message: string, fields: object): void;
}

/**
 * The `telemetry` option: the OpenTelemetry API and providers, and whether to send
 * `traceparent` to Okta.
 *
 * @example
 * ```ts
 * import * as api from '@opentelemetry/api';
 * const telemetry: OktaTelemetryOptions = {
 *   api,
 *   tracerProvider: api.trace.getTracerProvider(),
 *   meterProvider: api.metrics.getMeterProvider(),
 * };
 * ```
 */
export interface OktaTelemetryOptions {
  /**
   * The `@opentelemetry/api` module (`import * as api from '@opentelemetry/api'`). Servers
   * find it themselves when it is installed; a browser page, or a server bundle that leaves
   * node_modules behind, passes it, since the client never imports it by a name a bundler
   * would follow. Browsers trace only with it.
   */
  api?:
    | {
        /** The API's `trace`. */
        trace: {
          /** The global tracer provider. */
          getTracerProvider(): unknown;
        };
        /** The API's `context`. */
        context: {
          /** The active context. */
          active(): unknown;
        };
      }
    | undefined;
  /** Where spans go; default the global one of `@opentelemetry/api`. */
  tracerProvider?:
    | {
        /** A tracer by instrumentation name (the client's is `okta-sessions`). */
        getTracer(name: string, version?: string): unknown;
      }
    | undefined;
  /** Where metrics go; default the global one of `@opentelemetry/api`. */
  meterProvider?:
    | {
        /** A meter by instrumentation name (the client's is `okta-sessions`). */
        getMeter(name: string, version?: string): unknown;
      }
    | undefined;
  /**
   * Send the W3C `traceparent` (and the global propagator's other headers) to Okta. Default
   * false: Okta has no use for your trace ids.
   */
  propagate?: boolean | undefined;
}

/**
 * The least severe level a client logs.
 *
 * @example
 * ```ts
 * const logLevel: OktaLogLevel = process.env.DEBUG ? 'debug' : 'warn';
 * ```
 */
export type OktaLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * The `throttle` option as an object; see docs/rate-limits.md.
 *
 * @example
 * ```ts
 * // A web request handler: shed load after 5 s rather than hold the user for a minute.
 * const throttle: ThrottleOptions = { maxWaitMs: 5_000 };
 * new OktaSessions({ orgUrl, apiToken, throttle });
 * ```
 */
export interface ThrottleOptions {
  /** Where the windows live. Default: this process's memory (`memoryRateLimitStore()`). */
  store?: RateLimitStore | undefined;
  /**
   * The longest a call waits for a rate-limit slot, in milliseconds; a call whose slot would
   * be later fails at once with `OktaThrottleError`, without sending. Default 61 000: one of
   * Okta's 60 s windows plus its documented 1 s margin, so a call waits for the next window
   * but never for the one after. Not capped by `retry.maxDelayMs`.
   */
  maxWaitMs?: number | undefined;
}

/**
 * Proxy settings as the `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` variables give them.
 *
 * @example
 * ```ts
 * const proxy: ProxyEnv = { httpsProxy: 'http://proxy.corp:3128', noProxy: 'localhost,.internal' };
 * ```
 */
export interface ProxyEnv {
  /** The proxy for `https://` origins. */
  httpsProxy?: string | undefined;
  /** The proxy for `http://` origins. */
  httpProxy?: string | undefined;
  /** Hosts reached directly: comma- or space-separated, `*`, `.example.com`, `host:port`. */
  noProxy?: string | undefined;
}

/** The validated, normalised configuration the client runs on. */
export interface ResolvedConfig {
  orgUrl: string;
  credential:
    | { scheme: 'apiToken'; token: string }
    | { scheme: 'oauth2'; token: AccessTokenSource }
    | { scheme: 'oauth2'; token: undefined; serviceApp: ServiceAppConfig }
    | undefined;
  timeoutMs: number;
  maxRetries: number;
  maxDelayMs: number;
  /** The `throttle` option's store and cap; undefined when it is off. */
  throttle: { store: RateLimitStore | undefined; maxWaitMs: number } | undefined;
  /** The Node transport's proxy; undefined for none. */
  proxy: ResolvedProxy | undefined;
}

/**
 * How configuration errors name each setting and say where to set the org URL: option names
 * for the constructor, flags for the CLI, variables and okta.yaml keys for fromEnv/fromConfig.
 */
export interface ConfigNames {
  orgUrl: string;
  apiToken: string;
  accessToken: string;
  timeoutMs: string;
  /** A service app's client id and private key (default: the option names). */
  clientId?: string;
  privateKey?: string;
  /** The fix for a missing org URL. */
  orgUrlFix: string;
}

const OPTION_NAMES: ConfigNames = {
  orgUrl: 'orgUrl',
  apiToken: 'apiToken',
  accessToken: 'accessToken',
  timeoutMs: 'timeoutMs',
  orgUrlFix: 'Pass your org URL, e.g. { orgUrl: "https://acme.okta.com" }',
};

function checkToken(name: string, value: string): string {
  if (value.includes('{apiToken}') || value.includes('{accessToken}')) {
    fail(`${name} still contains a placeholder`, `Replace it with a real ${name}`);
  }
  const problem = tokenProblem(value);
  if (problem) {
    fail(
      `${name} ${problem}`,
      'Pass the bare token as issued (no scheme; check for a stray newline if it was read from a file)',
    );
  }
  return value;
}

function checkPositive(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    // Only a number is shown: anything else may be a secret given to the wrong setting.
    const got = typeof value === 'number' ? String(value) : kindOf(value);
    fail(`${name} must be a number from ${min} to ${MAX_TIMER_MS}`, `Got ${got}`);
  }
  return value;
}

const AUTHORIZATION_MODES = new Set(['SSWS', 'Bearer', 'PrivateKey']);
/** Most verbose first: a level logs itself and everything after it. */
export const LOG_LEVELS: readonly OktaLogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** A value's kind for a message ("a string", "an object", "null"), never its content. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'undefined' ? 'undefined' : type === 'object' ? 'an object' : `a ${type}`;
}

/**
 * What a message may say of an unknown `authorizationMode`: never its text, which may be a
 * token put in the wrong setting, unless it is a known mode in the wrong letter case.
 */
export function describeMode(value: unknown): string {
  if (typeof value !== 'string') return `got ${kindOf(value)}`;
  const wanted = value.trim().toLowerCase();
  const known = [...AUTHORIZATION_MODES].find((mode) => mode.toLowerCase() === wanted);
  return known
    ? `got "${value}": modes are case-sensitive, did you mean "${known}"?`
    : `got ${value.length} characters, not shown in case they are a secret`;
}

/** Validates options once, in the constructor, so that bad configuration never reaches the wire. */
/** What the checks need of the runtime (the platform, `src/platform/`). */
export interface ConfigRuntime {
  /** Browsers refuse private keys and use their own proxy settings. */
  isBrowser: boolean;
  /** Checks private-key auth settings (config/service-app.ts); absent in browsers. */
  serviceAppConfig?:
    ((options: OktaSessionsOptions, names: ConfigNames) => ServiceAppConfig) | undefined;
  /** The proxy of the `proxy` option or the environment (config/proxy.ts); absent in browsers. */
  proxyOf?:
    | ((setting: OktaSessionsOptions['proxy'], browser: boolean) => ResolvedProxy | undefined)
    | undefined;
}

export function resolveConfig(
  options: OktaSessionsOptions,
  runtime: ConfigRuntime,
  names: ConfigNames = OPTION_NAMES,
): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    fail('options are required', 'Pass { orgUrl, apiToken } or { orgUrl, accessToken }');
  }
  const orgUrl = checkOrgUrl(options.orgUrl, names);
  const { apiToken, accessToken, authorizationMode } = options;
  const privateKeyAuth =
    options.clientId !== undefined ||
    options.privateKey !== undefined ||
    authorizationMode === 'PrivateKey';
  const given = [
    apiToken !== undefined && names.apiToken,
    accessToken !== undefined && names.accessToken,
    privateKeyAuth && 'clientId + privateKey',
  ].filter(Boolean);
  if (given.length > 1) {
    fail(`Both ${given.join(' and ')} were given`, 'Pass exactly one credential');
  }
  if (authorizationMode !== undefined && !AUTHORIZATION_MODES.has(authorizationMode)) {
    fail(
      `authorizationMode is unknown (${describeMode(authorizationMode)})`,
      'Use "SSWS" (apiToken), "Bearer" (accessToken) or "PrivateKey" (clientId + privateKey), or leave it out',
    );
  }
  if (authorizationMode === 'SSWS' && apiToken === undefined) {
    fail('authorizationMode "SSWS" needs apiToken', 'Pass apiToken, or use "PrivateKey"');
  }
  if (authorizationMode === 'Bearer' && accessToken === undefined) {
    fail(
      'authorizationMode "Bearer" needs an OAuth 2.0 access token',
      `Pass it as ${names.accessToken} (okta.yaml and OKTA_CLIENT_TOKEN give it as token), or use "PrivateKey" for a service app`,
    );
  }
  let credential: ResolvedConfig['credential'];
  if (privateKeyAuth) {
    if (runtime.isBrowser || !runtime.serviceAppConfig) {
      fail(
        'Private-key auth (clientId + privateKey) is refused in browsers: a private key never belongs in a page',
        'Keep the service app on your server, or use the /me operations with credentials: "include"',
      );
    }
    credential = {
      scheme: 'oauth2',
      token: undefined,
      serviceApp: runtime.serviceAppConfig(options, names),
    };
  } else if (apiToken !== undefined) {
    if (typeof apiToken !== 'string') fail('apiToken must be a string', 'Pass the token text');
    credential = { scheme: 'apiToken', token: checkToken(names.apiToken, apiToken) };
  } else if (accessToken !== undefined) {
    if (typeof accessToken === 'string') {
      credential = { scheme: 'oauth2', token: checkToken(names.accessToken, accessToken) };
    } else if (typeof accessToken === 'function') {
      credential = { scheme: 'oauth2', token: accessToken };
    } else {
      fail(
        'accessToken must be a string or a function',
        'Pass the token or a function returning it',
      );
    }
  } else if (options.credentials !== 'include' && !runtime.isBrowser) {
    // A browser page needs no token for the /me operations: the browser sends the cookie.
    fail(
      'No credential given',
      `Pass an Okta API token as ${names.apiToken}, an OAuth 2.0 access token as ${names.accessToken}, or a service app's ${names.clientId ?? 'clientId'} + ${names.privateKey ?? 'privateKey'}; a client that only uses the /me operations can pass credentials: "include" instead`,
    );
  }
  assertHeaders(options.headers, 'headers');
  const notAllowed = headerNotAllowed(options.headers);
  if (notAllowed) {
    fail(`headers must not set ${notAllowed.name}`, notAllowed.fix);
  }
  const { logger, logLevel } = options;
  if (
    logger !== undefined &&
    (typeof logger !== 'object' ||
      logger === null ||
      !(['debug', 'info', 'warn', 'error'] as const).every((m) => typeof logger[m] === 'function'))
  ) {
    fail(
      'logger must have debug, info, warn and error methods',
      'Pass console, winston, or an adapter (docs/observability.md)',
    );
  }
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
    fail(`logLevel "${String(logLevel)}" is unknown`, `Use ${LOG_LEVELS.join(', ')}`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    fail('fetch must be a function', 'Pass a WHATWG fetch implementation');
  }
  return {
    orgUrl,
    credential,
    timeoutMs: checkPositive(names.timeoutMs, options.timeoutMs, 30_000, 1),
    maxRetries: Math.floor(checkPositive('retry.maxRetries', options.retry?.maxRetries, 2, 0)),
    maxDelayMs: checkPositive('retry.maxDelayMs', options.retry?.maxDelayMs, 60_000, 0),
    throttle: throttleOf(options.throttle),
    // Browsers use their own proxy settings; the option is for the Node transport.
    proxy: runtime.proxyOf?.(options.proxy, runtime.isBrowser),
  };
}

/** The default `throttle.maxWaitMs`: Okta's 60 s window plus its documented 1 s margin. */
const DEFAULT_MAX_WAIT_MS = 61_000;

function throttleOf(option: OktaSessionsOptions['throttle']): ResolvedConfig['throttle'] {
  if (option === undefined || option === false) return undefined;
  // No store: the throttle keeps the windows in memory (it loads on demand; see client-parts).
  if (option === true) return { store: undefined, maxWaitMs: DEFAULT_MAX_WAIT_MS };
  if (typeof option !== 'object' || option === null) {
    fail('throttle must be true, false or { store, maxWaitMs }', THROTTLE_FIX);
  }
  const s = option.store as Partial<RateLimitStore> | undefined;
  if (s !== undefined && (typeof s?.reserve !== 'function' || typeof s.record !== 'function')) {
    fail('throttle.store must be a RateLimitStore', THROTTLE_FIX);
  }
  return {
    store: option.store,
    maxWaitMs: checkPositive('throttle.maxWaitMs', option.maxWaitMs, DEFAULT_MAX_WAIT_MS, 0),
  };
}

const THROTTLE_FIX =
  'Pass a RateLimitStore (with reserve and record), e.g. redisRateLimitStore() from okta-sessions/redis';

/**
 * What {@link OktaSessions} reports before each retry. Contains no secrets.
 *
 * @example
 * ```ts
 * const onRetry = (info: RetryInfo) =>
 *   logger.warn({ ...info }, `retrying ${info.operationId} in ${info.delayMs} ms (${info.reason})`);
 * ```
 */
export interface RetryInfo {
  /** The operation being retried, e.g. `getSession`; `getAccessToken` for a service app's token request. */
  operationId: RouteId;
  /** 1 for the first retry, 2 for the second... */
  attempt: number;
  /** How long the client waits before the retry. */
  delayMs: number;
  /** The status that caused the retry; undefined for network failures. */
  status?: number;
  /** `X-Okta-Request-Id` of the failed attempt, if any. */
  requestId?: string;
  /** Why the call is retried. */
  reason: 'rate-limit' | 'server-error' | 'network' | 'timeout';
}

/**
 * Retry settings; see the README's retry table for what is retried.
 *
 * @example
 * ```ts
 * new OktaSessions({ orgUrl, apiToken, retry: { maxRetries: 0 } }); // never retry
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2; 0 turns retrying off. */
  maxRetries?: number;
  /**
   * Upper bound on any single wait before a retry, in milliseconds. Default 60 000. The
   * throttle's wait for a slot has its own cap, `throttle.maxWaitMs`.
   */
  maxDelayMs?: number;
}

/**
 * Something that degraded without failing a call: a rate-limit store that failed and was
 * replaced by memory, for instance. Contains no secrets.
 *
 * @example
 * ```ts
 * const onWarning = (warning: OktaWarning) => logger.warn({ code: warning.code }, warning.message);
 * ```
 */
export interface OktaWarning {
  /** A stable identifier, e.g. `OKTA_SESSIONS_STORE_FAILED`. */
  code: string;
  /** What happened and what the client does about it. */
  message: string;
}
