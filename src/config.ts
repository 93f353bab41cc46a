import { OktaConfigError } from './errors/config-error.js';
import type { RetryInfo, RetryOptions } from './retry.js';
import { assertHeaders, headerNotAllowed, MAX_TIMER_MS, tokenProblem } from './validate.js';

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
  /**
   * Called before each retry, e.g. for logging or metrics. It may be async; whatever it throws
   * or rejects with is ignored, so it never changes the outcome of the call.
   */
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
    | undefined;
  timeoutMs: number;
  maxRetries: number;
  maxDelayMs: number;
  throttle: boolean;
}

const ADMIN_DOMAIN = /-admin\.(okta|oktapreview|okta-emea|okta-gov|okta-mil|oktagov|okta\.mil)\./i;
// The WHATWG URL parser has already turned any IPv4 spelling (127.1, 0x7f000001...) into four
// decimal parts, so a host that does not match is a name, and names are resolved by someone else.
const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * True for the hosts plain http:// may reach: an IPv4 literal in 127.0.0.0/8, `[::1]`, or
 * exactly `localhost`. Anything else (`127.evil.com`, `127.0.0.1.nip.io`) resolves wherever
 * its owner wants, and the credential would travel there in clear text.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const parts = IPV4_LOOPBACK.exec(hostname);
  return parts !== null && parts.slice(1).every((part) => Number(part) <= 255);
}

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
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
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

/** Validates options once, in the constructor, so that bad configuration never reaches the wire. */
export function resolveConfig(
  options: OktaSessionsOptions,
  runtime: { browser: boolean } = { browser: false },
): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    fail('options are required', 'Pass { orgUrl, apiToken } or { orgUrl, accessToken }');
  }
  const orgUrl = checkOrgUrl(options.orgUrl);
  const { apiToken, accessToken } = options;
  if (apiToken !== undefined && accessToken !== undefined) {
    fail('Both apiToken and accessToken were given', 'Pass exactly one of them');
  }
  let credential: ResolvedConfig['credential'];
  if (apiToken !== undefined) {
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
      'Pass apiToken (an Okta API token) or accessToken (an OAuth 2.0 access token); a client that only uses the /me operations can pass credentials: "include" instead',
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
  const apiToken = env['OKTA_CLIENT_TOKEN'] || undefined;
  const accessToken = env['OKTA_CLIENT_ACCESS_TOKEN'] || undefined;
  if (!apiToken && !accessToken) {
    fail('Neither OKTA_CLIENT_TOKEN nor OKTA_CLIENT_ACCESS_TOKEN is set', 'Set one of them');
  }
  return { orgUrl, apiToken, accessToken };
}
