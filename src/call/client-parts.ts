// What a client is made of besides its operations: its own headers, its transport, its
// credential (a service app's token machinery included) and the pipeline every call runs on.
import type { Call, Gate } from './attempt.js';
import { createAuthorizer, type Authorizer } from './auth.js';
import { systemClock, type Clock } from '../time/clock.js';
import type {
  OktaLogger,
  OktaLogLevel,
  OktaSessionsOptions,
  OktaTelemetryOptions,
  OktaWarning,
  ResolvedConfig,
} from '../config/options.js';
import { oauthError } from '../errors/oauth-factory.js';
import { defaultOnWarning, notify } from './notify.js';
import { EVENT_NAMES, Emitter, type OktaEventName } from './events.js';
import { RateLimitBoard } from './rate-limits.js';
import { observer } from './observe.js';
import { TOKEN_ROUTE } from '../model/operations.js';
import type { Pipeline } from './pipeline.js';
import type { Platform } from '../platform/types.js';
import type { OtelApi } from '../platform/otel-api.js';
import type { Telemetry } from '../platform/telemetry.js';
import { requestScrubber } from '../text/redact.js';
import { attempt } from './attempt.js';
import { fetchTransport, type FetchFunction } from '../transport/fetch.js';
import type { SendToken } from '../oauth/token-request.js';
import { VERSION } from '../model/version.js';

/** Header names in lowercase, as the client sends every header (so a caller's `accept` replaces ours). */
export function lowercased(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name]!;
  return out;
}

/**
 * OpenTelemetry in a browser: only with the API passed in (the page's own import), the tracing
 * code loaded with the first call, so that a page without it carries none.
 */
// Stryker disable all: only a browser takes this path (Node's platform has its own telemetry):
// test/browser-chromium.test.ts traces a page through it, and the mutation run drives no browser.
function pageTelemetry(
  orgUrl: string,
  options: OktaTelemetryOptions,
  rateLimits: RateLimitBoard,
): Telemetry {
  let loaded: Telemetry | undefined;
  const ready = import('../platform/telemetry.js').then(
    (m) =>
      (loaded = m.telemetry(orgUrl, options, Promise.resolve(options.api as OtelApi), rateLimits)),
    () => undefined,
  );
  return {
    around: (call, run) => ready.then(() => (loaded ? loaded.around(call, run) : run())),
    attempt: (call, attempt) => loaded?.attempt(call, attempt),
    instrument(pipeline) {
      void ready.then(() => loaded?.instrument(pipeline));
    },
  };
}
// Stryker restore all

/**
 * The throttle, loaded with the first attempt (it is off by default, and a page that leaves it
 * off does not carry it). Should it fail to load (a page left open across a deploy), calls go
 * unthrottled rather than failing for it.
 */
function lazyGate(load: () => Promise<Gate>): Gate {
  let gate: Gate | undefined;
  let loading: Promise<Gate | undefined> | undefined;
  return {
    async wait(...args) {
      // Stryker disable next-line ArrowFunction: only a chunk that fails to load (a page left open across a deploy) takes the catch; a module jest loads never fails so
      gate ??= await (loading ??= load().catch(() => (loading = undefined)));
      return gate ? gate.wait(...args) : { spent: 0, release: () => undefined };
    },
    noteResponse: (...args) => gate?.noteResponse(...args),
  };
}

export interface ClientParts {
  pipeline: Pipeline;
  /** The client's own headers, names lowercase; each call starts from these. */
  headers: Record<string, string>;
  /** The `credentials` mode of the cookie-only operations. */
  credentials: RequestCredentials | undefined;
  /** The caller's `fetch`, wrapped to take one Request. */
  fetch: FetchFunction | undefined;
  authorizer: Authorizer;
  events: Emitter;
  rateLimits: RateLimitBoard;
}

/**
 * The `logger` option. Its module loads on demand, so that pages without a logger never carry
 * it (the browser budget); the events that come meanwhile are kept and logged once it is there.
 */
function lazyLogger(events: Emitter, logger: OktaLogger, level: OktaLogLevel): void {
  if (level === 'silent') return;
  const early: Array<[OktaEventName, unknown]> = [];
  const keep = EVENT_NAMES.map((name) => {
    const listener = (event: unknown) => void early.push([name, event]);
    events.on(name, listener);
    return [name, listener] as const;
  });
  const stopKeeping = () => {
    for (const [name, listener] of keep) events.off(name, listener);
  };
  import('./log.js').then(
    ({ attachLogger }) => {
      stopKeeping();
      attachLogger(events, logger, level, early);
    },
    // A page left open across a deploy may fail to load it: no logging, and no growing buffer.
    stopKeeping,
  );
}

