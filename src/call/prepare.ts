// The request of an operation, built once per call from the spec's route, the client's own
// headers and the caller's options; checked before any I/O.
import type { CallOptions, CurrentSessionArgs } from '../model/arguments.js';
import { fillPath, routes, type OperationId } from '../model/operations.js';
import { assertCallOptions, assertSessionCookie } from '../model/validate.js';
import { OktaValidationError } from '../errors/validation-error.js';
import type { Call } from './attempt.js';
import { lowercased } from './client-parts.js';

/** What an operation sends besides the client's own headers. */
export interface Prepared {
  /** The spec's path parameters by name. */
  path?: Record<string, string>;
  /** Query parameters; undefined ones are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  cookie?: string;
  body?: string;
}

// createSession spends a single-use session token: repeating it after it may have reached
// Okta turns a success into a confusing 4xx. Everything else is safe to repeat.
const NOT_REPEATABLE: ReadonlySet<OperationId> = new Set<OperationId>(['createSession']);

function queryOf(query: Prepared['query']): string {
  const params = new URLSearchParams();
  for (const name in query) {
    const value = query[name];
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text && `?${text}`;
}

export const noBody = (): undefined => undefined;

/** What a `/me` operation sends: the user's cookie, checked (browsers send their own). */
export function cookiePrepared(args: CurrentSessionArgs, isBrowser: boolean): Prepared {
  const cookie = (args as CurrentSessionArgs | undefined)?.cookie;
  if (isBrowser) {
    if (cookie === undefined) return {};
    throw new OktaValidationError(
      'cookie',
      'browsers forbid setting the Cookie header; leave it out and create the client with credentials: "include" so the browser sends the Okta cookie itself',
    );
  }
  assertSessionCookie(cookie);
  return { cookie };
}

/** May a request that might have reached Okta be sent again? */
export function repeatable(id: OperationId): boolean {
  return !NOT_REPEATABLE.has(id);
}

/** What every call of a client starts from. */
export interface CallDefaults {
  /** The client's own headers, names lowercase. */
  headers: Record<string, string>;
  /** The `credentials` mode of the cookie-only operations. */
  credentials: RequestCredentials | undefined;
  timeoutMs: number;
}

/** The call of operation `id`; throws before any I/O on bad options or an aborted signal. */
export function callOf(
  id: OperationId,
  prepared: Prepared,
  options: CallOptions | undefined,
  defaults: CallDefaults,
): Call {
  assertCallOptions(options);
  const signal = options?.signal;
  if (signal?.aborted) throw signal.reason;
  const route = routes[id];
  let headers = defaults.headers;
  if (options?.headers || prepared.cookie !== undefined || prepared.body !== undefined) {
    headers = { ...headers, ...lowercased(options?.headers) };
    if (prepared.cookie !== undefined) headers['cookie'] = prepared.cookie;
    if (prepared.body !== undefined) headers['content-type'] = 'application/json';
  }
  return {
    id,
    method: route.method,
    template: route.path,
    path: fillPath(route.path, prepared.path) + queryOf(prepared.query),
    headers,
    body: prepared.body,
    // The cookie-only operations are the ones a browser must send its cookies with.
    credentials: route.security.length === 0 ? defaults.credentials : undefined,
    signal,
    timeoutMs: options?.timeoutMs ?? defaults.timeoutMs,
  };
}
