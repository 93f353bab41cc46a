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

/** What `okta.raw` is built from. */
export interface RawOptions {
  orgUrl: string;
  fetch: FetchFunction;
  headers: Record<string, string>;
  authorizer: Authorizer;
  refine: RefineError | undefined;
  /** The platform's plain words for a cryptic failure, as the façade's calls use them. */
  explainFailure?: ((url: string, cause: unknown) => unknown) | undefined;
}

const byRoute = new Map<string, OperationId>();
for (const id of Object.keys(routes) as OperationId[]) {
  byRoute.set(`${routes[id].method} ${routes[id].path}`, id);
}

/** The façade's rules as openapi-fetch middleware. */
function wireMiddleware(
  authorizer: Authorizer,
  refine: RefineError | undefined,
  explainFailure: RawOptions['explainFailure'],
): Middleware {
  // A body is spent once sent: a copy is kept in case the server echoes its session token.
  const bodies = new WeakMap<Request, string>();
  return {
    async onRequest({ request, schemaPath }) {
      // The raw client knows only the route: the spec's method and path template name the operation.
      const id = byRoute.get(`${request.method} ${schemaPath}`);
      const credential = id
        ? await authorizer.headersFor(id, request.method, request.url)
        : undefined;
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
      return undefined;
    },
    async onResponse({ request, response }) {
      // Decided on the status, never the body; a 3xx (or a browser's opaque redirect) included.
      if (response.ok) return undefined;
      const secrets = secretsOfRequest((name) => request.headers.get(name), bodies.get(request));
      throw await apiErrorOf(
        fromFetchResponse(response),
        request.method,
        request.url,
        scrubberOf(secrets),
        refine,
      );
    },
    onError({ request, error }) {
      // Cancellation keeps its own reason.
      if (request.signal?.aborted || isOktaError(error)) return undefined;
      const cause = explainFailure?.(request.url, error) ?? error;
      return new OktaNetworkError(request.method, request.url, cause);
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
  client.use(wireMiddleware(options.authorizer, options.refine, options.explainFailure));
  return client;
}
