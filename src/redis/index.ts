// okta-sessions/redis: a rate-limit store shared by every process through Redis. ioredis is an
// optional peer dependency, loaded on first use, so the main entry never pulls it in.
/**
 * A rate-limit store in Redis, shared by every process of a fleet: {@link redisRateLimitStore}.
 * Needs the optional peer `ioredis`.
 *
 * @packageDocumentation
 * @module okta-sessions/redis
 */
import { notify } from '../call/notify.js';
import type { RateLimitState } from '../rate-limit/headers.js';
import {
  memoryRateLimitStore,
  type RateLimitBucket,
  type RateLimitStore,
} from '../rate-limit/store.js';
import { RECORD, RESERVE } from './scripts.js';

/**
 * The one method the store needs of a Redis client: ioredis's `call` (an ioredis `Redis` or
 * `Cluster` instance fits).
 */
export interface RedisCommandClient {
  /** Sends one Redis command (`EVALSHA`, `EVAL`, ...) and resolves with its reply. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** Why a call went on without Redis. */
export interface RedisFallbackInfo {
  /** What went wrong: Redis unreachable, too slow (`timeoutMs`), or ioredis not installed. */
  error: Error;
}

/**
 * Options of {@link redisRateLimitStore}. Give `client` or `url` (not both).
 */
export interface RedisRateLimitStoreOptions {
  /** An ioredis client you own (and close). */
  client?: RedisCommandClient;
  /** A Redis URL, e.g. `redis://127.0.0.1:6379`; the store opens (and `close()` closes) its client. */
  url?: string;
  /** Prefix of every key; the rest is the org URL and endpoint group. Default `okta-sessions:rate-limit:`. */
  keyPrefix?: string;
  /**
   * How long one Redis command may take before the call goes on without it. Default 500 ms.
   * A process's first connection gets four times as long (at least 2 s).
   */
  timeoutMs?: number;
  /**
   * Added to each window's reset as the headers give it. Default 250 ms. One client waits
   * `reset − Date + 1 s` (Okta's advice, as `Date` is whole seconds); the store takes the
   * earliest `reset − Date` over all the fleet's answers, which leaves little rounding to cover.
   * Should the server refuse a request (429) from a window we thought over, the fleet waits again.
   */
  resetMarginMs?: number;
  /**
   * Called once when calls start going on without Redis (this process's memory stands in),
   * and again after Redis came back and failed anew. A throwing observer changes nothing.
   */
  onFallback?: (info: RedisFallbackInfo) => unknown;
}

/** A {@link RateLimitStore} in Redis. */
export interface RedisRateLimitStore extends RateLimitStore {
  /** Closes the Redis client the store opened from `url` (a `client` you passed stays open). */
  close(): Promise<void>;
}

/** After a failure, Redis is left alone this long before it is tried again. */
const RETRY_AFTER_MS = 1000;

class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
    // Stryker disable next-line OptionalChaining: Node's timers always have unref (the tests run in Node).
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // run() makes an Error of anything else (a client's call may also throw one at once).
        reject(error);
      },
    );
  });
}

/**
 * A rate-limit store that a whole fleet shares through Redis: each Okta bucket (org URL and
 * endpoint group) has one budget in Redis, and every request reserves its slot atomically
 * (a Lua script) before it is sent, so that all processes together stay within the window.
 * When the window is spent, calls wait for its reset (bounded by `retry.maxDelayMs`, cancelled
 * by their signal, spread with jitter). When Redis is unreachable or slower than `timeoutMs`,
 * calls go on with this process's memory and `onFallback` hears of it once. Keys hold the org
 * URL and group only: no token or cookie is ever written to Redis. Needs `ioredis` installed.
 *
 * @example
 * ```ts
 * import { OktaSessions } from 'okta-sessions';
 * import { redisRateLimitStore } from 'okta-sessions/redis';
 *
 * const store = redisRateLimitStore({
 *   url: 'redis://127.0.0.1:6379',
 *   onFallback: ({ error }) => console.warn(`rate limits: per process (${error.message})`),
 * });
 * const okta = new OktaSessions({ orgUrl, apiToken, throttle: { store } });
 * ```
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RedisRateLimitStore {
  const { client, url, onFallback } = options;
  if ((client === undefined) === (url === undefined)) {
    throw new TypeError('redisRateLimitStore: give either client or url');
  }
  if (client !== undefined && typeof client.call !== 'function') {
    throw new TypeError('redisRateLimitStore: client must be an ioredis client (with call)');
  }
  const keyPrefix = options.keyPrefix ?? 'okta-sessions:rate-limit:';
  const timeoutMs = options.timeoutMs ?? 500;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError('redisRateLimitStore: timeoutMs must be a number > 0');
  }
  const marginMs = options.resetMarginMs ?? 250;
  if (!Number.isFinite(marginMs) || marginMs < 0) {
    throw new RangeError('redisRateLimitStore: resetMarginMs must be a number >= 0');
  }
  const memory = memoryRateLimitStore();
  let owned: { quit(): Promise<unknown>; disconnect(): void } | undefined;
  let connected: Promise<RedisCommandClient> | undefined;
  let skipUntil = 0;
  let reported = false;

  const connect = async (): Promise<RedisCommandClient> => {
    if (client) return client;
    const { Redis } = await import('ioredis');
    const redis = new Redis(url!, {
      lazyConnect: true,
      // Commands fail at once while disconnected, instead of queueing behind a dead server.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(timeoutMs * 4, 2000),
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    // Failures reach callers as rejected commands; an 'error' listener keeps ioredis quiet.
    // Stryker disable next-line StringLiteral: without the listener ioredis only prints "[ioredis] Unhandled error event" (console.error): no test sees that without patching console.
    redis.on('error', () => undefined);
    owned = redis;
    // A fresh connection gets longer than a command (a process's first call pays for it).
    await withTimeout(redis.connect(), Math.max(timeoutMs * 4, 2000)).catch(() => undefined);
    return redis;
  };

  const run = async (script: string, bucket: RateLimitBucket, args: (string | number)[]) => {
    if (Date.now() < skipUntil) return undefined;
    try {
      connected ??= connect();
      const redis = await connected;
      const result = await withTimeout(
        redis.call('EVAL', script, 1, keyPrefix + bucket.key, ...args),
        timeoutMs,
      );
      reported = false;
      return result;
    } catch (error) {
      skipUntil = Date.now() + RETRY_AFTER_MS;
      if (!reported) {
        reported = true;
        const err = error instanceof Error ? error : new Error(String(error));
        notify(onFallback, { error: err });
      }
      return undefined;
    }
  };

  return {
    async reserve(bucket) {
      const result = await run(RESERVE, bucket, []);
      return typeof result === 'number' ? result : memory.reserve(bucket);
    },
    async record(bucket, state: RateLimitState) {
      // This process's memory always knows too, so a fallback starts from what it has seen.
      await memory.record(bucket, state);
      const { limit, remaining, resetAt, serverDate } = state;
      // Concurrency refusals carry X-Rate-Limit-Limit: 0; they say nothing about the window.
      if (!limit || remaining === undefined || !resetAt || !serverDate) return;
      const wait = Math.max(0, resetAt.getTime() - serverDate.getTime()) + marginMs;
      const reset = Math.round(resetAt.getTime() / 1000);
      await run(RECORD, bucket, [limit, remaining, reset, wait, state.refused ? 1 : 0]);
    },
    async close() {
      connected = undefined;
      const redis = owned;
      owned = undefined;
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
