// A Redis reply is late only if Redis was late, not this process. The store's timer runs on the
// process's own event loop: after a stall (a CPU-bound handler, a long GC), expired timers run
// before the poll phase reads the sockets, so a timer-only timeout fires although the reply has
// been waiting in the socket all along. Before giving up, the timer yields one macrotask that
// runs after the poll phase (setImmediate; a microtask would run before the socket is read).

/** Redis did not answer within `timeoutMs`, counted as this process could see it. */
export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/** `promise`, or a RedisTimeoutError when it has not settled `ms` after the call (see above). */
export function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (!settled) reject(new RedisTimeoutError(ms));
      });
    }, ms);
    // Stryker disable next-line OptionalChaining: Node's timers always have unref (the tests run in Node).
    timer.unref?.();
    promise.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
