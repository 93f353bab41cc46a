// The Node transport: undici's Pool, driven through its public dispatch API, without WHATWG
// Request/Response objects (building those costs more than the rest of a call).
import type { Dispatcher, Pool } from 'undici';
import type { FetchFunction } from './fetch.js';
import {
  BodyTooLargeError,
  type HeaderReader,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';

/** A checked proxy setting: every variable given explicitly, so undici reads no environment. */
export interface ResolvedProxy {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
  /** `host:port` of the proxies, for messages: never the credentials. */
  label: string;
}

// Per origin, shared by every client in the process, like a global agent. undici unreferences
// idle sockets, so an idle pool never keeps the process alive.
const CONNECTIONS = 128;
const KEEP_ALIVE_MS = 4_000;
// Body bytes buffered before anyone reads them; past this the socket is paused. Pausing changes
// when bytes are read, never which: a memory guard for the Transport contract, whose mutants no
// caller can observe (the façade and the token request start reading as the headers arrive).
// Stryker disable next-line ArithmeticOperator: flow control only (see above).
const UNREAD_BYTES = 64 * 1024;

// Only undici's Pool is loaded, on the first request: importing all of undici adds its fetch,
// WebSocket and cache layers (about 9 MB more RSS here, measured). The file has sat at this
// path through undici 6 and 7; should a release move it, the public entry is used instead.
// Stryker disable next-line StringLiteral: the public entry serves the same Pool; only memory differs.
const POOL_FILE = 'undici/lib/dispatcher/pool.js';
let PoolClass: Promise<typeof Pool> | undefined;

// Stryker disable next-line ConditionalExpression: `false` falls back to the public entry, the same Pool, only memory differs (jest kills `true`: its CommonJS import() has no default).
const isPoolClass = (value: unknown): value is typeof Pool => typeof value === 'function';

async function importPool(): Promise<typeof Pool> {
  // Stryker disable next-line BlockStatement: the public entry serves the same Pool; only memory differs.
  try {
    const file: { default?: unknown } = await import(POOL_FILE);
    if (isPoolClass(file.default)) return file.default;
  } catch {
    // Moved or renamed in this undici release: the public entry has it too.
  }
  return (await import('undici')).Pool;
}

/**
 * At most CONNECTIONS requests in undici at once: the rest wait here, where cancelling is free.
 * (In undici's own queue a cancelled request would keep its place until a connection frees.)
 * Its count cannot be seen from outside: undici holds the same limit of CONNECTIONS, so a lane
 * that let one request too many through would only move the wait into undici's queue. The
 * mutants marked "lane count" below change nothing else.
 */
class Lane {
  #active = 0;
  readonly #waiting = new Set<Exchange>();
  readonly pool: Pick<Dispatcher, 'dispatch'>;

  constructor(pool: Pick<Dispatcher, 'dispatch'>) {
    this.pool = pool;
  }

  enter(exchange: Exchange): void {
    // Nobody waits while a connection is free: leave() hands each freed one to the next in line.
    // Stryker disable next-line EqualityOperator: `<=` is lane count (see Lane); `>=` queues every request for good, which any test kills
    if (this.#active < CONNECTIONS) {
      this.#active++;
      exchange.start();
    } else {
      this.#waiting.add(exchange);
    }
  }

  /** Takes a waiting exchange out of the queue; false once it has started. */
  withdraw(exchange: Exchange): boolean {
    return this.#waiting.delete(exchange);
  }

  leave(): void {
    this.#active--;
    for (const next of this.#waiting) {
      this.#waiting.delete(next);
      // Stryker disable next-line UpdateOperator: lane count (see Lane)
      this.#active++;
      next.start();
      return;
    }
  }
}

const lanes = new Map<string, Lane>();

async function laneFor(origin: string): Promise<Lane> {
  const Class = await (PoolClass ??= importPool());
  let lane = lanes.get(origin);
  if (!lane) {
    lane = new Lane(
      new Class(origin, { connections: CONNECTIONS, keepAliveTimeout: KEEP_ALIVE_MS }),
    );
    lanes.set(origin, lane);
  }
  return lane;
}

function headerReader(
  headers: Record<string, string | string[] | undefined>,
): HeaderReader & { forEach(callback: (value: string, name: string) => void): void } {
  const get = (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  };
  return {
    get,
    forEach(callback) {
      for (const name of Object.keys(headers)) {
        const value = get(name);
        if (value !== null) callback(value, name);
      }
    },
  };
}

/** A cancellation reason undici accepts (it wants an Error); the façade keeps the real one. */
const asError = (reason: unknown): Error =>
  reason instanceof Error ? reason : new Error('request cancelled');

interface Reader {
  limit: number;
  overflow: 'truncate' | 'throw';
  resolve(text: string): void;
  reject(error: unknown): void;
}

/** One request/response exchange as undici's handler, with the body buffered under a bound. */
class Exchange implements Dispatcher.DispatchHandler, TransportResponse {
  status = 0;
  headers: HeaderReader = headerReader({});
  readonly #request: TransportRequest;
  readonly #lane: Lane;
  readonly #resolve: (response: TransportResponse) => void;
  readonly #reject: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #cancelled: unknown = undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #done = false;
  #error: unknown = undefined;
  #reader: Reader | undefined;
  #started = false;

  constructor(
    request: TransportRequest,
    lane: Lane,
    resolve: (response: TransportResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.#request = request;
    this.#lane = lane;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Hands the request to undici (called by the lane when a connection is free). */
  start(): void {
    this.#started = true;
    const request = this.#request;
    try {
      this.#lane.pool.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body ?? null,
        },
        this,
      );
    } catch (error) {
      this.#fail(error);
    }
  }

  get cancelled(): boolean {
    return this.#cancelled !== undefined;
  }

  cancel(reason: unknown): void {
    this.#cancelled = reason;
    // Not yet handed to undici (cancelled early, or waiting in the lane): no socket is touched.
    // The call has rejected already through the attempt's race, so only this exchange's own
    // promise (which nothing awaits any more) depends on the branch below: see
    // test/undici-transport.test.ts.
    if (this.#lane.withdraw(this) || !this.#started) {
      this.#reject(reason);
      return;
    }
    if (!this.#done) this.#controller?.abort(asError(reason));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Cancelled while connecting: end it before a byte is written.
    if (this.#cancelled !== undefined) controller.abort(asError(this.#cancelled));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headerReader(headers);
    this.#controller = controller;
    this.#resolve(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    const reader = this.#reader;
    if (reader) {
      if (this.#size > reader.limit) this.#overflow(reader);
      return;
    }
    // Stryker disable next-line all: flow control only (see UNREAD_BYTES).
    if (this.#size > UNREAD_BYTES) controller.pause();
  }

  onResponseEnd(): void {
    // After an overflow (already done) undici reports the abort as an error, not an end; were
    // it to end as well, only the lane count would be off.
    // Stryker disable next-line ConditionalExpression: `false` is lane count (see Lane); `true` never finishes a body, which any test kills
    if (this.#done) return;
    this.#done = true;
    this.#lane.leave();
    if (this.#reader) this.#finish(this.#reader);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#fail(error);
  }

  text(limit: number, overflow: 'truncate' | 'throw'): Promise<string> {
    return new Promise((resolve, reject) => {
      const reader: Reader = { limit, overflow, resolve, reject };
      if (this.#error !== undefined) return reject(this.#error);
      this.#reader = reader;
      if (this.#size > limit) return this.#overflow(reader);
      if (this.#done) return this.#finish(reader);
      this.#controller?.resume();
    });
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    // Stryker disable next-line BooleanLiteral: lane count (see Lane); a second failure finds everything settled
    this.#done = true;
    this.#error = error;
    this.#lane.leave();
    this.#reject(error);
    this.#reader?.reject(error);
  }

  #finish(reader: Reader): void {
    const chunks = this.#chunks;
    reader.resolve(
      // Stryker disable next-line ConditionalExpression: with `false` one chunk concatenated is the same text (the tests kill `true`: an empty body).
      chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
    );
  }

  #overflow(reader: Reader): void {
    const kept = Buffer.concat(this.#chunks).subarray(0, reader.limit).toString('utf8');
    this.#chunks = [];
    this.#reader = undefined;
    // Dropped, not drained: a hostile server could send without end.
    // Stryker disable next-line ConditionalExpression: `true` is lane count (see Lane), aborting an ended exchange does nothing; the tests kill `false`
    if (!this.#done) {
      // Stryker disable next-line BooleanLiteral: lane count (see Lane); the abort's error finds the reader gone
      this.#done = true;
      this.#lane.leave();
      this.#controller?.abort(new BodyTooLargeError(reader.limit));
    }
    if (reader.overflow === 'throw') reader.reject(new BodyTooLargeError(reader.limit));
    else reader.resolve(kept);
  }
}

/** The Node transport. */
export const undiciTransport: Transport = {
  async request(request: TransportRequest): Promise<TransportResponse> {
    const lane = lanes.get(request.origin) ?? (await laneFor(request.origin));
    return exchangeOn(lane, request);
  },
};

function exchangeOn(lane: Lane, request: TransportRequest): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    const exchange = new Exchange(request, lane, resolve, reject);
    request.cancel.onCancel((reason) => exchange.cancel(reason));
    // An attempt already cancelled (onCancel then runs at once) never enters the lane.
    if (!exchange.cancelled) lane.enter(exchange);
  });
}

// One undici EnvHttpProxyAgent per proxy setting, shared like the pools: it sends https://
// requests through a CONNECT tunnel, http:// ones (loopback emulators) as absolute-form
// requests, and honours noProxy. The whole of undici is loaded only when a proxy is set.
interface ProxyRoute {
  agent: Pick<Dispatcher, 'dispatch'>;
  /** One lane per origin, as without a proxy. */
  lanes: Map<string, Lane>;
}
const proxyRoutes = new Map<string, Promise<ProxyRoute>>();

function proxyRouteFor(proxy: ResolvedProxy): Promise<ProxyRoute> {
  const key = JSON.stringify([proxy.httpProxy, proxy.httpsProxy, proxy.noProxy]);
  let route = proxyRoutes.get(key);
  if (!route) {
    route = import('undici').then(({ EnvHttpProxyAgent }) => ({
      // Every variable is passed, even empty, so undici reads nothing from process.env itself.
      agent: new EnvHttpProxyAgent({
        httpProxy: proxy.httpProxy,
        httpsProxy: proxy.httpsProxy,
        noProxy: proxy.noProxy,
        proxyTunnel: false,
        connections: CONNECTIONS,
        keepAliveTimeout: KEEP_ALIVE_MS,
      } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]),
      lanes: new Map<string, Lane>(),
    }));
    proxyRoutes.set(key, route);
  }
  return route;
}

/** What went wrong on the way through the proxy, naming its host and never its credentials. */
class ProxyError extends Error {
  readonly code: string | undefined;
  constructor(label: string, problem: string, cause: unknown) {
    super(`through proxy ${label}: ${problem}`, { cause });
    this.name = 'ProxyError';
    this.code = (cause as { code?: string } | undefined)?.code;
  }
}

/** The Node transport through a proxy. */
export function proxyTransport(proxy: ResolvedProxy): Transport {
  return {
    async request(request: TransportRequest): Promise<TransportResponse> {
      const route = await proxyRouteFor(proxy);
      let lane = route.lanes.get(request.origin);
      // Stryker disable next-line ConditionalExpression: `true` is lane count (see Lane); the proxy tests kill `false` (no lane)
      if (!lane) {
        lane = new Lane(route.agent);
        route.lanes.set(request.origin, lane);
      }
      try {
        // A plain request's 407 never comes back as a response: undici's proxy agent turns it
        // into an error ("Proxy Authentication Required (407)"), named below like the others.
        return await exchangeOn(lane, request);
      } catch (error) {
        // (A body too large rejects the read, never this: the exchange has settled by then. A
        // cancelled call has rejected already with its own reason, so this rejection is unseen.)
        const message = (error as { message?: unknown }).message;
        const tunnel = /Proxy response \((\d+)\)/.exec(String(message));
        throw new ProxyError(
          proxy.label,
          tunnel
            ? `the proxy refused the CONNECT tunnel (HTTP ${tunnel[1]})`
            : typeof message === 'string'
              ? message
              : String(error),
          error,
        );
      }
    },
  };
}

/**
 * `fetch` through a proxy, for `okta.raw`: undici's own fetch with the agent the façade's proxy
 * transport uses, so raw calls take the same route (and the same NO_PROXY rules). Node's global
 * fetch cannot be given this agent: it is a different copy of undici.
 */
export function proxyFetch(proxy: ResolvedProxy): FetchFunction {
  return async (request: Request) => {
    const [{ fetch }, route] = await Promise.all([import('undici'), proxyRouteFor(proxy)]);
    const response = await fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body: request.body ? await request.arrayBuffer() : null,
      redirect: 'manual',
      signal: request.signal,
      dispatcher: route.agent as Dispatcher,
    });
    // undici's Response is the WHATWG Response openapi-fetch expects, from another module copy.
    return response as unknown as Response;
  };
}
