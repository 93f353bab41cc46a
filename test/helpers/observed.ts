// What a client tells its watchers (events, log lines), recorded for assertions, and the one
// scan that proves none of it holds a secret or a session id.
import type { OktaEventMap, OktaEventName, OktaSessions } from '../../src/index.js';

export type Recorded = { [K in OktaEventName]: { name: K; event: OktaEventMap[K] } }[OktaEventName];

const NAMES: OktaEventName[] = ['request', 'response', 'error', 'retry', 'warning'];

/** Every event of `okta`, in order, from now on. */
export function recordEvents(okta: OktaSessions): Recorded[] {
  const seen: Recorded[] = [];
  for (const name of NAMES) {
    okta.on(name, (event: OktaEventMap[typeof name]) => {
      seen.push({ name, event } as Recorded);
    });
  }
  return seen;
}

/** The events' names and operations, e.g. `request getSession`, for sequence assertions. */
export function sequence(seen: Recorded[]): string[] {
  return seen.map((r) => ('operationId' in r.event ? `${r.name} ${r.event.operationId}` : r.name));
}

/** Every string in anything produced (events, log fields, span attributes), flattened. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Date) out.push(value.toISOString());
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out);
    }
  }
  return out;
}

/** The secrets (and session ids) found anywhere in `produced`: none, for a passing test. */
export function secretsIn(produced: unknown, secrets: readonly string[]): string[] {
  const text = stringsOf(produced).join('\n');
  return secrets.filter((secret) => secret && text.includes(secret));
}

/** One line a logger was given. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: object;
}

/** A logger that keeps its lines, in the shape of the `logger` option. */
export function recordingLogger(): {
  logger: Record<LogLine['level'], (m: string, f: object) => void>;
  lines: LogLine[];
} {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields: object) =>
    void lines.push({ level, message, fields });
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines,
  };
}
