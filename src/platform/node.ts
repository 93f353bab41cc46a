import { release } from 'node:os';
import { Pool } from 'undici';
import { LightRequest, LightResponse } from './light-http.js';
import type { Platform } from './types.js';

// One keep-alive pool per origin, shared by every client in the process, like a global agent.
// undici unreferences idle sockets, so an idle pool never keeps the process alive.
const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { keepAliveTimeout: 4_000, connections: 128 });
    pools.set(origin, pool);
  }
  return pool;
}

async function nodeFetch(input: Request): Promise<Response> {
  const request = input as unknown as LightRequest;
  const headers: string[] = [];
  request.headers.forEach((value, name) => {
    headers.push(name, value);
  });
  const {
    statusCode,
    headers: responseHeaders,
    body,
  } = await poolFor(request.origin).request({
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
  isBrowser: false,
  runtime: `node/${process.versions.node} ${process.platform}/${release()}`,
};
