// The `logger` option: a listener of the client's events (call/events.ts) that writes lines.
// Everything it writes comes from the events, which are scrubbed where they are made (the path
// template, never the path; the request id scrubbed of the request's secrets and ids).
import { LOG_LEVELS, type OktaLogger, type OktaLogLevel } from '../config/options.js';
import type { Emitter, OktaCallEvent, OktaEventMap, OktaEventName } from './events.js';
import { notify } from './notify.js';

/** A rate-limit bucket with less than this share left is logged at `warn`. */
const LOW_SHARE = 0.1;
// Operations Okta has deprecated: the first call of each is logged at `warn`.
const DEPRECATED: ReadonlySet<string> = new Set(['closeCurrentSession']);

/** The fields of an attempt's line: the event, the rate limit flattened, no empty values. */
function fieldsOf(event: OktaCallEvent): Record<string, unknown> {
  const { rateLimit, ...rest } = event;
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(rest)) if (value !== undefined) fields[name] = value;
  if (rateLimit) {
    if (rateLimit.limit !== undefined) fields['rateLimitLimit'] = rateLimit.limit;
    if (rateLimit.remaining !== undefined) fields['rateLimitRemaining'] = rateLimit.remaining;
    if (rateLimit.resetAt) fields['rateLimitResetAt'] = rateLimit.resetAt.toISOString();
  }
  return fields;
}

const line = (e: OktaCallEvent) =>
  `okta-sessions ${e.method} ${e.urlTemplate} ${e.status ?? e.errorType ?? ''} ` +
  `(${e.operationId}, attempt ${e.attempt}, ${e.elapsedMs} ms)`;

/** What the logger does with each event, at `level` and above. */
type Handlers = Partial<Record<OktaEventName, Array<(event: never) => void>>>;

/**
 * Subscribes `logger` to `events` at `level` and above, after writing the lines of `early`: the
 * events that came while this module was loading (client-parts.ts loads it on demand).
 */
export function attachLogger(
  events: Emitter,
  logger: OktaLogger,
  level: OktaLogLevel,
  early: ReadonlyArray<[OktaEventName, unknown]> = [],
): void {
  const handlers = handlersOf(logger, level);
  // A logger's own failure must not fail the call it logs: notify() runs each handler.
  for (const [name, event] of early) {
    for (const h of handlers[name] ?? []) notify(h as (e: unknown) => void, event);
  }
  for (const name of Object.keys(handlers) as OktaEventName[]) {
    for (const h of handlers[name] ?? []) events.on(name, h as never);
  }
}

function handlersOf(logger: OktaLogger, level: OktaLogLevel): Handlers {
  const at = (wanted: OktaLogLevel) => LOG_LEVELS.indexOf(wanted) >= LOG_LEVELS.indexOf(level);
  const handlers: Handlers = {};
  const on = <K extends OktaEventName>(name: K, h: (event: OktaEventMap[K]) => void) => {
    const list: Array<(event: never) => void> = (handlers[name] ??= []);
    list.push(h as (event: never) => void);
  };
  if (at('debug')) {
    on('response', (e) => {
      // A failed attempt's line is written at its error, with the error's kind.
      if (e.status! >= 200 && e.status! < 300) logger.debug(line(e), fieldsOf(e));
    });
    on('error', (e) => logger.debug(line(e), fieldsOf(e)));
  }
  if (at('info')) {
    on('retry', (e) =>
      logger.info(`okta-sessions retrying ${e.operationId} in ${e.delayMs} ms (${e.reason})`, {
        ...fieldsOf(e),
        delayMs: e.delayMs,
        reason: e.reason,
      }),
    );
  }
  if (at('warn')) {
    on('warning', (w) => logger.warn(`okta-sessions ${w.message}`, { code: w.code }));
    const warned = new Set<string>();
    on('request', (e) => {
      if (!DEPRECATED.has(e.operationId) || warned.has(e.operationId)) return;
      warned.add(e.operationId);
      logger.warn(
        `okta-sessions ${e.operationId} is deprecated by Okta (${e.method} ${e.urlTemplate}); see its TSDoc for the replacement`,
        { code: 'OKTA_SESSIONS_DEPRECATED', operationId: e.operationId },
      );
    });
    on('response', (e) => {
      const { limit, remaining } = e.rateLimit ?? {};
      if (!limit || remaining === undefined || remaining >= limit * LOW_SHARE) return;
      logger.warn(
        `okta-sessions rate limit of ${e.operationId}'s bucket nearly spent: ${remaining} of ${limit} left`,
        fieldsOf(e),
      );
    });
  }
  return handlers;
}
