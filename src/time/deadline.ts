// Cancellation and deadlines: the caller's AbortSignal, each attempt's timeout, and the one
// place that listens to a signal.
import type { Clock } from './clock.js';

/** How the façade ends a request early, in whatever phase it is. */
export interface Cancel {
  /** A standard signal that aborts with the reason; created on first use, for fetch. */
  readonly signal: AbortSignal;
  /** Calls `stop` once with the reason when the request must end (at once if it already has). */
  onCancel(stop: (reason: unknown) => void): void;
}

type Listener = (reason: unknown) => void;

interface Subscription {
  readonly listeners: Set<Listener>;
  readonly onAbort: () => void;
}

// One real listener per signal however many calls share it (a request-scoped signal passed to
// hundreds of calls would otherwise trip Node's MaxListenersExceededWarning), removed as soon
// as the last call lets go.
const subscriptions = new WeakMap<AbortSignal, Subscription>();

/**
 * Calls `listener` with the signal's reason when it aborts (at once if it already has).
 * Returns the function that unsubscribes.
 */
function onAbort(signal: AbortSignal, listener: Listener): () => void {
  if (signal.aborted) {
    listener(signal.reason);
    return () => undefined;
  }
  let subscription = subscriptions.get(signal);
  if (!subscription) {
    const listeners = new Set<Listener>();
    const onAbort = () => {
      subscriptions.delete(signal);
      for (const each of listeners) each(signal.reason);
    };
    subscription = { listeners, onAbort };
    subscriptions.set(signal, subscription);
    signal.addEventListener('abort', onAbort, { once: true });
  }
  const { listeners } = subscription;
  listeners.add(listener);
  return () => {
    if (!listeners.delete(listener) || listeners.size > 0) return;
    subscriptions.delete(signal);
    signal.removeEventListener('abort', subscription.onAbort);
  };
}

/** Resolves after `ms`, or rejects with the signal's reason the moment it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, clock: Clock): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const stop =
      signal &&
      onAbort(signal, (reason) => {
        clock.clearTimeout(timer);
        reject(reason);
      });
    const timer = clock.setTimeout(() => {
      stop?.();
      resolve();
    }, ms);
  });
}

/**
 * The end of one attempt: the caller's signal or the attempt's timeout, whichever comes first.
 * The attempt races it, and the transport hears of it through {@link Cancel}; `release` clears
 * the timer and the signal listener before the attempt settles.
 */
export class Deadline implements Cancel {
  #reason: unknown = undefined;
  #ended = false;
  #stops: Listener[] = [];
  #fail: Listener | undefined;
  #controller: AbortController | undefined;
  readonly #timer: unknown;
  readonly #clock: Clock;
  readonly #unsubscribe: (() => void) | undefined;

  constructor(
    signal: AbortSignal | undefined,
    timeoutMs: number,
    timeout: () => Error,
    clock: Clock,
  ) {
    this.#clock = clock;
    this.#timer = clock.setTimeout(() => this.#end(timeout()), timeoutMs);
    this.#unsubscribe = signal && onAbort(signal, (reason) => this.#end(reason));
  }

  /** True once the attempt has been cancelled or timed out. */
  get ended(): boolean {
    return this.#ended;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#ended) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  onCancel(stop: Listener): void {
    if (this.#ended) stop(this.#reason);
    else this.#stops.push(stop);
  }

  /** `work`, or a rejection with the reason as soon as the deadline passes or the caller aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.#ended) {
      work.catch(() => undefined);
      return Promise.reject(this.#reason as Error);
    }
    return new Promise<T>((resolve, reject) => {
      this.#fail = reject;
      work.then(resolve, reject);
    });
  }

  release(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#unsubscribe?.();
    this.#stops = [];
  }

  #end(reason: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#reason = reason;
    this.#fail?.(reason);
    this.#controller?.abort(reason);
    for (const stop of this.#stops) stop(reason);
    this.release();
  }
}
