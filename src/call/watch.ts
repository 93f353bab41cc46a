// One watched attempt: the events it emits and its OpenTelemetry attempt span. Loaded with the
// first attempt someone watches (call/observe.ts), so a page that never listens does not carry it.
import type { Call } from './attempt.js';
import type { Clock } from '../time/clock.js';
import type { RetryInfo } from '../config/options.js';
import { TOKEN_ROUTE } from '../model/operations.js';
import type { RateLimitState } from '../rate-limit/headers.js';
import { requestScrubber } from '../text/redact.js';
import type { TransportResponse } from '../transport/transport.js';
import type { Emitter, OktaCallEvent } from './events.js';
import type { AttemptTrace } from '../platform/telemetry.js';
import type { Watch } from './retry.js';

/** The kind of an error for `errorType`: an OktaError's kind, an Error's name, or `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  return error instanceof Error && error.name ? error.name : '_OTHER';
}

/**
 * The values a filled path has where its template has `{name}`, as sent and decoded: what an
 * event or a log line must not show (a session id is a bearer credential of sorts).
 */
export function pathIds(template: string, path: string): string[] {
  if (!template.includes('{')) return [];
  const names = template.split('/');
  const values = path.split('?')[0]!.split('/');
  const ids: string[] = [];
  names.forEach((name, i) => {
    const value = values[i];
    if (!name.startsWith('{') || !value) return;
    ids.push(value);
    try {
      ids.push(decodeURIComponent(value));
    } catch {
      // Not valid percent-encoding: the value as sent is all there is.
    }
  });
  return ids;
}

/** The rate-limit fields of an event; undefined when the response said nothing of its bucket. */
function snapshotOf(state: RateLimitState): OktaCallEvent['rateLimit'] {
  const { limit, remaining, resetAt } = state;
  return limit === undefined && remaining === undefined && resetAt === undefined
    ? undefined
    : { limit, remaining, resetAt };
}

export class AttemptWatch implements Watch {
  readonly event: OktaCallEvent;
  /** Undefined when only telemetry watches. */
  readonly #events: Emitter | undefined;
  readonly #trace: AttemptTrace | undefined;
  readonly #call: Call;
  readonly #clock: Clock;
  readonly #startedAt: number;
  #headers: Record<string, string> | undefined;

  constructor(
    events: Emitter | undefined,
    trace: AttemptTrace | undefined,
    call: Call,
    attempt: number,
    clock: Clock,
  ) {
    this.#events = events;
    this.#trace = trace;
    this.#call = call;
    this.#clock = clock;
    this.#startedAt = clock.now();
    this.event = {
      operationId: call.id,
      method: call.method,
      urlTemplate: call.template ?? call.path,
      attempt,
      elapsedMs: 0,
    };
  }

  #elapsed(): void {
    this.event.elapsedMs = this.#clock.now() - this.#startedAt;
  }

  sending(headers: Record<string, string>, joined: boolean): Record<string, string> {
    const sent = this.#trace?.headers(headers, joined) ?? headers;
    this.#headers = sent;
    this.#elapsed();
    this.#events?.emit('request', { ...this.event });
    return sent;
  }

  answered(response: TransportResponse, state: RateLimitState | undefined): void {
    const { event } = this;
    const call = this.#call;
    const requestId = response.headers.get('x-okta-request-id');
    this.#elapsed();
    event.status = response.status;
    // A server can echo the token, cookie or session id in its request id: scrubbed like an
    // error body, and of the ids in the path too (an error's URL shows them; an event never).
    event.requestId =
      requestId === null
        ? undefined
        : requestScrubber(
            this.#headers ?? {},
            call.body,
            pathIds(call.template ?? call.path, call.path),
          )(requestId);
    event.rateLimit = state && snapshotOf(state);
    this.#events?.emit('response', { ...event });
  }

  succeeded<T>(value: T): T {
    this.#trace?.ended(this.event.status, this.event.requestId, undefined);
    return value;
  }

  failed(error: unknown): never {
    this.#elapsed();
    this.event.errorType = errorTypeOf(error);
    // Nothing left: a credential it could not get, a deadline spent before sending.
    this.event.local = this.#headers === undefined;
    this.#events?.emit('error', { ...this.event });
    this.#trace?.ended(this.event.status, this.event.requestId, error ?? 'undefined');
    throw error;
  }

  retrying(info: RetryInfo): void {
    if (!this.#events?.active) return;
    const { delayMs, reason } = info;
    // Only a failed token request is retried under another operation: the token's route.
    const route =
      info.operationId !== this.event.operationId
        ? {
            operationId: info.operationId,
            method: TOKEN_ROUTE.method,
            urlTemplate: TOKEN_ROUTE.path,
          }
        : {};
    this.#events.emit('retry', { ...this.event, ...route, delayMs, reason });
  }
}
