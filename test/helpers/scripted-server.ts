// A scripted HTTP server on 127.0.0.1 (port 0) for fault-injection tests.
//
// Each incoming request is answered by the next step of the script (request 0 by step 0, ...);
// requests past the end of the script get a 599 answer and are flagged in `overruns`. Every
// request is recorded (method, raw target, parsed headers, raw header list, body) so tests can
// count the attempts the server saw and check what the client sent.

import { exampleSession } from './spec-examples.js';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  /** 0 for the first request the server saw. */
  index: number;
  method: string;
  /** The raw request target, exactly as sent on the wire (e.g. `/api/v1/sessions/abc%2F`). */
  url: string;
  /** Parsed headers (lower-cased names, duplicates joined by Node). */
  headers: IncomingHttpHeaders;
  /** Raw header list, names and values alternating, as received. */
  rawHeaders: string[];
  /** The request body as text (complete once the step runs). */
  body: string;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
}

export interface StepContext {
  req: IncomingMessage;
  res: ServerResponse;
  socket: Socket;
  request: RecordedRequest;
  /** True once the server is closing: long-running steps must stop writing. */
  closed: () => boolean;
}

export type ScriptStep = (ctx: StepContext) => void | Promise<void>;

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request the server saw, in arrival order. */
  requests: RecordedRequest[];
  /** How many requests (attempts) the server saw. */
  readonly attempts: number;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Requests that arrived after the script ran out. */
  readonly overruns: number;
  /** Parse errors Node's HTTP parser reported (e.g. a malformed or smuggled request). */
  clientErrors: Error[];
  /** Errors thrown by steps. */
  stepErrors: unknown[];
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  /** Answer for requests past the end of the script; default: 599 with a JSON note. */
  fallback?: ScriptStep;
}

const live = new Set<ScriptedServer>();

/** Starts a server that answers request i with `script[i]`. */
export async function startScriptedServer(
  script: readonly ScriptStep[],
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const clientErrors: Error[] = [];
  const stepErrors: unknown[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let overruns = 0;
  let closing = false;

  const server = createServer((req, res) => {
    const request: RecordedRequest = {
      index: requests.length,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: [...req.rawHeaders],
      body: '',
      receivedAt: performance.now(),
    };
    requests.push(request);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.on('end', () => {
      request.body = Buffer.concat(chunks).toString('utf8');
      let step = script[request.index];
      if (!step) {
        overruns += 1;
        step = options.fallback ?? fallbackStep;
      }
      const ctx: StepContext = {
        req,
        res,
        socket: req.socket,
        request,
        closed: () => closing || res.destroyed || req.socket.destroyed,
      };
      Promise.resolve()
        .then(() => step(ctx))
        .catch((err: unknown) => {
          stepErrors.push(err);
          if (!res.headersSent && !res.destroyed) {
            res.writeHead(598).end();
          }
        });
    });
  });
  // Requests idle in keep-alive must not keep the test waiting; hung steps are destroyed on close.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.on('clientError', (err: Error, socket: Socket) => {
    clientErrors.push(err);
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const handle: ScriptedServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get attempts() {
      return requests.length;
    },
    get connections() {
      return connections;
    },
    get overruns() {
      return overruns;
    },
    clientErrors,
    stepErrors,
    close: async () => {
      if (closing) return;
      closing = true;
      live.delete(handle);
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  live.add(handle);
  return handle;
}

/** Closes every server still running (call it in afterEach). */
export async function closeAllScriptedServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.close()));
}

// ---------------------------------------------------------------------------------------------
// Steps

let requestCounter = 0;

/** A fresh, unique `X-Okta-Request-Id`. */
export function newRequestId(prefix = 'req'): string {
  requestCounter += 1;
  return `${prefix}-${requestCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Whole seconds of the current time (what an HTTP `Date` header can say). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** An HTTP `Date` header value for epoch seconds. */
export function httpDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toUTCString();
}

function baseHeaders(extra: OutgoingHttpHeaders | undefined, requestId: string | undefined) {
  const headers: OutgoingHttpHeaders = {
    'X-Okta-Request-Id': requestId ?? newRequestId(),
    'X-Rate-Limit-Limit': '600',
    'X-Rate-Limit-Remaining': '599',
    'X-Rate-Limit-Reset': String(nowSeconds() + 60),
  };
  for (const [name, value] of Object.entries(extra ?? {})) {
    // `undefined` removes a default header.
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) delete headers[existing];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

export interface AnswerOptions {
  headers?: OutgoingHttpHeaders;
  requestId?: string;
}

/** Answers with `status` and a raw text body (no content-type unless given). */
export function text(status: number, body: string, options: AnswerOptions = {}): ScriptStep {
  return ({ res }) => {
    const headers = baseHeaders(options.headers, options.requestId);
    headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** Answers with `status` and `body` as JSON. */
export function json(status: number, body: unknown, options: AnswerOptions = {}): ScriptStep {
  return text(status, JSON.stringify(body), {
    ...options,
    headers: { 'Content-Type': 'application/json', ...options.headers },
  });
}

/** Answers with `status` and no body at all. */
export function empty(status: number, options: AnswerOptions = {}): ScriptStep {
  return text(status, '', options);
}

/** A Session as Okta returns it: the spec's ActiveSession example, with the given id. */
export function sessionBody(id?: string): Record<string, unknown> {
  return exampleSession(id);
}

/** 200 with a Session. */
export function sessionOk(id?: string, options: AnswerOptions = {}): ScriptStep {
  return json(200, sessionBody(id), {
    ...options,
    headers: { 'Content-Type': 'application/json', ...options.headers },
  });
}

/** An Okta error body. */
export function oktaError(
  errorCode: string,
  errorSummary: string,
  errorCauses: unknown = [],
): Record<string, unknown> {
  return {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${Math.random().toString(36).slice(2, 12)}`,
    errorCauses,
  };
}

