// What the client sees of each attempt, for its events (call/events.ts), `okta.rateLimit()`
// (call/rate-limits.ts) and its log (call/log.ts). The pipeline asks for a watch per attempt;
// with nobody listening it gets none and builds nothing. The /me page has no observer, so
// none of this is in its bundle, and the watch itself (call/watch.ts) loads with the first
// attempt someone watches.
import type { Observer } from './attempt.js';
import type { Clock } from '../time/clock.js';
import { readRateLimit } from '../rate-limit/headers.js';
import type { Emitter } from './events.js';
import type { RateLimitBoard } from './rate-limits.js';
import type { Telemetry } from '../platform/telemetry.js';
import type { AttemptWatch } from './watch.js';

type WatchModule = typeof import('./watch.js');

/** The observer of a client's pipeline; `telemetry` when OpenTelemetry is on. */
export function observer(
  events: Emitter,
  rateLimits: RateLimitBoard,
  clock: Clock,
  telemetry?: Telemetry,
): Observer {
  let loaded: WatchModule | undefined;
  let loading: Promise<WatchModule | undefined> | undefined;
  return {
    // Its methods use no `this`: passed as they are.
    around: telemetry?.around,
    watch(call, tried) {
      const attempt = tried?.attempt ?? 1;
      const trace = telemetry?.attempt(call, attempt);
      if (!events.active && !trace) return undefined;
      const make = ({ AttemptWatch }: WatchModule) => {
        const watch = new AttemptWatch(
          events.active ? events : undefined,
          trace,
          call,
          attempt,
          clock,
        );
        if (tried) tried.watch = watch;
        return watch;
      };
      if (loaded) return make(loaded);
      // Should the module fail to load (a page left open across a deploy), the call goes on
      // unwatched rather than failing for it.
      loading ??= import('./watch.js').then(
        (module) => (loaded = module),
        () => (loading = undefined),
      );
      return loading.then((module) => module && make(module));
    },
    answered(id, response, state, watch) {
      // An event shows the bucket's state; a span does not, so tracing alone reads no header.
      const read =
        watch && events.active ? (state ?? readRateLimit(response.headers, clock.now())) : state;
      rateLimits.note(id, response.status, response.headers, read);
      if (watch) (watch as AttemptWatch).answered(response, read);
    },
  };
}
