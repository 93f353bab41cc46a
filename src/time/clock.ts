// Time as the call pipeline sees it. The client runs on the system clock; tests hand the
// pipeline pieces (retries, throttle, token expiry) a clock they move by hand, so no test
// waits real seconds or patches the globals.

/** What the pipeline needs of time: the current moment and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};
