// okta-sessions/redis: a rate-limit store shared by every process through Redis.
/**
 * A rate-limit store in Redis, shared by every process of a fleet: {@link redisRateLimitStore}.
 * Needs the optional peer `ioredis`.
 *
 * @packageDocumentation
 * @module okta-sessions/redis
 */
import { createHash } from 'node:crypto';
import { notify } from '../call/notify.js';
import { OktaConfigError } from '../errors/config-error.js';
import { isMissingPackage, missingPeer } from '../errors/optional-peer.js';
import type { RateLimitState } from '../rate-limit/headers.js';
import { systemClock } from '../time/clock.js';
import { memoryStore } from '../rate-limit/memory-store.js';
import { type RateLimitBucket, type RateLimitReservation } from '../rate-limit/store.js';
import { answerWithin } from './answer-within.js';
import { RedisStoreError, storeFailure } from './failure.js';
import { openClient, type OwnedClient } from './open-client.js';
import { checkOptions } from './options.js';
import { RECORD, RELEASE, RESERVE } from './scripts.js';
import type {
  RedisCommandClient,
  RedisRateLimitStore,
  RedisRateLimitStoreOptions,
} from './types.js';

export { RedisStoreError } from './failure.js';
export type { RedisFallbackReason } from './failure.js';
export type {
  RedisCommandClient,
  RedisFallbackInfo,
  RedisRateLimitStore,
  RedisRateLimitStoreOptions,
} from './types.js';

/** After a failure, Redis is left alone this long before it is tried again. */
const RETRY_AFTER_MS = 1000;
/** A sent ticket whose answer never came (no response at all) is forgotten after this. */
const TICKET_LAPSE_MS = 120_000;
/** The longest wait passed to Redis (a cap of Infinity means: any window). */
const MAX_WAIT_MS = 2 ** 31 - 1;

/** A Lua script with its SHA1, for EVALSHA (EVAL once per Redis node that lacks it). */
interface Script {
  readonly source: string;
  readonly sha: string;
}
const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});
const scripts = { reserve: script(RESERVE), record: script(RECORD), release: script(RELEASE) };

/** A slot this process was granted: its window, and when its request may go (Date.now ms). */
interface Ticket {
  readonly gen: number;
  readonly sendAt: number;
}

/** What Redis last said about a bucket's window, to seed this process's memory in a fallback. */
interface Snapshot {
  limit: number;
  free: number;
  /** When the window ends, by this process's clock. */
  endAt: number;
  /** The server's reset (epoch s), 0 when Redis had not seen it yet. */
  reset: number;
}

/** The key of a bucket: its org URL and group as the hash tag, so a Cluster keeps it in one slot. */
function keyOf(prefix: string, bucket: RateLimitBucket): string {
  return `${prefix}{${bucket.key.replace(/[{}]/g, (c) => (c === '{' ? '%7B' : '%7D'))}}`;
}

