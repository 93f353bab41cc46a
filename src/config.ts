import { routes } from '../generated/operations.js';
import { OktaConfigError } from './errors/config-error.js';
import { readPrivateKey } from './oauth/keys.js';
import type { ServiceAppConfig } from './oauth/service-app.js';
import type { RetryInfo, RetryOptions } from './retry.js';
import {
  assertHeaders,
  headerNotAllowed,
  headerValueProblem,
  MAX_TIMER_MS,
  tokenProblem,
} from './validate.js';

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
  readonly type: string;
  readonly asymmetricKeyType?: string | undefined;
}

/**
 * A service app's private key: PEM (PKCS#8, PKCS#1 RSA or SEC1 EC), a private JWK as an object
 * or a JSON string, or a `KeyObject`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 *
 * const privateKey: PrivateKeySource = readFileSync('okta-service.pem', 'utf8');
 * ```
 */
export type PrivateKeySource = string | Readonly<Record<string, unknown>> | KeyObjectLike;

/**
 * Options of {@link OktaSessions}.
 *
 * @example
 * ```ts
 * const options: OktaSessionsOptions = { orgUrl: 'https://acme.okta.com', apiToken: process.env.OKTA_API_TOKEN };
 * ```
 */
export interface OktaSessionsOptions {
  /** Your org's URL, e.g. `https://acme.okta.com` (no path; `http://` only for loopback hosts). */
  orgUrl: string;
  /** An Okta API token, sent as `Authorization: SSWS <token>`. Give this or `accessToken`. */
  apiToken?: string | undefined;
  /** An OAuth 2.0 access token (or a function returning one), sent as `Authorization: Bearer <token>`. */
  accessToken?: AccessTokenSource | undefined;
  /**
   * The client id of an OAuth 2.0 service app (private-key JWT auth). Give it with `privateKey`
   * instead of `apiToken`/`accessToken`; the client then gets and renews access tokens itself.
   */
  clientId?: string | undefined;
  /** The service app's private key (PEM, JWK object or JSON string, or a `KeyObject`). Server-side only. */
  privateKey?: PrivateKeySource | undefined;
  /** The key id (`kid`) of `privateKey` registered with the app; default: the JWK's own `kid`. */
  keyId?: string | undefined;
  /** Scopes to request; default: every scope the spec's operations declare. */
  scopes?: readonly string[] | undefined;
  /** As in the official SDK: `'SSWS'` (API token) or `'PrivateKey'`; inferred when left out. */
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
  /** Wait for the rate-limit window to reset once `X-Rate-Limit-Remaining` reaches 0. Default false. */
  throttle?: boolean;
  /** Called before each retry, e.g. for logging or metrics. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * The `credentials` mode of the cookie (`/me`) operations. In browsers it defaults to
   * `'include'`, so the browser attaches the user's Okta cookie cross-origin. Setting
   * `'include'` also marks a cookie-only client, which needs no token.
   */
  credentials?: RequestCredentials;
  /** Headers added to every request. Credential headers cannot be set this way. */
  headers?: Record<string, string>;
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
  throttle: boolean;
}

const ADMIN_DOMAIN = /-admin\.(okta|oktapreview|okta-emea|okta-gov|okta-mil|oktagov|okta\.mil)\./i;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function fail(problem: string, fix: string): never {
  throw new OktaConfigError(`${problem}. ${fix}`);
}

function checkOrgUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    fail('orgUrl is required', 'Pass your org URL, e.g. { orgUrl: "https://acme.okta.com" }');
  }
  const value = raw.trim();
  if (value.includes('{yourOktaDomain}')) {
    fail('orgUrl still contains the {yourOktaDomain} placeholder', 'Replace it with your org host');
  }
  if (value.split('://').length !== 2) {
    fail(`orgUrl "${value}" is not a URL with one scheme`, 'Use the form https://acme.okta.com');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`orgUrl "${value}" is not a valid URL`, 'Use the form https://acme.okta.com');
  }
  const loopback = LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    fail(
      `orgUrl must use https:// (got ${url.protocol}//)`,
      'Plain http:// is accepted only for loopback hosts such as 127.0.0.1 (local emulators and tests)',
    );
  }
  if (url.username || url.password)
    fail('orgUrl must not contain credentials', 'Remove user:pass@');
  if (ADMIN_DOMAIN.test(`${url.hostname}.`)) {
    fail(
      `orgUrl "${url.origin}" is an admin domain`,
      'Use your org domain without "-admin", e.g. https://acme.okta.com',
    );
  }
  if (url.hostname.includes('.com.com')) {
    fail(`orgUrl "${url.origin}" contains ".com.com"`, 'Check the host for a repeated suffix');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    fail(
      `orgUrl must not have a path, query or fragment (got "${value}")`,
      `Use only the origin, e.g. ${url.origin}`,
    );
  }
  return url.origin;
}

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
    fail(`${name} must be a number from ${min} to ${MAX_TIMER_MS}`, `Got ${String(value)}`);
  }
  return value;
}

