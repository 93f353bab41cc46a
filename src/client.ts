import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import { platform } from '#platform';
import type { Platform } from './platform/types.js';
import type { paths } from '../generated/schema.js';
import { authMiddleware, createAuthorizer, type Authorizer } from './auth.js';
import { readText } from './body.js';
import type { ConfigSources } from './config-file.js';
import {
  ENV_NAMES,
  MAX_TIMER_MS,
  optionsFromEnv,
  optionsOfSources,
  resolveConfig,
  type ConfigLayer,
  type OktaSessionsOptions,
  type ResolvedConfig,
  type RetryInfo,
} from './config.js';
import { apiErrorOf, createErrorMiddleware } from './error-middleware.js';
import { secretsOfHeader } from './redact.js';
import { OktaApiError } from './errors/api-error.js';
import { OktaConfigError } from './errors/config-error.js';
import { rateLimitOf } from './errors/factory.js';
import { OktaInvalidResponseError } from './errors/invalid-response-error.js';
import { OktaNetworkError } from './errors/network-error.js';
import { isOktaError } from './errors/okta-error.js';
import { OktaTimeoutError } from './errors/timeout-error.js';
import { OktaValidationError } from './errors/validation-error.js';
import { routes, type OperationId } from './operations.js';
import { BodyTooLargeError, MAX_BODY_BYTES } from './platform/body-limit.js';
import { readRateLimit, resetWaitMs, type RateLimitState } from './rate-limit.js';
import { parseSession, type Session } from './session.js';
import { sleep, withRetries } from './retry.js';
import {
  assertHeaders,
  assertSessionId,
  assertSessionCookie,
  assertSessionToken,
  credentialHeaderIn,
} from './validate.js';
import { VERSION } from './version.js';

/**
 * Options every operation accepts as its last argument.
 *
 * @example
 * ```ts
 * await okta.getSession(id, { signal: AbortSignal.timeout(2_000), headers: { 'X-Trace': traceId } });
 * ```
 */
export interface CallOptions {
  /** Cancels the call, including any wait between retries; the call rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call, overriding the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Extra headers for this call. Credential headers cannot be set this way. */
  headers?: Record<string, string>;
}

/**
 * The cookie of the user whose session a `/me` operation acts on.
 *
 * @example
 * ```ts
 * await okta.getCurrentSession({ cookie: req.headers.cookie });
 * ```
 */
export interface CurrentSessionArgs {
  /** The user's `sid=...` or `idx=...` cookie (server-side only; browsers send it themselves). */
  cookie?: string;
}

/**
 * What createSession takes.
 *
 * @example
 * ```ts
 * await okta.createSession({ sessionToken });
 * ```
 */
export interface CreateSessionArgs {
  /** The one-time session token from the Authentication API. */
  sessionToken: string;
}

/** The per-call part of an attempt's openapi-fetch options. */
interface AttemptInit {
  params: object;
  body: CreateSessionArgs | undefined;
  parseAs: 'stream';
  credentials: RequestCredentials | undefined;
}

interface Prepared {
  path?: { sessionId: string };
  cookie?: string;
  body?: CreateSessionArgs;
  secrets?: string[];
}

// createSession spends a single-use session token: repeating it after it may have reached
// Okta turns a success into a confusing 4xx. Everything else is safe to repeat.
const NOT_REPEATABLE: ReadonlySet<OperationId> = new Set<OperationId>(['createSession']);

const noQuery = (): string => '';
// openapi-fetch's own serializer, less the label/matrix/explode styles the spec does not use,
// and without a regex: this runs on every request.
function fillPath(url: string, params: Record<string, unknown> | undefined): string {
  let open = url.indexOf('{');
  if (open === -1 || !params) return url;
  let out = '';
  let done = 0;
  while (open !== -1) {
    const close = url.indexOf('}', open);
    const value = params[url.slice(open + 1, close)];
    out += url.slice(done, open);
    out +=
      value === undefined || value === null
        ? url.slice(open, close + 1)
        : encodeURIComponent(String(value));
    done = close + 1;
    open = url.indexOf('{', done);
  }
  return out + url.slice(done);
}

// The façade's transport hands non-2xx responses back by throwing them past openapi-fetch,
// which would otherwise read the whole error body itself, unbounded.
class NotOk {
  constructor(readonly response: Response) {}
}