/**
 * Assembles a client from its resolved configuration on a platform. The client runs on the
 * system clock; tests hand in a clock they move by hand (no option of the client takes one).
 */
export function clientParts(
  config: ResolvedConfig,
  options: OktaSessionsOptions,
  platform: Platform,
  clock: Clock = systemClock,
): ClientParts {
  const userAgent = [options.userAgent, `okta-sessions/${VERSION}`, platform.runtime]
    .filter(Boolean)
    .join(' ');
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(platform.isBrowser ? {} : { 'user-agent': userAgent }),
    ...lowercased(options.headers),
  };
  const custom = options.fetch;
  // A caller's fetch gets standard Request objects, exactly as it would without us.
  const fetch = custom && ((request: Request) => custom(request));
  const transport = fetch
    ? fetchTransport(fetch, platform.isBrowser)
    : config.proxy && platform.proxyTransport
      ? platform.proxyTransport(config.proxy)
      : platform.transport;
  // Token requests go through the same pipeline as API calls: one attempt each (the calls
  // that need the token retry), under the client's timeout and no caller's signal.
  const sendToken: SendToken = (build, parse) => {
    const call: Call = {
      id: 'getAccessToken',
      method: TOKEN_ROUTE.method,
      template: TOKEN_ROUTE.path,
      path: TOKEN_ROUTE.path,
      headers: {
        ...headers,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
      build: async (base) => {
        const { body, proof } = await build();
        return { body, headers: proof === undefined ? base : { ...base, dpop: proof } };
      },
      credentials: undefined,
      signal: undefined,
      timeoutMs: config.timeoutMs,
      // Token responses are a few hundred bytes.
      maxBodyBytes: 64 * 1024,
    };
    return attempt(pipeline, call, parse);
  };
  const events = new Emitter();
  const rateLimits = new RateLimitBoard();
  if (options.logger) lazyLogger(events, options.logger, options.logLevel ?? 'warn');
  const given = options.onWarning;
  // A warning goes to onWarning and to 'warning' listeners; Node's default only when neither
  // was given, so that a client watched through its events does not warn twice.
  const onWarning = (warning: OktaWarning): void => {
    const listened = events.listens('warning');
    if (given || !listened) notify(given ?? defaultOnWarning, warning);
    events.emit('warning', warning);
  };
  const app = config.credential?.token === undefined && config.credential?.serviceApp;
  const tokenUrl = config.orgUrl + TOKEN_ROUTE.path;
  const serviceApp = app && platform.startServiceApp?.(app, sendToken, tokenUrl, clock, onWarning);
  const authorizer = createAuthorizer(config.credential, serviceApp || undefined);
  // On unless turned off, where the platform has it (server platforms: it finds the API).
  const traced = options.telemetry || undefined;
  const telemetry =
    options.telemetry === false
      ? undefined
      : platform.telemetry
        ? platform.telemetry(config.orgUrl, traced ?? {}, rateLimits)
        : traced?.api && pageTelemetry(config.orgUrl, traced, rateLimits);
  const { throttle } = config;
  const pipeline: Pipeline = {
    orgUrl: config.orgUrl,
    transport,
    authorizer,
    throttle: throttle
      ? lazyGate(() =>
          import('./throttle.js').then(
            ({ Throttle }) =>
              new Throttle(config.orgUrl, throttle.store, throttle.maxWaitMs, clock, onWarning),
          ),
        )
      : undefined,
    scrubber: requestScrubber,
    refine: oauthError,
    clock,
    maxRetries: config.maxRetries,
    maxDelayMs: config.maxDelayMs,
    onRetry: options.onRetry,
    neverSent: platform.neverSent,
    observer: observer(events, rateLimits, clock, telemetry),
    explainFailure: platform.explainFailure,
  };
  // Traced, a request runs with other HTTP instrumentation quiet, and a wait for a slot is a
  // span of its own.
  telemetry?.instrument(pipeline);
  // In a browser the cookie can only travel with credentials: 'include' (Cookie is forbidden).
  const credentials = options.credentials ?? (platform.isBrowser ? 'include' : undefined);
  return { pipeline, headers, credentials, fetch, authorizer, events, rateLimits };
}
