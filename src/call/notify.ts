import type { OktaWarning } from '../config/options.js';

/**
 * Calls an observer (a logging or metrics hook) so that it can never change the outcome of the
 * call it watches: a throw is swallowed, and so is the rejection of an async observer, which
 * would otherwise surface as an unhandled rejection and end the process.
 */
export function notify<T>(observer: ((info: T) => unknown) | undefined, info: T): void {
  if (!observer) return;
  try {
    const result = observer(info);
    // Any thenable: a rejection with no handler is what crashes Node.
    const then = (result as { then?: unknown } | null | undefined)?.then;
    if (typeof then === 'function') {
      then.call(result, undefined, () => undefined);
    }
  } catch {
    // A failing observer must not change the outcome of the call.
  }
}

/** Where warnings go when the client is given no `onWarning`: Node's, or nowhere. */
export function defaultOnWarning(warning: OktaWarning): void {
  const node = globalThis as {
    process?: { emitWarning?: (message: string, options: object) => void };
  };
  node.process?.emitWarning?.(warning.message, { type: 'OktaSessionsWarning', code: warning.code });
}
