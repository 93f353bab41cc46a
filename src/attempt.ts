// One attempt of a call: wait out a spent rate-limit window, add the credential, send through
// the transport under the attempt's deadline, and turn the answer into text or a typed error.
import type { Authorizer } from './auth.js';
import { Deadline } from './abort.js';
import { OktaApiError } from './errors/api-error.js';
import { apiErrorOf, rateLimitOf, type Scrubber } from './errors/factory.js';
import { OktaInvalidResponseError } from './errors/invalid-response-error.js';
import { OktaNetworkError } from './errors/network-error.js';
import { isOktaError } from './errors/okta-error.js';
import { OktaTimeoutError } from './errors/timeout-error.js';
import type { OperationId } from './operations.js';
import { readRateLimit } from './rate-limit.js';
import type { Throttle } from './throttle.js';
import {
  BodyTooLargeError,
  type Transport,
  type TransportResponse,
} from './transport/transport.js';

/** A Session is about 1 kB; a success body near this size is not a Session. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What every attempt of one client shares. */
export interface Wire {
  orgUrl: string;
  transport: Transport;
  authorizer: Authorizer;
  /** The authorizer's header name, lowercase like every header the façade sends. */
  authHeader: string;
  throttle?: Throttle | undefined;
  /**
   * Makes the scrubber of an attempt's secrets from the headers it sent and its body
   * (redact.ts requestScrubber). Undefined only where requests carry no secret a script can
   * see: the client-less /me functions send no credential, cookie or body.
   */
  scrubber: ((sent: Record<string, string>, body: string | undefined) => Scrubber) | undefined;
}

const asIs: Scrubber = (text) => text;

// The credential each API error answered, kept beside the error and never on it (no token in an
// error): a service app that is told 401 must drop the token that call sent, not whichever token
// is cached by the time the answer arrives.
const credentialOf = new WeakMap<OktaApiError, string>();

/** The credential header value the request that got `error` carried, if any. */
export function credentialAnsweredBy(error: unknown): string | undefined {
  return error instanceof OktaApiError ? credentialOf.get(error) : undefined;
}

function scrubberOf(wire: Wire, sent: Record<string, string>, body: string | undefined): Scrubber {
  return wire.scrubber ? wire.scrubber(sent, body) : asIs;
}

/** One call, built once; each attempt adds its credential and retry headers. */
export interface Call {
  id: OperationId;
  method: string;
  /** The filled-in path. */
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  credentials: RequestCredentials | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
}

/** A 2xx response and its body. */
export interface Answer {
  response: TransportResponse;
  text: string;
  /** The headers the attempt sent: what a server's echo must be scrubbed of. */
  sent: Record<string, string>;
}

/** Runs one attempt; rejects with a typed error, the caller's abort reason, or a timeout. */
export async function attempt(
  wire: Wire,
  call: Call,
  retryHeaders: Record<string, string> | undefined,
): Promise<Answer> {
  if (wire.throttle) await wire.throttle.wait(call.id, call.signal);
  const deadline = new Deadline(
    call.signal,
    call.timeoutMs,
    () => new OktaTimeoutError(call.method, wire.orgUrl + call.path, call.timeoutMs),
  );
  try {
    // A token provider that hangs is covered too: the race ends at the deadline.
    return await deadline.race(exchange(wire, call, retryHeaders, deadline));
  } catch (error) {
    if (wire.throttle && error instanceof OktaApiError)
      wire.throttle.note(call.id, rateLimitOf(error));
    if (deadline.ended || isOktaError(error)) throw error;
    throw new OktaNetworkError(call.method, wire.orgUrl + call.path, error);
  } finally {
    deadline.release();
  }
}

async function exchange(
  wire: Wire,
  call: Call,
  retryHeaders: Record<string, string> | undefined,
  deadline: Deadline,
): Promise<Answer> {
  const auth = wire.authorizer.valueFor(call.id);
  const credential = typeof auth === 'object' ? await auth : auth;
  let headers = call.headers;
  if (credential !== undefined || retryHeaders) {
    headers = { ...headers, ...retryHeaders };
    if (credential !== undefined) headers[wire.authHeader] = credential;
  }
  const response = await wire.transport.request({
    method: call.method,
    origin: wire.orgUrl,
    path: call.path,
    headers,
    body: call.body,
    credentials: call.credentials,
    cancel: deadline,
  });
  if (response.status < 200 || response.status >= 300) {
    const error = await apiErrorOf(
      response,
      call.method,
      wire.orgUrl + call.path,
      scrubberOf(wire, headers, call.body),
    );
    if (credential !== undefined) credentialOf.set(error, credential);
    throw error;
  }
  let text: string;
  try {
    text = await response.text(MAX_BODY_BYTES, 'throw');
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw invalidResponse(wire, call, response, error.message, headers);
    }
    throw error;
  }
  if (wire.throttle) wire.throttle.note(call.id, readRateLimit(response.headers));
  return { response, text, sent: headers };
}

/** A 2xx response whose body is not what the operation returns. */
export function invalidResponse(
  wire: Wire,
  call: Call,
  response: TransportResponse,
  problem: string,
  sent: Record<string, string>,
): OktaInvalidResponseError {
  const requestId = response.headers.get('x-okta-request-id');
  return new OktaInvalidResponseError(
    {
      status: response.status,
      // A server can echo the token or cookie in its request id: scrub it like an error body.
      requestId: requestId === null ? undefined : scrubberOf(wire, sent, call.body)(requestId),
      method: call.method,
      url: wire.orgUrl + call.path,
    },
    problem,
  );
}
