import { release } from 'node:os';
import type { Dispatcher, Pool } from 'undici';
import { LightAbortController, LightRequest, LightResponse } from './light-http.js';
import type { Platform } from './types.js';

// One keep-alive pool per origin, shared by every client in the process, like a global agent.
// undici unreferences idle sockets, so an idle pool never keeps the process alive.
const pools = new Map<string, Pool>();
let requestOn: RequestFn | undefined;

type RequestFn = (
  this: Pool,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

function interop<T>(loaded: T | { default: T }): T {
  // ESM sees CommonJS `module.exports` as `default`; the CJS build gets it as is.
  return typeof loaded === 'function' ? loaded : (loaded as { default: T }).default;
}

// Only undici's Pool and its request API are loaded (not its fetch, WebSocket, cache...), and
// only on the first request: importing all of undici costs ~90 ms and ~17 MB, which would
// dominate cold starts of code that builds a client but may never call it. (Full undici
// attaches `request` to the dispatcher prototype; loaded alone, we call it on the pool.)
async function createPool(origin: string): Promise<Pool> {
  const [PoolClass, request] = await Promise.all([
    import('undici/lib/dispatcher/pool.js').then((m) => interop<typeof Pool>(m)),
    import('undici/lib/api/api-request.js').then((m) => interop<RequestFn>(m)),
  ]);
  requestOn = request;
  const pool =
    pools.get(origin) ?? new PoolClass(origin, { keepAliveTimeout: 4_000, connections: 128 });
  pools.set(origin, pool);
  return pool;
}

async function nodeFetch(input: Request): Promise<Response> {
  const request = input as unknown as LightRequest;
  const headers: string[] = [];
  request.headers.forEach((value, name) => {
    headers.push(name, value);
  });
  const pool = pools.get(request.origin) ?? (await createPool(request.origin));
  const {
    statusCode,
    headers: responseHeaders,
    body,
  } = await requestOn!.call(pool, {
    origin: request.origin,
    path: request.path,
    method: request.method as 'GET',
    headers,
    body: request.body ?? null,
    signal: request.signal ?? null,
  });
  return new LightResponse(statusCode, responseHeaders, body) as unknown as Response;
}

/** The Node platform: undici's pool with light request/response objects instead of WHATWG ones. */
export const platform: Platform = {
  fetch: nodeFetch,
  Request: LightRequest as unknown as typeof globalThis.Request,
  AbortController: LightAbortController,
  isBrowser: false,
  runtime: `node/${process.versions.node} ${process.platform}/${release()}`,
  // Loaded on use: the YAML parser and node:fs are no import-time cost of other clients.
  readConfigFiles: (sources) => import('../config-file.js').then((m) => m.readConfigFiles(sources)),
};
