// The public memoryRateLimitStore(): the memory store's tickets (memory-store.ts), loaded on
// first use.
import { systemClock } from '../time/clock.js';
import type { RateLimitStore } from './store.js';

/**
 * The default store: this process's memory, tickets per window in the order calls ask. Once
 * the window's slots are taken, calls get slots in the next windows, or a refusal when that is
 * later than they may wait.
 *
 * @example
 * ```ts
 * const okta = new OktaSessions({ orgUrl, apiToken, throttle: { store: memoryRateLimitStore() } });
 * ```
 */
export function memoryRateLimitStore(): RateLimitStore {
  // The tickets (memory-store.ts) load with the first use, so that a page that never throttles
  // does not carry them: bundlers put what the entry re-exports up front whenever a lazy chunk
  // (the throttle) uses it too.
  let store: RateLimitStore | Promise<RateLimitStore> | undefined;
  const ready = () =>
    (store ??= import('./memory-store.js').then((m) => (store = m.memoryStore(systemClock))));
  return {
    reserve(bucket, request) {
      const s = ready();
      return s instanceof Promise
        ? s.then((t) => t.reserve(bucket, request))
        : s.reserve(bucket, request);
    },
    record(bucket, state) {
      const s = ready();
      return s instanceof Promise
        ? s.then((t) => t.record(bucket, state))
        : s.record(bucket, state);
    },
  };
}