/**
 * A rate-limit store that a whole fleet shares through Redis: each Okta bucket (org URL and
 * endpoint group) has one hash in Redis, and every request takes a ticket for a window,
 * atomically (a Lua script timed by Redis's clock), in the order the calls asked across all
 * processes: the fleet together never sends more than a window allows, and no caller is
 * passed over. A call whose slot is later than the throttle's `maxWaitMs` is refused unsent.
 * When Redis is unreachable, too slow, or answers with an error, calls go on with this
 * process's memory (seeded with what Redis last said) and `onFallback` hears of it once. A
 * missing `ioredis` or a malformed `url` is an `OktaConfigError`, not a fallback. Keys hold the
 * org URL and group only: no token or cookie is ever written to Redis.
 *
 * @example
 * ```ts
 * import { OktaSessions } from 'okta-sessions';
 * import { redisRateLimitStore } from 'okta-sessions/redis';
 *
 * const store = redisRateLimitStore({
 *   url: 'redis://127.0.0.1:6379',
 *   onFallback: ({ reason }) => console.warn(`rate limits: per process (${reason})`),
 * });
 * const okta = new OktaSessions({ orgUrl, apiToken, throttle: { store, maxWaitMs: 10_000 } });
 * ```
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RedisRateLimitStore {
  const { client, url, keyPrefix, timeoutMs, marginMs, onFallback } = checkOptions(options);
  // This process's own view: every answer it saw, and (at a fallback) what Redis last said.
  const memory = memoryStore(systemClock);
  const tickets = new Map<string, Ticket[]>();
  const snapshots = new Map<string, { bucket: RateLimitBucket; snapshot: Snapshot }>();
  let owned: OwnedClient | undefined;
  let connected: Promise<RedisCommandClient> | undefined;
  let skipUntil = 0;
  let down = false;
  let closed = false;

  const connect = async (): Promise<RedisCommandClient> => {
    if (client) return client;
    // ioredis is an optional peer dependency, loaded on first use, so the main entry never
    // pulls it in; without it, the first call fails with an OktaConfigError that says what to
    // install (a configuration error, not an outage to ride out in memory).
    let Redis: typeof import('ioredis').Redis;
    try {
      ({ Redis } = await import('ioredis'));
    } catch (error) {
      if (isMissingPackage(error, 'ioredis')) throw missingPeer('okta-sessions/redis', 'ioredis');
      throw error;
    }
    // Owned at once: a store closed while it connects closes it (ioredis would otherwise keep
    // reconnecting, and the process alive, for ever).
    const { client: opened, ready } = openClient(Redis, url!, timeoutMs);
    owned = opened;
    await ready;
    if (closed) throw new Error('the store was closed');
    return opened;
  };

  const evaluate = async (redis: RedisCommandClient, s: Script, args: (string | number)[]) => {
    try {
      return await answerWithin(redis.call('EVALSHA', s.sha, 1, ...args), timeoutMs);
    } catch (error) {
      // Each Redis node loads a script once; a node that restarted or never saw it says so.
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return answerWithin(redis.call('EVAL', s.source, 1, ...args), timeoutMs);
    }
  };

  /** Calls go on with memory from now on: seeded with what Redis last said of each window. */
  const fallBack = (error: unknown) => {
    skipUntil = Date.now() + RETRY_AFTER_MS;
    if (down) return;
    down = true;
    const now = Date.now();
    for (const { bucket, snapshot } of snapshots.values()) {
      const endIn = snapshot.endAt - now;
      if (endIn <= 0) continue;
      // The reset as the server gave it, so memory takes it for the window its own answers
      // showed (and keeps the fewer remaining); Date set so that reset − Date + 1 s = endIn.
      const resetAt = snapshot.reset > 0 ? snapshot.reset * 1000 : now + endIn - 1000;
      void memory.record(bucket, {
        limit: snapshot.limit,
        remaining: Math.max(snapshot.free, 0),
        resetAt: new Date(resetAt),
        serverDate: new Date(resetAt - endIn + 1000),
        retryAfterMs: undefined,
      });
    }
    const failure = storeFailure(error);
    notify(onFallback, { reason: failure.reason, error: failure });
  };

  /** Runs a script on the bucket's key; undefined when Redis failed (and memory stands in). */
  const run = async (s: Script, bucket: RateLimitBucket, args: (string | number)[]) => {
    // A closed store does not open its client again (a response recorded after close()).
    if (closed || Date.now() < skipUntil) return undefined;
    let redis: RedisCommandClient;
    try {
      connected ??= connect();
      redis = await connected;
    } catch (error) {
      // A missing ioredis is the caller's to fix: it is not an outage to ride out.
      if (error instanceof OktaConfigError) throw error;
      connected = undefined;
      if (!closed) fallBack(error);
      return undefined;
    }
    try {
      const result = await evaluate(redis, s, [keyOf(keyPrefix, bucket), ...args]);
      down = false;
      return result;
    } catch (error) {
      // A command cut off by close() (a slot released as the process shuts down) is no outage.
      if (!closed) fallBack(error);
      return undefined;
    }
  };

  const ticketsOf = (bucket: RateLimitBucket): Ticket[] => {
    let list = tickets.get(bucket.key);
    if (list === undefined) tickets.set(bucket.key, (list = []));
    return list;
  };

  /** The window of the answer just come: that of this process's earliest ticket already sent. */
  const answered = (bucket: RateLimitBucket): number => {
    const list = tickets.get(bucket.key);
    if (list === undefined) return -1;
    const now = Date.now();
    let best = -1;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      if (t.sendAt + TICKET_LAPSE_MS < now) {
        list.splice(i--, 1);
      } else if (t.sendAt <= now && (best < 0 || t.sendAt < list[best]!.sendAt)) {
        best = i;
      }
    }
    return best < 0 ? -1 : list.splice(best, 1)[0]!.gen;
  };

  const reserve = async (
    bucket: RateLimitBucket,
    maxWaitMs: number,
  ): Promise<RateLimitReservation | undefined> => {
    const cap = Math.max(0, Math.min(Math.floor(maxWaitMs), MAX_WAIT_MS));
    const reply = await run(scripts.reserve, bucket, [cap, marginMs]);
    if (reply === undefined) return undefined;
    const r = Array.isArray(reply) ? reply.map(Number) : [];
    if (r.length !== 7 || r.some((n) => !Number.isFinite(n))) {
      fallBack(new RedisStoreError('script', 'Redis answered the script with something else'));
      return undefined;
    }
    const [granted, ms, gen, limit, free, endIn, reset] = r as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const now = Date.now();
    if (limit > 0) {
      snapshots.set(bucket.key, { bucket, snapshot: { limit, free, endAt: now + endIn, reset } });
    }
    if (granted !== 1) return { granted: false, retryAfterMs: ms, resetAt: now + endIn };
    const ticket: Ticket = { gen, sendAt: now + ms };
    ticketsOf(bucket).push(ticket);
    let released = false;
    return {
      granted: true,
      waitMs: ms,
      async release() {
        if (released) return;
        released = true;
        const list = ticketsOf(bucket);
        const i = list.indexOf(ticket);
        if (i < 0) return;
        list.splice(i, 1);
        // Giving a slot back is a courtesy: if it fails, the slot lapses with its window.
        await run(scripts.release, bucket, [gen]).catch(() => undefined);
      },
    };
  };

  return {
    async reserve(bucket, request) {
      return (await reserve(bucket, request.maxWaitMs)) ?? memory.reserve(bucket, request);
    },
    async record(bucket, state: RateLimitState) {
      // This process's memory always knows too, so a fallback starts from what it has seen.
      await memory.record(bucket, state);
      const ticket = answered(bucket);
      const { limit, remaining, resetAt, serverDate } = state;
      // A concurrency refusal (Limit 0) or an answer without the headers says nothing of the
      // window: only its ticket is answered.
      if (!limit || remaining === undefined || !resetAt || !serverDate) {
        if (ticket >= 0) await run(scripts.record, bucket, [0, 0, 0, 0, 0, ticket, marginMs, 0]);
        return;
      }
      const wait = Math.max(0, resetAt.getTime() - serverDate.getTime()) + marginMs;
      const reset = Math.round(resetAt.getTime() / 1000);
      const refused = state.refused ? 1 : 0;
      const date = serverDate.getTime();
      const args = [limit, remaining, reset, wait, refused, ticket, marginMs, date];
      await run(scripts.record, bucket, args);
    },
    async close() {
      closed = true;
      connected = undefined;
      const redis = owned;
      owned = undefined;
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
