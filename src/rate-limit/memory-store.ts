// The memory store's tickets per window: what memoryRateLimitStore() and the throttle's own
// fallback keep (see store.ts for the interface and its semantics).
import type { Clock } from '../time/clock.js';
import { resetWaitMs } from './headers.js';
import type { RateLimitSlot, RateLimitStore } from './store.js';

/** Okta's windows are a minute; a bucket's is measured once two of its windows were seen. */
const DEFAULT_WINDOW_MS = 60_000;
/** A reset further off than this is not believed beyond it: a bogus one must not hold a bucket. */
const MAX_RESET_WAIT_MS = 2 * DEFAULT_WINDOW_MS + 1000;
/** Up to this share of a wait for a later window is added at random (at most MAX_JITTER_MS). */
const JITTER_SHARE = 0.1;
const MAX_JITTER_MS = 1000;

/** A granted slot, neither answered nor released: when its request may go (clock ms). */
interface Ticket {
  readonly sendAt: number;
}

/** What the memory store knows of one bucket's current window. */
interface Window {
  /** The last nonzero `X-Rate-Limit-Limit`. */
  limit: number;
  /** The fewest `remaining` any response of the window reported. */
  remaining: number;
  /** The reset of the last window a response showed (epoch ms, as the header gave it). */
  seen: number;
  /** The current window's reset (epoch ms): `seen`, or later once our clock passed it. */
  serverReset: number;
  /** When the window is over by our clock (reset − Date + 1 s, from when it was read). */
  end: number;
  /** Length of a window: Okta's minute until two windows of this bucket were seen. */
  length: number;
}

interface Bucket {
  window: Window | undefined;
  /** Slots granted and neither answered nor released, in the order they may be sent. */
  tickets: Ticket[];
}

/** memoryRateLimitStore() on a given clock; `random` spreads the waiters of a window. */
export function memoryStore(clock: Clock, random: () => number = Math.random): RateLimitStore {
  const buckets = new Map<string, Bucket>();
  const bucketOf = (key: string): Bucket => {
    let bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, (bucket = { window: undefined, tickets: [] }));
    return bucket;
  };
  const grant = (bucket: Bucket, now: number, waitMs: number): RateLimitSlot => {
    const ticket: Ticket = { sendAt: now + waitMs };
    bucket.tickets.push(ticket);
    bucket.tickets.sort((a, b) => a.sendAt - b.sendAt);
    return {
      granted: true,
      waitMs,
      release() {
        const i = bucket.tickets.indexOf(ticket);
        if (i >= 0) bucket.tickets.splice(i, 1);
      },
    };
  };
  return {
    reserve(key, request) {
      const now = clock.now();
      const bucket = bucketOf(key.key);
      const w = bucket.window;
      // Nothing known yet: send, and count the slot until its answer tells the window.
      if (w === undefined) return grant(bucket, now, 0);
      // A request sent whose answer never came (a timeout, a lost connection) stops counting
      // a window after it went: Okta has counted it, or never will.
      const lapse = Math.max(w.length, DEFAULT_WINDOW_MS);
      bucket.tickets = bucket.tickets.filter((t) => t.sendAt + lapse > now);
      // Our clock passed the reset and no response has shown the new window yet: its slots
      // are free but for the tickets taken for it.
      if (now >= w.end) {
        const behind = Math.floor((now - w.end) / w.length) + 1;
        w.end += behind * w.length;
        w.serverReset += behind * w.length;
        w.remaining = w.limit;
      }
      // The window a ticket's request lands in, 0 the current one (where tickets sent and not
      // yet answered count too), k the k-th after it.
      const windowOf = (t: Ticket): number =>
        t.sendAt < w.end ? 0 : Math.floor((t.sendAt - w.end) / w.length) + 1;
      const taken = (k: number): number => bucket.tickets.filter((t) => windowOf(t) === k).length;
      if (w.remaining - taken(0) > 0) return grant(bucket, now, 0);
      // The later windows, each with `limit` (at least 1) slots, first come first served: one
      // of the next `tickets + 1` has a free slot.
      for (let k = 1; ; k++) {
        if (taken(k) >= w.limit) continue;
        const base = w.end + (k - 1) * w.length - now;
        if (base > request.maxWaitMs) {
          return { granted: false, retryAfterMs: base, resetAt: w.serverReset };
        }
        // Spread the window's waiters a little, never past what they may wait or into the next.
        const jitter = random() * Math.min(base * JITTER_SHARE, MAX_JITTER_MS, w.length / 2);
        return grant(bucket, now, Math.min(base + jitter, request.maxWaitMs));
      }
    },
    record(key, state) {
      const now = clock.now();
      const bucket = bucketOf(key.key);
      // Every response answers one ticket: the first to have been sent.
      const first = bucket.tickets[0];
      if (first !== undefined && first.sendAt <= now) bucket.tickets.shift();
      const { limit, remaining, resetAt } = state;
      // A concurrency refusal (limit 0) says nothing of the window.
      if (!limit || remaining === undefined || resetAt === undefined) return;
      const reported = resetWaitMs(state, now);
      if (reported === undefined) return;
      const wait = Math.min(reported, MAX_RESET_WAIT_MS);
      const serverReset = resetAt.getTime();
      const w = bucket.window;
      if (w === undefined || serverReset > w.seen) {
        // A window we did not see open. Its remaining is the server's count, and the tickets
        // taken for it (and those of the window before, still in flight) stay counted on top:
        // only their answers take them off.
        const measured = w === undefined ? DEFAULT_WINDOW_MS : serverReset - w.seen;
        const length = Math.max(1000, Math.min(w?.length ?? DEFAULT_WINDOW_MS, measured));
        bucket.window = {
          limit,
          remaining,
          seen: serverReset,
          serverReset,
          end: now + wait,
          length,
        };
        return;
      }
      // An older window's answer arriving late says nothing of the current one.
      if (serverReset < w.seen) return;
      w.limit = limit;
      w.remaining = Math.min(w.remaining, remaining);
      w.end = Math.max(w.end, now + wait);
    },
  };
}
