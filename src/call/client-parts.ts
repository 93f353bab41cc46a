// What a client is made of besides its operations: its own headers, its transport, its
// credential (a service app's token machinery included) and the pipeline every call runs on.
import type { Call } from './attempt.js';
import { createAuthorizer, type Authorizer } from './auth.js';
import { systemClock, type Clock } from '../time/clock.js';
import type { OktaSessionsOptions, ResolvedConfig } from '../config/options.js';
import { oauthError } from '../errors/oauth-factory.js';
import { defaultOnWarning, notify } from './notify.js';
import { TOKEN_ROUTE } from '../model/operations.js';
import type { Pipeline } from './pipeline.js';
import type { Platform } from '../platform/types.js';
import { requestScrubber } from '../text/redact.js';
import { attempt } from './attempt.js';
import { Throttle } from './throttle.js';
import { fetchTransport, type FetchFunction } from '../transport/fetch.js';
import type { SendToken } from '../oauth/token-request.js';
import { VERSION } from '../model/version.js';

/** Header names in lowercase, as the client sends every header (so a caller's `accept` replaces ours). */
export function lowercased(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name]!;
  return out;
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
  const onWarning = options.onWarning ?? defaultOnWarning;
  const app = config.credential?.token === undefined && config.credential?.serviceApp;
  const tokenUrl = config.orgUrl + TOKEN_ROUTE.path;
  const serviceApp =
    app &&
    platform.startServiceApp?.(app, sendToken, tokenUrl, clock, (warning) =>
      notify(onWarning, warning),
    );
  const authorizer = createAuthorizer(config.credential, serviceApp || undefined);
  const pipeline: Pipeline = {
    orgUrl: config.orgUrl,
    transport,
    authorizer,
    throttle: config.throttle
      ? new Throttle(
          config.orgUrl,
          config.throttle.store,
          config.throttle.maxWaitMs,
          clock,
          onWarning,
        )
      : undefined,
    scrubber: requestScrubber,
    refine: oauthError,
    clock,
    maxRetries: config.maxRetries,
    maxDelayMs: config.maxDelayMs,
    onRetry: options.onRetry,
    neverSent: platform.neverSent,
    explainFailure: platform.explainFailure,
  };
  // In a browser the cookie can only travel with credentials: 'include' (Cookie is forbidden).
  const credentials = options.credentials ?? (platform.isBrowser ? 'include' : undefined);
  return { pipeline, headers, credentials, fetch, authorizer };
}
