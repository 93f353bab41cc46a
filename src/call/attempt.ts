// One attempt of a call: wait out a spent rate-limit window, add the credential, send through
// the transport under the attempt's deadline, and turn the answer into the parsed value or a
// typed error. API calls and a service app's token requests alike come through here.
import type { Authorizer } from './auth.js';
import { Deadline } from '../time/deadline.js';
import type { Clock } from '../time/clock.js';
import type { RefineError, Scrubber } from '../errors/factory.js';
import { OktaInvalidResponseError } from '../errors/invalid-response-error.js';
import { errorClassFor } from '../errors/status-errors.js';
import { OktaNetworkError } from '../errors/network-error.js';
import { isOktaError } from '../errors/okta-error.js';
import { OktaTimeoutError } from '../errors/timeout-error.js';
import type { RouteId } from '../model/operations.js';
import type { RateLimitState } from '../rate-limit/headers.js';
import type { Tried, Watch } from './retry.js';
import type { Throttle } from './throttle.js';
import {
  BodyTooLargeError,
  type Transport,
  type TransportResponse,
} from '../transport/transport.js';

/** What every attempt of one client shares. */
export interface Wire {
  orgUrl: string;
  transport: Transport;
  authorizer: Authorizer;
  throttle?: Gate | undefined;
  /**
   * Makes the scrubber of an attempt's secrets from the headers it sent and its body
   * (text/redact.ts requestScrubber); the identity where requests carry no secret a script can
   * see: the client-less /me functions send no credential, cookie or body.
   */
  scrubber: (sent: Record<string, string>, body: string | undefined) => Scrubber;
  /** A more specific error class for some answers (OAuth errors); the client's, not the /me page's. */
  refine?: RefineError | undefined;
  /** The platform's plain words for a cryptic failure (https:// to a plain-HTTP server). */
  explainFailure?: ((url: string, cause: unknown) => unknown) | undefined;
  clock: Clock;
  /**
   * Watches each attempt for the client's events, rate-limit state and logs (call/observe.ts);
   * absent on the /me page, which so carries none of that code.
   */
  observer?: Observer | undefined;
}

/** One request, built once; each attempt adds its credential and retry headers. */
export interface Call {
  id: RouteId;
  method: string;
  /**
   * The spec's path template, for events and logs: the filled path can hold a session id.
   * Left out only for routes without parameters (the /me page's), whose path is the template.
   */
  template?: string | undefined;
  /** The filled-in path, with its query. */
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /**
   * Makes the body and the headers from `headers` as the request leaves: after the throttle's
   * wait and under the attempt's deadline. A token request signs its client assertion and DPoP
   * proof here, so that their `iat` is the moment they are sent, not before a wait for a spent
   * window, and so that a signer that never answers ends at the deadline like the request.
   */
  build?:
    | ((
        headers: Record<string, string>,
      ) => Promise<{ body: string; headers: Record<string, string> }>)
    | undefined;
  credentials: RequestCredentials | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** The largest success body read; default 1 MiB (a Session is about 1 kB). */
  maxBodyBytes?: number | undefined;
}

/** What an attempt needs of the throttle (call/throttle.ts): a slot, and each response noted. */
export interface Gate {
  wait: Throttle['wait'];
  /** What the response said of its bucket; undefined when the throttle could not be loaded. */
  noteResponse(...args: Parameters<Throttle['noteResponse']>): RateLimitState | undefined;
}

/** A client's observer (call/observe.ts): a watch per attempt, when someone listens, and every response noted. */
export interface Observer {
  /** Runs a whole call (its OpenTelemetry span), when telemetry is on. */
  around?: (<T>(call: Call, run: () => Promise<T>) => Promise<T>) | undefined;
  /** A watch, when someone listens; a promise of one while its module loads. */
  watch(call: Call, tried: Tried | undefined): Watch | Promise<Watch | undefined> | undefined;
  answered(
    id: RouteId,
    response: TransportResponse,
    state: RateLimitState | undefined,
    watch: Watch | undefined,
  ): void;
}

/** Reads a success body: the value, or a problem (naming no value from the body). */
export type Parse<T> = (text: string) => T | string;

/** Runs one attempt; rejects with a typed error, the caller's abort reason, or a timeout. */
export function attempt<T>(
  wire: Wire,
  call: Call,
  parse: Parse<T>,
  retryHeaders?: Record<string, string>,
  tried?: Tried,
): Promise<T> {
  // Undefined unless someone watches (a listener, a logger): then the attempt is as before.
  const watch = wire.observer?.watch(call, tried);
  return watch instanceof Promise
    ? watch.then((loaded) => watched(wire, call, parse, retryHeaders, tried, loaded))
    : watched(wire, call, parse, retryHeaders, tried, watch);
}