/** Every OAuth scope the spec's operations declare: what a service app asks for by default. */
export const SPEC_SCOPES: readonly string[] = [
  ...new Set(
    Object.values(routes).flatMap((op) =>
      op.security.flatMap((req) => (req as Record<string, readonly string[]>)['oauth2'] ?? []),
    ),
  ),
];

const AUTHORIZATION_MODES = new Set(['SSWS', 'Bearer', 'PrivateKey']);

function checkScopes(scopes: unknown): readonly string[] {
  if (scopes === undefined) return SPEC_SCOPES;
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((s) => typeof s === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))
  ) {
    fail('scopes must be a non-empty array of scope names', 'e.g. ["okta.sessions.read"]');
  }
  return [...scopes] as string[];
}

function checkServiceApp(options: OktaSessionsOptions, browser: boolean): ServiceAppConfig {
  if (browser) {
    fail(
      'Private-key auth (clientId + privateKey) is refused in browsers: a private key never belongs in a page',
      'Keep the service app on your server, or use the /me operations with credentials: "include"',
    );
  }
  const { clientId, privateKey, keyId } = options;
  if (typeof clientId !== 'string' || clientId.trim() === '' || headerValueProblem(clientId)) {
    fail("clientId must be the service app's client id", 'Pass it together with privateKey');
  }
  if (clientId.includes('{')) fail('clientId still contains a placeholder', 'Use the real id');
  if (privateKey === undefined) {
    fail('clientId was given without privateKey', "Pass the service app's private key too");
  }
  if (
    keyId !== undefined &&
    (typeof keyId !== 'string' || keyId === '' || headerValueProblem(keyId))
  ) {
    fail(
      'keyId must be a non-empty string',
      'Pass the kid shown for the key in the Okta Admin Console',
    );
  }
  if (options.dpop !== undefined && typeof options.dpop !== 'boolean') {
    fail('dpop must be true or false', `Got ${String(options.dpop)}`);
  }
  return {
    clientId,
    key: readPrivateKey(privateKey, keyId),
    scopes: checkScopes(options.scopes),
    dpop: options.dpop !== false,
  };
}