export interface RateLimitedOptions {
  /** `X-Rate-Limit-Reset`: a number, several values (one header line each), a raw string, or null to omit. */
  reset?: number | number[] | string | null;
  /** `Retry-After` (omitted unless given). */
  retryAfter?: string;
  /** Epoch seconds for the `Date` header (default: now). */
  dateSeconds?: number;
  /** Omit the X-Rate-Limit-Limit/Remaining headers. */
  noLimitHeaders?: boolean;
  limit?: number;
  remaining?: number;
  requestId?: string;
}

/** 429 E0000047 with the rate-limit headers described by `options`. */
export function rateLimited(options: RateLimitedOptions = {}): ScriptStep {
  return ({ res }) => {
    const dateSeconds = options.dateSeconds ?? nowSeconds();
    const headers: OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
      'X-Okta-Request-Id': options.requestId ?? newRequestId('rl'),
      Date: httpDate(dateSeconds),
    };
    if (!options.noLimitHeaders) {
      headers['X-Rate-Limit-Limit'] = String(options.limit ?? 600);
      headers['X-Rate-Limit-Remaining'] = String(options.remaining ?? 0);
    }
    const reset = options.reset === undefined ? dateSeconds + 1 : options.reset;
    if (reset !== null) {
      headers['X-Rate-Limit-Reset'] = Array.isArray(reset) ? reset.map(String) : String(reset);
    }
    if (options.retryAfter !== undefined) headers['Retry-After'] = options.retryAfter;
    const body = JSON.stringify(
      oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'),
    );
    headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(429, headers);
    res.end(body);
  };
}

/** Destroys the connection before any response byte is written. */
export function resetBeforeHeaders(): ScriptStep {
  return ({ socket }) => {
    socket.destroy();
  };
}

/** Writes the status line, headers and part of the body, then never finishes. */
export function hungBody(
  status: number,
  partialBody: string,
  options: AnswerOptions = {},
): ScriptStep {
  return ({ res }) => {
    const headers = baseHeaders(
      { 'Content-Type': 'application/json', 'Content-Length': '100000', ...options.headers },
      options.requestId,
    );
    res.writeHead(status, headers);
    res.write(partialBody);
  };
}

/** Reads the request and never answers. */
export function neverAnswer(): ScriptStep {
  return () => undefined;
}

export interface StreamOptions extends AnswerOptions {
  /** Bytes to send; Infinity for a body that never ends. */
  totalBytes: number;
  /** What the body starts with (e.g. the start of a JSON error). */
  prefix?: string;
  /** Filler character. */
  fill?: string;
  /** Called with the number of bytes written when the stream stops. */
  onDone?: (bytesWritten: number, finished: boolean) => void;
}

/** Streams a large (or endless) body with back-pressure; stops when the client goes away. */
export function streamBody(status: number, options: StreamOptions): ScriptStep {
  return async ({ res, closed }) => {
    const headers = baseHeaders(
      { 'Content-Type': 'application/json', ...options.headers },
      options.requestId,
    );
    if (Number.isFinite(options.totalBytes)) headers['Content-Length'] = String(options.totalBytes);
    res.writeHead(status, headers);
    const chunk = Buffer.alloc(64 * 1024, options.fill ?? 'x');
    let written = 0;
    if (options.prefix) {
      const prefix = Buffer.from(options.prefix);
      res.write(prefix);
      written += prefix.length;
    }
    while (written < options.totalBytes && !closed()) {
      const size = Math.min(chunk.length, options.totalBytes - written);
      const ok = res.write(size === chunk.length ? chunk : chunk.subarray(0, size));
      written += size;
      if (!ok) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
      }
    }
    const finished = written >= options.totalBytes && !closed();
    if (finished) res.end();
    options.onDone?.(written, finished);
  };
}

function fallbackStep({ res, request }: StepContext): void {
  const body = JSON.stringify({
    errorCode: 'SCRIPT_EXHAUSTED',
    errorSummary: `scripted server: no step for request ${request.index}`,
  });
  res.writeHead(599, { 'Content-Type': 'application/json' });
  res.end(body);
}

// ---------------------------------------------------------------------------------------------
// Reading recorded requests

/** A header of a recorded request, or undefined. Joins duplicates with ", ". */
export function headerOf(request: RecordedRequest | undefined, name: string): string | undefined {
  if (!request) return undefined;
  const values: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]?.toLowerCase() === name.toLowerCase()) {
      values.push(request.rawHeaders[i + 1] ?? '');
    }
  }
  return values.length === 0 ? undefined : values.join(', ');
}

/** The lower-cased header names of a recorded request, in order (duplicates kept). */
export function headerNames(request: RecordedRequest): string[] {
  const names: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    names.push((request.rawHeaders[i] ?? '').toLowerCase());
  }
  return names;
}