function watched<T>(
  wire: Wire,
  call: Call,
  parse: Parse<T>,
  retryHeaders: Record<string, string> | undefined,
  tried: Tried | undefined,
  watch: Watch | undefined,
): Promise<T> {
  const done = run(wire, call, parse, retryHeaders, tried, watch);
  return watch
    ? done.then(
        (value) => watch.succeeded(value),
        (error: unknown) => watch.failed(error),
      )
    : done;
}

async function run<T>(
  wire: Wire,
  call: Call,
  parse: Parse<T>,
  retryHeaders: Record<string, string> | undefined,
  tried: Tried | undefined,
  watch: Watch | undefined,
): Promise<T> {
  const url = wire.orgUrl + call.path;
  const timeout = () => new OktaTimeoutError(call.method, url, call.timeoutMs);
  // The store's round trip counts against the attempt's time; the wait for a slot does not.
  const slot = wire.throttle
    ? await wire.throttle.wait(call.id, call.signal, call.timeoutMs, timeout)
    : undefined;
  const deadline = new Deadline(
    call.signal,
    call.timeoutMs - (slot?.spent ?? 0),
    timeout,
    wire.clock,
  );
  const sent: Tried = tried ?? {};
  try {
    // A token fetch that hangs is covered too: the race ends at the deadline.
    return await deadline.race(exchange(wire, call, parse, retryHeaders, deadline, sent, watch));
  } catch (error) {
    // An attempt that ends before its request left gives its slot back to the next caller.
    if (sent.sent === undefined) slot?.release();
    if (deadline.ended || isOktaError(error)) throw error;
    throw new OktaNetworkError(call.method, url, wire.explainFailure?.(url, error) ?? error);
  } finally {
    deadline.release();
  }
}

async function exchange<T>(
  wire: Wire,
  call: Call,
  parse: Parse<T>,
  retryHeaders: Record<string, string> | undefined,
  deadline: Deadline,
  tried: Tried | undefined,
  watch: Watch | undefined,
): Promise<T> {
  const { throttle } = wire;
  const url = wire.orgUrl + call.path;
  const pending = wire.authorizer.headersFor(call.id, call.method, url);
  const credential = pending instanceof Promise ? await pending : pending;
  let { headers, body } = call;
  if (call.build) ({ body, headers } = await call.build(headers));
  if (credential !== undefined || retryHeaders)
    headers = { ...headers, ...retryHeaders, ...credential };
  if (watch) headers = watch.sending(headers, pending !== credential);
  if (tried) tried.sent = headers;
  const response = await wire.transport.request({
    method: call.method,
    origin: wire.orgUrl,
    path: call.path,
    headers,
    body,
    credentials: call.credentials,
    cancel: deadline,
  });
  const { status } = response;
  // Stryker disable next-line ConditionalExpression: no transport hands over a status under 200 (1xx are interim)
  const ok = status >= 200 && status < 300;
  // The clock and the rate-limit headers are read only for a throttle or an error: most calls
  // need neither. (Reading the clock always changes no outcome: an equivalent mutant.)
  const now = throttle || !ok ? wire.clock.now() : 0;
  // The throttle reads the headers and hands what it read on to the error factory; without one
  // the factory reads them itself, so the /me page never loads their reader up front.
  const rateLimit = throttle?.noteResponse(call.id, response.headers, status, now);
  wire.observer?.answered(call.id, response, rateLimit, watch);
  // Made only when an error is: most calls never need it.
  const clean: Scrubber = (text) => wire.scrubber(headers, body)(text);
  if (!ok) {
    // The error factory loads with the first error: a page whose calls succeed never fetches
    // it. Should it fail to load (a page left open across a deploy), the status still gives
    // the class, without what the body says.
    const factory = await import('../errors/factory.js').catch(() => undefined);
    if (factory) {
      throw await factory.apiErrorOf(
        response,
        call.method,
        url,
        clean,
        wire.refine,
        rateLimit,
        now,
      );
    }
    const requestId = response.headers.get('x-okta-request-id');
    throw new (errorClassFor(status))({
      status,
      method: call.method,
      url,
      requestId: requestId === null ? undefined : clean(requestId),
    });
  }
  const value = await response
    .text(call.maxBodyBytes ?? 1024 * 1024, 'throw')
    .then(parse, (error: unknown) => {
      if (error instanceof BodyTooLargeError) return error.message;
      throw error;
    });
  if (typeof value !== 'string') return value;
  const requestId = response.headers.get('x-okta-request-id');
  throw new OktaInvalidResponseError(
    {
      status,
      // A server can echo the token or cookie in its request id: scrub it like an error body.
      requestId: requestId === null ? undefined : clean(requestId),
      method: call.method,
      url,
    },
    value,
  );
}