/** Validates options once, in the constructor, so that bad configuration never reaches the wire. */
export function resolveConfig(
  options: OktaSessionsOptions,
  runtime: { browser: boolean } = { browser: false },
): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    fail('options are required', 'Pass { orgUrl, apiToken } or { orgUrl, accessToken }');
  }
  const orgUrl = checkOrgUrl(options.orgUrl);
  const { apiToken, accessToken, authorizationMode } = options;
  const privateKeyAuth =
    options.clientId !== undefined ||
    options.privateKey !== undefined ||
    authorizationMode === 'PrivateKey';
  const given = [
    apiToken !== undefined && 'apiToken',
    accessToken !== undefined && 'accessToken',
    privateKeyAuth && 'clientId + privateKey',
  ].filter(Boolean);
  if (given.length > 1) {
    fail(`Both ${given.join(' and ')} were given`, 'Pass exactly one credential');
  }
  if (authorizationMode !== undefined && !AUTHORIZATION_MODES.has(authorizationMode)) {
    fail(
      `authorizationMode "${String(authorizationMode)}" is unknown`,
      'Use "SSWS" (apiToken) or "PrivateKey" (clientId + privateKey), or leave it out',
    );
  }
  if (authorizationMode === 'SSWS' && apiToken === undefined) {
    fail('authorizationMode "SSWS" needs apiToken', 'Pass apiToken, or use "PrivateKey"');
  }
  let credential: ResolvedConfig['credential'];
  if (privateKeyAuth) {
    credential = {
      scheme: 'oauth2',
      token: undefined,
      serviceApp: checkServiceApp(options, runtime.browser),
    };
  } else if (apiToken !== undefined) {
    if (typeof apiToken !== 'string') fail('apiToken must be a string', 'Pass the token text');
    credential = { scheme: 'apiToken', token: checkToken('apiToken', apiToken) };
  } else if (accessToken !== undefined) {
    if (typeof accessToken === 'string') {
      credential = { scheme: 'oauth2', token: checkToken('accessToken', accessToken) };
    } else if (typeof accessToken === 'function') {
      credential = { scheme: 'oauth2', token: accessToken };
    } else {
      fail(
        'accessToken must be a string or a function',
        'Pass the token or a function returning it',
      );
    }
  } else if (options.credentials !== 'include' && !runtime.browser) {
    // A browser page needs no token for the /me operations: the browser sends the cookie.
    fail(
      'No credential given',
      'Pass apiToken (an Okta API token), accessToken (an OAuth 2.0 access token) or clientId + privateKey (an OAuth 2.0 service app); a client that only uses the /me operations can pass credentials: "include" instead',
    );
  }
  assertHeaders(options.headers, 'headers');
  const notAllowed = headerNotAllowed(options.headers);
  if (notAllowed) {
    fail(`headers must not set ${notAllowed.name}`, notAllowed.fix);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    fail('fetch must be a function', 'Pass a WHATWG fetch implementation');
  }
  return {
    orgUrl,
    credential,
    timeoutMs: checkPositive('timeoutMs', options.timeoutMs, 30_000, 1),
    maxRetries: Math.floor(checkPositive('retry.maxRetries', options.retry?.maxRetries, 2, 0)),
    maxDelayMs: checkPositive('retry.maxDelayMs', options.retry?.maxDelayMs, 60_000, 0),
    throttle: options.throttle === true,
  };
}

/** The environment variables the official Okta SDKs read. */
export function optionsFromEnv(env: Record<string, string | undefined>): OktaSessionsOptions {
  const orgUrl = env['OKTA_CLIENT_ORGURL'];
  if (!orgUrl) {
    fail('OKTA_CLIENT_ORGURL is not set', 'Set it to your org URL, e.g. https://acme.okta.com');
  }
  const mode = env['OKTA_CLIENT_AUTHORIZATIONMODE'] || undefined;
  const clientId = env['OKTA_CLIENT_CLIENTID'] || undefined;
  const privateKey = env['OKTA_CLIENT_PRIVATEKEY'] || undefined;
  if (mode === 'PrivateKey' || (mode === undefined && (clientId || privateKey))) {
    if (!clientId || !privateKey) {
      fail(
        'Private-key auth needs OKTA_CLIENT_CLIENTID and OKTA_CLIENT_PRIVATEKEY',
        'Set both (the key as PEM or JWK JSON)',
      );
    }
    const scopes = env['OKTA_CLIENT_SCOPES']?.split(/\s+/).filter(Boolean);
    return {
      orgUrl,
      authorizationMode: 'PrivateKey',
      clientId,
      privateKey,
      keyId: env['OKTA_CLIENT_KEYID'] || undefined,
      ...(scopes && scopes.length > 0 ? { scopes } : {}),
    };
  }
  const apiToken = env['OKTA_CLIENT_TOKEN'] || undefined;
  const accessToken = env['OKTA_CLIENT_ACCESS_TOKEN'] || undefined;
  if (!apiToken && !accessToken) {
    fail(
      'None of OKTA_CLIENT_TOKEN, OKTA_CLIENT_ACCESS_TOKEN or OKTA_CLIENT_CLIENTID + OKTA_CLIENT_PRIVATEKEY is set',
      'Set one of them',
    );
  }
  return {
    orgUrl,
    apiToken,
    accessToken,
    // An unknown mode is passed on for resolveConfig to refuse with its message.
    ...(mode
      ? { authorizationMode: mode as NonNullable<OktaSessionsOptions['authorizationMode']> }
      : {}),
  };
}