function throwUnlessOk(response: Response): Response {
  if (!response.ok) throw new NotOk(response);
  return response;
}

const responseOf = (result: { response: Response }): Response => result.response;

function unlessNotOk(error: unknown): Response {
  if (error instanceof NotOk) return error.response;
  throw error;
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort);
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The headers of one attempt: credential, the caller's extras, then retry bookkeeping. */
function attemptHeaders(
  authHeader: string,
  credential: string | undefined,
  extra: Record<string, string> | undefined,
  retry: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (credential === undefined && !retry) return extra;
  const headers: Record<string, string> = { ...extra, ...retry };
  if (credential !== undefined) headers[authHeader] = credential;
  return headers;
}

function checkCallOptions(options: CallOptions | undefined): void {
  if (!options) return;
  assertHeaders(options.headers, 'options.headers');
  const credentialHeader = credentialHeaderIn(options.headers);
  if (credentialHeader) {
    throw new OktaValidationError(
      'options.headers',
      `${credentialHeader} cannot be set per call; configure apiToken/accessToken or pass { cookie }`,
    );
  }
  const timeoutMs = options.timeoutMs;
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)
  ) {
    throw new OktaValidationError(
      'options.timeoutMs',
      `must be a number from 1 to ${MAX_TIMER_MS}`,
    );
  }
}

