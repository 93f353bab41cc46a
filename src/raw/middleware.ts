// `okta.raw`'s openapi-fetch client: the façade's authorizer, error factory and secret
// collector reach it through one thin middleware. Loaded by raw.ts on the first raw call.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/schema.js';
import type { Authorizer } from '../call/auth.js';
import { apiErrorOf, type RefineError } from '../errors/factory.js';
import { OktaNetworkError } from '../errors/network-error.js';
import { isOktaError } from '../errors/okta-error.js';
import { fillPath, routes, type OperationId } from '../model/operations.js';
import { scrubberOf, secretsOfRequest } from '../text/redact.js';
import { fromFetchResponse, type FetchFunction } from '../transport/fetch.js';
import type { Emitter, OktaCallEvent } from '../call/events.js';
import { errorTypeOf, pathIds } from '../call/watch.js';
import type { RateLimitBoard } from '../call/rate-limits.js';
import { readRateLimit } from '../rate-limit/headers.js';

/** What `okta.raw` is built from. */
export interface RawOptions {
  orgUrl: string;
  fetch: FetchFunction;
  headers: Record<string, string>;
  authorizer: Authorizer;
  refine: RefineError | undefined;
  /** The client's listeners: raw requests emit the façade's events. */
  events?: Emitter | undefined;
  /** The client's rate-limit board, for `okta.rateLimit()`. */
  rateLimits?: RateLimitBoard | undefined;
  /** The platform's plain words for a cryptic failure, as the façade's calls use them. */
  explainFailure?: ((url: string, cause: unknown) => unknown) | undefined;
}

const byRoute = new Map<string, OperationId>();
for (const id of Object.keys(routes) as OperationId[]) {
  byRoute.set(`${routes[id].method} ${routes[id].path}`, id);
}

/** A raw request's event, while someone listens: started when the request was handed to us. */
interface Watched {
  event: OktaCallEvent;
  startedAt: number;
}

/** The façade's rules as openapi-fetch middleware. */
function wireMiddleware(options: RawOptions): Middleware {
  const { authorizer, refine, events, rateLimits, explainFailure } = options;
  // A body is spent once sent: a copy is kept in case the server echoes its session token.
  const bodies = new WeakMap<Request, string>();
  const watched = new WeakMap<Request, Watched>();
  const scrubberFor = (request: Request) =>
    scrubberOf(secretsOfRequest((name) => request.headers.get(name), bodies.get(request)));
  const failed = (request: Request, error: unknown, local: boolean) => {
    const seen = watched.get(request);
    if (!seen || !events) return;
    seen.event.elapsedMs = Date.now() - seen.startedAt;
    events.emit('error', { ...seen.event, errorType: errorTypeOf(error), local });
  };
  return {
    async onRequest({ request, schemaPath }) {
      // The raw client knows only the route: the spec's method and path template name the operation.
      const id = byRoute.get(`${request.method} ${schemaPath}`);
      const seen: Watched | undefined =
        id && events?.active
          ? {
              event: {
                operationId: id,
                method: request.method,
                urlTemplate: schemaPath,
                // openapi-fetch sends each request once: no retries outside the pipeline.
                attempt: 1,
                elapsedMs: 0,
              },
              startedAt: Date.now(),
            }
          : undefined;
      if (seen) watched.set(request, seen);
      let credential;
      try {
        credential = id ? await authorizer.headersFor(id, request.method, request.url) : undefined;
      } catch (error) {
        failed(request, error, true);
        throw error;
      }
      if (credential === undefined) request.headers.delete('authorization');
      for (const name in credential) request.headers.set(name, credential[name]!);
      if (request.body) {
        bodies.set(
          request,
          await request
            .clone()
            .text()
            .catch(() => ''),
        );
      }
      if (seen) {
        seen.event.elapsedMs = Date.now() - seen.startedAt;
        events!.emit('request', { ...seen.event });
      }
      return undefined;
    },
    async onResponse({ request, response, schemaPath }) {
      const id = byRoute.get(`${request.method} ${schemaPath}`);
      const seen = watched.get(request);
      if (id && (rateLimits || seen)) {
        const state = readRateLimit(response.headers, Date.now());
        rateLimits?.note(id, response.status, response.headers, state);
        if (seen) {
          const { event } = seen;
          const requestId = response.headers.get('x-okta-request-id');
          event.elapsedMs = Date.now() - seen.startedAt;
          event.status = response.status;
          event.requestId =
            requestId === null
              ? undefined
              : scrubberOf([
                  ...secretsOfRequest((name) => request.headers.get(name), bodies.get(request)),
                  ...pathIds(schemaPath, new URL(request.url).pathname),
                ])(requestId);
          const { limit, remaining, resetAt } = state;
          event.rateLimit =
            limit === undefined && remaining === undefined && resetAt === undefined
              ? undefined
              : { limit, remaining, resetAt };
          events!.emit('response', { ...event });
        }
      }
      // Decided on the status, never the body; a 3xx (or a browser's opaque redirect) included.
      if (response.ok) return undefined;
      const error = await apiErrorOf(
        fromFetchResponse(response),
        request.method,
        request.url,
        scrubberFor(request),
        refine,
      );
      failed(request, error, false);
      throw error;
    },
    onError({ request, error }) {
      // Cancellation keeps its own reason.
      if (request.signal?.aborted || isOktaError(error)) {
        // An OktaError here was thrown by our own onResponse, and already reported there.
        if (!isOktaError(error)) failed(request, error, false);
        return undefined;
      }
      const cause = explainFailure?.(request.url, error) ?? error;
      const network = new OktaNetworkError(request.method, request.url, cause);
      failed(request, network, false);
      return network;
    },
  };
}

/** The openapi-fetch client behind `okta.raw`, its middleware in place; never follows redirects. */
export function createRawClient(options: RawOptions): Client<paths> {
  const { fetch } = options;
  const client = createClient<paths>({
    baseUrl: options.orgUrl,
    headers: options.headers,
    redirect: 'manual',
    // A per-call `redirect` option cannot turn following back on: credentials stay home.
    fetch: (request: Request) =>
      fetch(request.redirect === 'manual' ? request : new Request(request, { redirect: 'manual' })),
    // The spec has no query parameters and one kind of path parameter.
    querySerializer: () => '',
    pathSerializer: fillPath,
  });
  client.use(wireMiddleware(options));
  return client;
}
