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

/**
 * Something that degraded without failing a call: a rate-limit store that failed and was
 * replaced by memory, for instance. Contains no secrets.
 *
 * @example
 * ```ts
 * const onWarning = (warning: OktaWarning) => logger.warn({ code: warning.code }, warning.message);
 * ```
 */
export interface OktaWarning {
  /** A stable identifier, e.g. `OKTA_SESSIONS_STORE_FAILED`. */
  code: string;
  /** What happened and what the client does about it. */
  message: string;
}

/** Where warnings go when the client is given no `onWarning`: Node's, or nowhere. */
export function defaultOnWarning(warning: OktaWarning): void {
  const node = globalThis as {
    process?: { emitWarning?: (message: string, options: object) => void };
  };
  node.process?.emitWarning?.(warning.message, { type: 'OktaSessionsWarning', code: warning.code });
}
