import type { Client } from 'openapi-fetch';
import { platform } from '#platform';
import type { paths } from '../generated/schema.js';
import type { Authorizer } from './call/auth.js';
import { clientParts } from './call/client-parts.js';
import type { ConfigSources } from './config/file.js';
import { resolveConfig, type OktaSessionsOptions, type ResolvedConfig } from './config/options.js';
import type { ConfigLayer } from './config/layers.js';
import type { ConfigLayering } from './platform/types.js';
import { OktaConfigError } from './errors/config-error.js';
import { oauthError } from './errors/oauth-factory.js';
import type { OperationId } from './model/operations.js';
import { observedSend, type Pipeline } from './call/pipeline.js';
import { lazyRawClient } from './raw/lazy.js';
import { processEnv } from './config/process-env.js';
import { parseSession, type Session } from './model/session.js';
import type { FetchFunction } from './transport/fetch.js';
import {
  assertCreateSessionArgs,
  assertOptionalBoolean,
  assertSessionId,
  assertUserId,
} from './model/validate.js';
import type {
  CallOptions,
  CreateSessionArgs,
  CurrentSessionArgs,
  RevokeUserSessionsArgs,
} from './model/arguments.js';
import { callOf, cookiePrepared, noBody, repeatable, type Prepared } from './call/prepare.js';
import type { Emitter, OktaEventMap, OktaEventName } from './call/events.js';
import type { OktaRateLimitStatus, RateLimitBoard } from './call/rate-limits.js';
import type { RouteId } from './model/operations.js';

export type { CallOptions, CreateSessionArgs, CurrentSessionArgs, RevokeUserSessionsArgs };

/**
 * A client for Okta's Sessions API: the seven session operations and revokeUserSessions, with authentication per
 * operation as the spec defines it, typed errors, retries on rate limits, timeouts and
 * cancellation.
 *
 * @example
 * ```ts
 * import { OktaSessions, OktaNotFoundError } from 'okta-sessions';
 *
 * const okta = new OktaSessions({ orgUrl: 'https://acme.okta.com', apiToken: process.env.OKTA_API_TOKEN });
 * const session = await okta.createSession({ sessionToken });
 * console.log(session.id, session.expiresAt.toISOString());
 * await okta.revokeSession(session.id);
 * ```
 */
export class OktaSessions {
  readonly #config: ResolvedConfig;
  readonly #pipeline: Pipeline;
  readonly #authorizer: Authorizer;
  /** The client's own headers, names lowercase; each call starts from these. */
  readonly #headers: Record<string, string>;
  readonly #credentials: RequestCredentials | undefined;
  readonly #fetch: FetchFunction | undefined;
  readonly #events: Emitter;
  readonly #rateLimits: RateLimitBoard;
  #raw: Client<paths> | undefined;