function processEnv(): Record<string, string | undefined> {
  return (
    (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
  );
}

/**
 * A client for Okta's Sessions API: the seven session operations, with authentication per
 * operation as the spec defines it, typed errors, retries on rate limits, timeouts and
 * cancellation.
 *
 * @example
 * ```ts
 * import { OktaSessions, OktaNotFoundError } from 'okta-sessions';
 *
 * const okta = new OktaSessions({ orgUrl: 'https://acme.okta.com', apiToken: process.env.OKTA_API_TOKEN });
 * const session = await okta.createSession({ sessionToken });
 * console.log(session.id, session.expiresAt?.toISOString());
 * await okta.revokeSession(session.id);
 * ```
 */
export class OktaSessions {
  readonly #rawOptions: ClientOptions;
  #raw: Client<paths> | undefined;
  readonly #config: ResolvedConfig;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  readonly #credentials: RequestCredentials | undefined;
  readonly #AbortController: Platform['AbortController'];
  readonly #authorizer: Authorizer;
  readonly #client: Client<paths>;
  // Okta counts rate limits per endpoint: a spent window throttles that operation only.
  readonly #throttleUntil = new Map<OperationId, number>();

  /** @throws {OktaConfigError} when the options are wrong; the message says how to fix them. */
  constructor(options: OktaSessionsOptions) {
    this.#config = resolveConfig(options, { browser: platform.isBrowser });
    this.#onRetry = options.onRetry;
    // In a browser the cookie can only travel with credentials: 'include' (Cookie is forbidden).
    this.#credentials = options.credentials ?? (platform.isBrowser ? 'include' : undefined);
    const userAgent = [options.userAgent, `okta-sessions/${VERSION}`, platform.runtime]
      .filter(Boolean)
      .join(' ');
    const custom = options.fetch;
    // A caller's fetch needs real AbortSignals; our own transport takes light ones.
    this.#AbortController = custom ? globalThis.AbortController : platform.AbortController;
    const clientOptions = {
      baseUrl: this.#config.orgUrl,
      // A caller's fetch gets standard Request objects, exactly as it would without us.
      fetch: custom ? (request: Request) => custom(request) : platform.fetch,
      Request: custom ? globalThis.Request : platform.Request,
      headers: {
        Accept: 'application/json',
        ...(platform.isBrowser ? {} : { 'User-Agent': userAgent }),
        ...options.headers,
      },
      // The spec has no query parameters and one kind of path parameter: fixed, cheap
      // serializers spare openapi-fetch building them again for every request.
      querySerializer: noQuery,
      pathSerializer: fillPath,
    };
    this.#authorizer = createAuthorizer(this.#config.credential);
    // The façade sets the credential and maps errors itself, on a client without middleware:
    // openapi-fetch's middleware machinery (ids, frozen options, awaited hooks) costs per call.
    const transport = clientOptions.fetch;
    this.#client = createClient<paths>({
      ...clientOptions,
      fetch: (request: Request) => transport(request).then(throwUnlessOk),
    });
    this.#rawOptions = {
      ...clientOptions,
      fetch: custom ? transport : (request: Request) => fetch(request),
    };
  }

  /**
   * An openapi-fetch client typed by the spec's paths and wired with the same authentication
   * and error mapping, for anything the façade does not cover. It is a plain openapi-fetch
   * client (standard Request/Response, the platform's or your fetch, every `parseAs`): no
   * retries, no timeouts, no date conversion.
   *
   * @example
   * ```ts
   * const { data } = await okta.raw.GET('/api/v1/sessions/{sessionId}', {
   *   params: { path: { sessionId } },
   * });
   * ```
   */
  get raw(): Client<paths> {
    // Built on first use: touching Node's WHATWG Request loads its whole fetch stack (~25 ms),
    // a cost clients that never use `raw` should not pay at construction.
    if (!this.#raw) {
      this.#raw = createClient<paths>({ ...this.#rawOptions, Request: globalThis.Request });
      this.#raw.use(authMiddleware(this.#authorizer), createErrorMiddleware());
    }
    return this.#raw;
  }

  /**
   * A client configured from the variables the official Okta SDKs read: `OKTA_CLIENT_ORGURL`
   * and `OKTA_CLIENT_TOKEN` (or `OKTA_CLIENT_ACCESS_TOKEN`), with `overrides` on top: a
   * credential in `overrides` replaces the environment's. The proxy variables are read from
   * the same `env`.
   *
   * @example
   * ```ts
   * const okta = OktaSessions.fromEnv(process.env, { timeoutMs: 5_000 });
   * ```
   */
  static fromEnv(
    env: Record<string, string | undefined> = processEnv(),
    overrides: Partial<OktaSessionsOptions> = {},
  ): OktaSessions {
    return OktaSessions.#fromLayers(env, [optionsFromEnv(env), overrides]);
  }

  /**
   * A client configured the way the official Okta SDKs configure theirs (Node only), each
   * source overriding the one before: `~/.okta/okta.yaml`, `./okta.yaml`, the `OKTA_CLIENT_*`
   * variables, then `overrides`. Keys under `okta.client`: `orgUrl`, `token`,
   * `authorizationMode`, `clientId`, `scopes`, `privateKey`, `keyId`, `requestTimeout` and
   * `connectionTimeout` (seconds), `rateLimit.maxRetries`, `proxy`. A malformed file is an
   * {@link OktaConfigError} naming the file and key; a credential in a file other users can
   * read is reported through `sources.onWarning`.
   *
   * @example
   * ```ts
   * const okta = await OktaSessions.fromConfig({ userAgent: 'my-app/1.0' });
   * ```
   */
  static async fromConfig(
    overrides: Partial<OktaSessionsOptions> = {},
    sources: ConfigSources = {},
  ): Promise<OktaSessions> {
    if (!platform.readConfigFiles) {
      throw new OktaConfigError(
        'fromConfig reads okta.yaml files and works in Node only. Pass options to new OktaSessions() instead',
      );
    }
    const env = sources.env ?? processEnv();
    const files = await platform.readConfigFiles(sources);
    return OktaSessions.#fromLayers(env, [...files, optionsFromEnv(env), overrides]);
  }

  static #fromLayers(env: Record<string, string | undefined>, layers: ConfigLayer[]): OktaSessions {
    const options = optionsOfSources(env, layers);
    // Validated first with names that point at the variables and files, not only the options.
    resolveConfig(options, { browser: platform.isBrowser }, ENV_NAMES);
    return new OktaSessions(options);
  }

  /**
   * Exchanges a one-time session token for a session. Needs an API token. Never retried once
   * the request may have reached Okta (the token is single-use), except on a 429.
   *
   * @example
   * ```ts
   * const session = await okta.createSession({ sessionToken });
   * ```
   */
  async createSession(args: CreateSessionArgs, options?: CallOptions): Promise<Session> {
    const sessionToken = (args as Partial<CreateSessionArgs> | undefined)?.sessionToken;
    assertSessionToken(sessionToken);
    return this.#session(
      'createSession',
      { body: { sessionToken }, secrets: [sessionToken] },
      options,
    );
  }

  /**
   * Gets a session by id.
   *
   * @example
   * ```ts
   * const session = await okta.getSession('102Ke2yJpW3Q0ClCnZ_ryqPVQ');
   * ```
   */
  async getSession(sessionId: string, options?: CallOptions): Promise<Session> {
    assertSessionId(sessionId);
    return this.#session('getSession', { path: { sessionId } }, options);
  }

  /**
   * Extends a session by id, as if the user had just been active.
   *
   * @example
   * ```ts
   * const { expiresAt } = await okta.refreshSession(session.id);
   * ```
   */
  async refreshSession(sessionId: string, options?: CallOptions): Promise<Session> {
    assertSessionId(sessionId);
    return this.#session('refreshSession', { path: { sessionId } }, options);
  }

  /**
   * Ends a session by id. Later calls for it answer 404 ({@link OktaNotFoundError}).
   *
   * @example
   * ```ts
   * await okta.revokeSession(session.id);
   * ```
   */
  async revokeSession(sessionId: string, options?: CallOptions): Promise<void> {
    assertSessionId(sessionId);
    await this.#call('revokeSession', { path: { sessionId } }, options);
  }

  /**
   * Gets the session named by the user's cookie. Sends no API token or access token.
   *
   * @example
   * ```ts
   * const session = await okta.getCurrentSession({ cookie: 'sid=102Ke2yJpW3Q0ClCnZ_ryqPVQ' });
   * ```
   */
  async getCurrentSession(args: CurrentSessionArgs = {}, options?: CallOptions): Promise<Session> {
    return this.#session('getCurrentSession', this.#cookieArgs(args), options);
  }

  /**
   * Extends the session named by the user's cookie. Sends no API token or access token.
   *
   * @example
   * ```ts
   * await okta.refreshCurrentSession({ cookie: 'sid=102Ke2yJpW3Q0ClCnZ_ryqPVQ' });
   * ```
   */
  async refreshCurrentSession(
    args: CurrentSessionArgs = {},
    options?: CallOptions,
  ): Promise<Session> {
    return this.#session('refreshCurrentSession', this.#cookieArgs(args), options);
  }

  /**
   * Ends the session named by the user's cookie (signs the user out). Sends no API token.
   *
   * @example
   * ```ts
   * await okta.closeCurrentSession({ cookie: 'sid=102Ke2yJpW3Q0ClCnZ_ryqPVQ' });
   * ```
   */
  async closeCurrentSession(args: CurrentSessionArgs = {}, options?: CallOptions): Promise<void> {
    await this.#call('closeCurrentSession', this.#cookieArgs(args), options);
  }

  /** Shown by `util.inspect` and `JSON.stringify` instead of the fields: no credential in sight. */
  toJSON(): { orgUrl: string; auth: string } {
    return { orgUrl: this.#config.orgUrl, auth: this.#config.credential?.scheme ?? 'cookie' };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const { orgUrl, auth } = this.toJSON();
    return `OktaSessions { orgUrl: '${orgUrl}', auth: '${auth}' }`;
  }

  #cookieArgs(args: CurrentSessionArgs): Prepared {
    const cookie = (args as CurrentSessionArgs | undefined)?.cookie;
    if (platform.isBrowser) {
      if (cookie === undefined) return {};
      throw new OktaValidationError(
        'cookie',
        'browsers forbid setting the Cookie header; leave it out and create the client with credentials: "include" so the browser sends the Okta cookie itself',
      );
    }
    assertSessionCookie(cookie);
    // Okta echoes the bare session id of a cookie ("Resource not found: <id>"): scrub both forms.
    return { cookie, secrets: [cookie, ...secretsOfHeader('cookie', cookie)] };
  }

  async #session(id: OperationId, prepared: Prepared, options?: CallOptions): Promise<Session> {
    const { text, response } = await this.#call(id, prepared, options);
    const session = parseSession(text);
    if (typeof session !== 'string') return session;
    throw this.#invalidResponse(id, prepared, response, session);
  }

  async #call(
    id: OperationId,
    prepared: Prepared,
    options: CallOptions | undefined,
  ): Promise<{ text: string; response: Response }> {
    checkCallOptions(options);
    const signal = options?.signal;
    if (signal?.aborted) throw signal.reason;
    // What openapi-fetch needs, built once per call; each attempt adds its signal and headers.
    const init: AttemptInit = {
      params: prepared.path
        ? { path: prepared.path }
        : prepared.cookie
          ? { header: { Cookie: prepared.cookie } }
          : {},
      body: prepared.body,
      parseAs: 'stream',
      credentials: routes[id].security.length === 0 ? this.#credentials : undefined,
    };
    return withRetries(
      {
        operationId: id,
        maxRetries: this.#config.maxRetries,
        maxDelayMs: this.#config.maxDelayMs,
        repeatable: !NOT_REPEATABLE.has(id),
        signal,
        onRetry: this.#onRetry,
      },
      (retryHeaders) => this.#attempt(id, prepared, init, options, retryHeaders),
    );
  }

  async #attempt(
    id: OperationId,
    prepared: Prepared,
    init: AttemptInit,
    options: CallOptions | undefined,
    retryHeaders: Record<string, string> | undefined,
  ): Promise<{ text: string; response: Response }> {
    const signal = options?.signal;
    if (this.#config.throttle) await this.#waitForWindow(id, signal);
    const op = routes[id];
    const timeoutMs = options?.timeoutMs ?? this.#config.timeoutMs;
    // One controller per attempt carries both the caller's abort and our timeout, and is
    // released (timer cleared, listener removed) before the attempt settles.
    const controller = new this.#AbortController();
    const onAbort = signal && (() => controller.abort(signal.reason));
    if (onAbort) signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new OktaTimeoutError(op.method, this.#urlOf(id, prepared), timeoutMs));
    }, timeoutMs);
    let credential: string | undefined;
    try {
      const auth = this.#authorizer.valueFor(id);
      // A token provider that hangs must not outlive the attempt's timeout or the caller's abort.
      credential = typeof auth === 'object' ? await untilAborted(auth, controller.signal) : auth;
      const response = await this.#client
        [op.method as 'GET'](
          op.path as never,
          {
            params: init.params,
            body: init.body,
            parseAs: init.parseAs,
            credentials: init.credentials,
            headers: attemptHeaders(
              this.#authorizer.header,
              credential,
              options?.headers,
              retryHeaders,
            ),
            signal: controller.signal,
          } as never,
        )
        .then(responseOf, unlessNotOk);
      if (!response.ok) {
        const secrets = prepared.secrets ?? [];
        throw await apiErrorOf(
          response,
          op.method,
          this.#urlOf(id, prepared),
          credential
            ? [...secrets, ...secretsOfHeader(this.#authorizer.header, credential)]
            : secrets,
        );
      }
      const text = await readText(response, MAX_BODY_BYTES, 'throw').catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          throw this.#invalidResponse(id, prepared, response, error.message);
        }
        throw error;
      });
      if (this.#config.throttle) this.#noteWindow(id, readRateLimit(response.headers));
      return { text, response };
    } catch (error) {
      if (this.#config.throttle && error instanceof OktaApiError)
        this.#noteWindow(id, rateLimitOf(error));
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw controller.signal.reason;
      if (isOktaError(error)) throw error;
      throw new OktaNetworkError(op.method, this.#urlOf(id, prepared), error);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  async #waitForWindow(id: OperationId, signal: AbortSignal | undefined): Promise<void> {
    const wait = (this.#throttleUntil.get(id) ?? 0) - Date.now();
    if (wait > 0) await sleep(Math.min(wait, this.#config.maxDelayMs), signal);
  }

  #noteWindow(id: OperationId, state: RateLimitState | undefined): void {
    const wait = state && state.remaining === 0 ? resetWaitMs(state) : undefined;
    if (wait !== undefined) {
      this.#throttleUntil.set(id, Math.max(this.#throttleUntil.get(id) ?? 0, Date.now() + wait));
    }
  }

  /** The request URL, built only on error paths. */
  #urlOf(id: OperationId, prepared: Prepared): string {
    return this.#config.orgUrl + fillPath(routes[id].path, prepared.path);
  }

  #invalidResponse(
    id: OperationId,
    prepared: Prepared,
    response: Response,
    problem: string,
  ): OktaInvalidResponseError {
    return new OktaInvalidResponseError(
      {
        status: response.status,
        requestId: response.headers.get('x-okta-request-id') ?? undefined,
        method: routes[id].method,
        url: this.#urlOf(id, prepared),
      },
      problem,
    );
  }
}
