// The client's events: what each attempt of the pipeline did, for logging, metrics and alerts.
// Our own few lines rather than Node's EventEmitter: it runs in browsers too, an 'error' event
// with no listener is just dropped (EventEmitter throws it), and a listener's throw or rejection
// is swallowed by notify(), so watching a call never changes its outcome.
import type { OktaWarning } from '../config/options.js';
import type { RouteId } from '../model/operations.js';
import { notify } from './notify.js';

/**
 * What one attempt of a call did: the object of the `request`, `response` and `error` events
 * (and, with {@link OktaRetryEvent}'s fields added, of `retry`). It never holds a credential, a
 * cookie, a session id or a body: the URL is the spec's template, and the request id is scrubbed
 * of everything the request carried.
 *
 * @example
 * ```ts
 * import { OktaSessions, type OktaCallEvent } from 'okta-sessions';
 *
 * const okta = new OktaSessions({ orgUrl: 'https://acme.okta.com', apiToken: process.env.OKTA_API_TOKEN });
 * okta.on('response', (event: OktaCallEvent) => {
 *   console.log(`${event.method} ${event.urlTemplate} ${event.status} in ${event.elapsedMs} ms`);
 * });
 * ```
 */
export interface OktaCallEvent {
  /** The operation, e.g. `getSession`; `getAccessToken` for a service app's token request. */
  operationId: RouteId;
  /** The HTTP method, e.g. `GET`. */
  method: string;
  /** The spec's path template, e.g. `/api/v1/sessions/{sessionId}`: never the filled path. */
  urlTemplate: string;
  /** 1 for the first attempt of the call, 2 for the next...; a token request is always 1. */
  attempt: number;
  /**
   * Milliseconds since the attempt started (its wait for a rate-limit slot and for a token
   * included): at `request`, the time before sending; at `response` and `error`, the whole attempt.
   */
  elapsedMs: number;
  /** The response's status; undefined at `request` and for failures without a response. */
  status?: number | undefined;
  /** `X-Okta-Request-Id` of the response, scrubbed of the request's secrets. */
  requestId?: string | undefined;
  /**
   * At `error` (and `retry`): the error's kind, e.g. `OktaRateLimitError`, `OktaNetworkError`,
   * `OktaTimeoutError`, `AbortError`; the kind of a caller's own abort reason, or `_OTHER`.
   */
  errorType?: string | undefined;
  /**
   * At `error`: true when the client refused without sending anything (a credential it could
   * not get, a deadline spent waiting for a rate-limit slot or a token).
   */
  local?: boolean | undefined;
  /** What the response said about its rate-limit bucket; undefined where it said nothing. */
  rateLimit?: OktaRateLimitSnapshot | undefined;
}

/**
 * Okta's rate-limit headers of one response (`X-Rate-Limit-Limit`, `-Remaining`, `-Reset`).
 *
 * @example
 * ```ts
 * import type { OktaRateLimitSnapshot } from 'okta-sessions';
 * const low = (s: OktaRateLimitSnapshot) => s.limit !== undefined && (s.remaining ?? 0) < s.limit / 10;
 * ```
 */
export interface OktaRateLimitSnapshot {
  /** Requests the window allows; 0 on a concurrency refusal. */
  limit: number | undefined;
  /** Requests left in the window. */
  remaining: number | undefined;
  /** When the window resets, by the server's clock. */
  resetAt: Date | undefined;
}

/**
 * The object of the `retry` event: the attempt that failed, and when and why the call goes again.
 *
 * @example
 * ```ts
 * import type { OktaRetryEvent } from 'okta-sessions';
 * const onRetry = (e: OktaRetryEvent) => console.warn(`${e.operationId}: ${e.reason}, again in ${e.delayMs} ms`);
 * ```
 */
export interface OktaRetryEvent extends OktaCallEvent {
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Why the call goes again. */
  reason: 'rate-limit' | 'server-error' | 'network' | 'timeout';
}

/**
 * The events of a client and their objects; see {@link OktaSessions.on}.
 *
 * @example
 * ```ts
 * import type { OktaEventMap } from 'okta-sessions';
 * const seen: Array<OktaEventMap['error']> = [];
 * ```
 */
export interface OktaEventMap {
  /** An attempt is about to be sent (its credential in hand). */
  request: OktaCallEvent;
  /** An attempt got an answer, whatever its status. */
  response: OktaCallEvent;
  /** An attempt failed: an error status, a network failure, a timeout, a local refusal. */
  error: OktaCallEvent;
  /** The call goes again after `delayMs` (what `onRetry` is told, with the attempt's fields). */
  retry: OktaRetryEvent;
  /** Something degraded without failing a call (what `onWarning` is told). */
  warning: OktaWarning;
}

/** The name of a client event. */
export type OktaEventName = keyof OktaEventMap;

/** Every event name, in the order of a call. */
export const EVENT_NAMES: readonly OktaEventName[] = [
  'request',
  'response',
  'error',
  'retry',
  'warning',
];

/** A client's listeners. `active` is read by every attempt: with none, no event is built. */
export class Emitter {
  // Typed per name by on/off/emit; stored as listeners of anything they are given.
  readonly #listeners: Partial<Record<OktaEventName, Array<(event: never) => unknown>>> = {};
  /** Any listener of an attempt's events (not counting `warning`)? */
  active = false;

  on<K extends OktaEventName>(name: K, listener: (event: OktaEventMap[K]) => unknown): void {
    if (!EVENT_NAMES.includes(name) || typeof listener !== 'function') {
      // A misspelt name would otherwise be a listener that silently never runs.
      throw new TypeError(`on(): unknown event "${String(name)}", or no listener function`);
    }
    const list: Array<(event: never) => unknown> = (this.#listeners[name] ??= []);
    list.push(listener);
    this.#update();
  }

  off<K extends OktaEventName>(name: K, listener: (event: OktaEventMap[K]) => unknown): void {
    const list: unknown[] | undefined = this.#listeners[name];
    const index = list ? list.indexOf(listener) : -1;
    if (index !== -1) list!.splice(index, 1);
    this.#update();
  }

  /** Has `name` a listener? */
  listens(name: OktaEventName): boolean {
    return !!this.#listeners[name]?.length;
  }

  #update(): void {
    const l = this.#listeners;
    this.active = !!(l.request?.length || l.response?.length || l.error?.length || l.retry?.length);
  }

  /** Calls each listener of `name`; none throws or rejects into the caller. */
  emit<K extends OktaEventName>(name: K, event: OktaEventMap[K]): void {
    const list = this.#listeners[name];
    if (!list) return;
    // A copy: a listener that removes itself does not skip the next one.
    for (const listener of [...list]) notify(listener, event as never);
  }
}