  /** @throws {OktaConfigError} when the options are wrong; the message says how to fix them. */
  constructor(options: OktaSessionsOptions) {
    this.#config = resolveConfig(options, platform);
    const parts = clientParts(this.#config, options, platform);
    this.#pipeline = parts.pipeline;
    this.#authorizer = parts.authorizer;
    this.#headers = parts.headers;
    this.#credentials = parts.credentials;
    this.#fetch = parts.fetch;
    this.#events = parts.events;
    this.#rateLimits = parts.rateLimits;
  }

  /**
   * Listens to the client's events: `request` (an attempt is about to be sent), `response` (it
   * got an answer, any status), `error` (it failed), `retry` (the call goes again) and
   * `warning` (what `onWarning` is told). API calls, a service app's token requests
   * (`getAccessToken`) and `okta.raw` requests all emit them. A listener that throws or rejects
   * changes no outcome, and an event nobody listens to is dropped (no event throws for want of
   * a listener). The events hold no credential, cookie, session id or body; see
   * {@link OktaCallEvent}.
   *
   * @throws {TypeError} for an unknown event name or a listener that is not a function.
   *
   * @example
   * ```ts
   * okta.on('retry', (e) => console.warn(`${e.operationId} again in ${e.delayMs} ms (${e.reason})`));
   * okta.on('response', (e) => {
   *   if (e.rateLimit?.limit && (e.rateLimit.remaining ?? 0) < e.rateLimit.limit / 10) {
   *     console.warn(`${e.operationId}: rate limit nearly spent`);
   *   }
   * });
   * ```
   */
  on<K extends OktaEventName>(name: K, listener: (event: OktaEventMap[K]) => unknown): this {
    this.#events.on(name, listener);
    return this;
  }

  /**
   * Stops a listener added with {@link OktaSessions.on}; a listener that was not added is ignored.
   *
   * @example
   * ```ts
   * const log = (e: OktaCallEvent) => console.log(e.operationId, e.status);
   * okta.on('response', log);
   * okta.off('response', log);
   * ```
   */
  off<K extends OktaEventName>(name: K, listener: (event: OktaEventMap[K]) => unknown): this {
    this.#events.off(name, listener);
    return this;
  }

  /**
   * The last rate-limit state this client saw for the bucket of `operationId` (Okta counts
   * operations in buckets: the session operations share one), or undefined before any
   * response of that bucket carried the headers. `getAccessToken` names the token endpoint's.
   *
   * @example
   * ```ts
   * await okta.getSession(sessionId);
   * const state = okta.rateLimit('getSession');
   * if (state?.concurrency) console.warn('too many concurrent requests');
   * else console.log(`${state?.remaining} of ${state?.limit} left until ${state?.resetAt?.toISOString()}`);
   * ```
   */
  rateLimit(operationId: RouteId): OktaRateLimitStatus | undefined {
    return this.#rateLimits.stateOf(operationId, Date.now());
  }

  /**
   * An openapi-fetch client typed by the spec's paths and wired with the same authentication
   * and error mapping, for anything the façade does not cover. It is a plain openapi-fetch
   * client (standard Request/Response, the platform's or your fetch, every `parseAs`) outside
   * the call pipeline: no throttle, retries, timeouts or date conversion.
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
    this.#raw ??= lazyRawClient({
      orgUrl: this.#config.orgUrl,
      fetch:
        this.#fetch ??
        (this.#config.proxy && platform.proxyFetch
          ? platform.proxyFetch(this.#config.proxy)
          : (request: Request) => globalThis.fetch(request)),
      headers: this.#headers,
      authorizer: this.#authorizer,
      refine: oauthError,
      events: this.#events,
      rateLimits: this.#rateLimits,
      explainFailure: platform.explainFailure,
    });
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
    const layers = platform.layers;
    if (!layers) {
      throw new OktaConfigError(
        'fromEnv reads process.env, which browsers do not have. Pass options to new OktaSessions() instead',
      );
    }
    return OktaSessions.#fromLayers(layers, env, [layers.fromEnv(env), overrides], 'env');
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
    const layers = platform.layers;
    if (!platform.readConfigFiles || !layers) {
      throw new OktaConfigError(
        'fromConfig reads okta.yaml files and works on servers only (Node, Deno, Bun). Pass options to new OktaSessions() instead',
      );
    }
    const env = sources.env ?? processEnv();
    const files = await platform.readConfigFiles(sources);
    return OktaSessions.#fromLayers(
      layers,
      env,
      [...files, layers.fromEnv(env), overrides],
      'config',
    );
  }

  static #fromLayers(
    layering: ConfigLayering,
    env: Record<string, string | undefined>,
    layers: ConfigLayer[],
    from: 'env' | 'config',
  ): OktaSessions {
    const options = layering.optionsOf(env, layers);
    // Validated first with names that point at the variables (and the files, for fromConfig
    // only), not only the options.
    resolveConfig(options, platform, layering.names[from]);
    return new OktaSessions(options);
  }

  /**
   * Exchanges a one-time session token for a session. Needs an API token. Never retried once
   * the request may have reached Okta (the token is single-use), except on a 429. Okta sets no
   * `sid` cookie for this call: a server that wants a browser session sets the cookie itself.
   *
   * Lifecycle: Okta's production management spec dropped this operation in release 2025.10.0
   * (it remains in Okta's development spec and the official SDKs); be ready for Okta to retire it.
   *
   * @example
   * ```ts
   * const session = await okta.createSession({ sessionToken });
   * ```
   */
  async createSession(args: CreateSessionArgs, options?: CallOptions): Promise<Session> {
    assertCreateSessionArgs(args);
    const { sessionToken } = args;
    return this.#session('createSession', { body: JSON.stringify({ sessionToken }) }, options);
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
   * Extends a session by id, as if the user had just been active. Okta promises only that
   * `expiresAt` does not move backwards (refreshed right after creation it can stay the same).
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
   * Signs a user out of Okta everywhere: ends every Okta session of the user, in every browser
   * and on every device. Needs an API token or OAuth `okta.users.manage` (a service app asks for
   * it only when its `scopes` name it). Retried like revokeSession; counted in Okta's users
   * rate-limit bucket. An unknown user id answers 404 ({@link OktaNotFoundError}).
   *
   * It leaves the sessions your web and native apps keep themselves (ending those is each app's
   * job) and the user's OAuth tokens unless `oauthTokens: true`; remembered factors are
   * forgotten by default in Identity Engine, kept in Classic Engine (`forgetDevices` decides).
   * Unlike {@link OktaSessions.revokeSession} (one session, by its id) it takes the user's id
   * and ends them all; unlike {@link OktaSessions.closeCurrentSession} (the one session named by
   * the user's own cookie) it is an admin call from your server.
   *
   * @example
   * ```ts
   * await okta.revokeUserSessions(session.userId, { oauthTokens: true }); // e.g. after a password change
   * ```
   */
  async revokeUserSessions(
    userId: string,
    args: RevokeUserSessionsArgs = {},
    options?: CallOptions,
  ): Promise<void> {
    assertUserId(userId);
    const { oauthTokens, forgetDevices } = (args ?? {}) as RevokeUserSessionsArgs;
    assertOptionalBoolean('oauthTokens', oauthTokens);
    assertOptionalBoolean('forgetDevices', forgetDevices);
    const query = { oauthTokens, forgetDevices };
    await this.#call('revokeUserSessions', { path: { userId }, query }, options);
  }

  /**
   * Gets the session named by the user's cookie. Sends no API token or access token.
   *
   * Lifecycle: Okta's production management spec dropped this operation in release 2025.10.0
   * (it remains in Okta's development spec and the official SDKs); be ready for Okta to retire it.
   *
   * @example
   * ```ts
   * const session = await okta.getCurrentSession({ cookie: 'sid=102Ke2yJpW3Q0ClCnZ_ryqPVQ' });
   * ```
   */
  async getCurrentSession(args: CurrentSessionArgs = {}, options?: CallOptions): Promise<Session> {
    return this.#session('getCurrentSession', cookiePrepared(args, platform.isBrowser), options);
  }

  /**
   * Extends the session named by the user's cookie. Sends no API token or access token. Okta
   * promises only that `expiresAt` does not move backwards.
   *
   * Lifecycle: Okta's production management spec dropped this operation in release 2025.10.0
   * (it remains in Okta's development spec and the official SDKs); be ready for Okta to retire it.
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
    return this.#session(
      'refreshCurrentSession',
      cookiePrepared(args, platform.isBrowser),
      options,
    );
  }

  /**
   * Ends the session named by the user's cookie (signs the user out). Sends no API token.
   *
   * @deprecated Okta's production management spec dropped this operation in release 2025.10.0,
   * and its 2026.06.0 release notes call `DELETE /api/v1/sessions/me` "the deprecated
   * endpoint". It still works where Okta serves it; prefer {@link OktaSessions.revokeSession}
   * from your server.
   *
   * @example
   * ```ts
   * await okta.closeCurrentSession({ cookie: 'sid=102Ke2yJpW3Q0ClCnZ_ryqPVQ' });
   * ```
   */
  async closeCurrentSession(args: CurrentSessionArgs = {}, options?: CallOptions): Promise<void> {
    await this.#call('closeCurrentSession', cookiePrepared(args, platform.isBrowser), options);
  }

  /** Shown by `util.inspect` and `JSON.stringify` instead of the fields: no credential in sight. */
  toJSON(): {
    /** The org URL the client calls. */
    orgUrl: string;
    /** The kind of credential: `apiToken`, `oauth2`, `privateKey`, or `cookie` when there is none. */
    auth: string;
  } {
    const credential = this.#config.credential;
    const auth = credential?.token === undefined && credential ? 'privateKey' : credential?.scheme;
    return { orgUrl: this.#config.orgUrl, auth: auth ?? 'cookie' };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const { orgUrl, auth } = this.toJSON();
    return `OktaSessions { orgUrl: '${orgUrl}', auth: '${auth}' }`;
  }

  #session(id: OperationId, prepared: Prepared, options?: CallOptions): Promise<Session> {
    return this.#send(id, prepared, options, parseSession);
  }

  async #call(id: OperationId, prepared: Prepared, options?: CallOptions): Promise<void> {
    await this.#send(id, prepared, options, noBody);
  }

  /** Builds the call from the spec's operation, checked before any I/O, and sends it. */
  #send<T>(
    id: OperationId,
    prepared: Prepared,
    options: CallOptions | undefined,
    parse: (text: string) => T | string,
  ): Promise<T> {
    this.#authorizer.assertCallable?.(id);
    const call = callOf(id, prepared, options, {
      headers: this.#headers,
      credentials: this.#credentials,
      timeoutMs: this.#config.timeoutMs,
    });
    return observedSend(this.#pipeline, call, parse, repeatable(id));
  }
}
