// The public types of okta-sessions/redis.
import type { RateLimitStore } from '../rate-limit/store.js';
import type { RedisFallbackReason, RedisStoreError } from './failure.js';

/**
 * The one method the store needs of a Redis client: ioredis's `call`. An ioredis `Redis` or
 * `Cluster` instance fits (each bucket's key has a hash tag, so its scripts run in one slot).
 *
 * @example
 * ```ts
 * import { Cluster } from 'ioredis';
 * import type { RedisCommandClient } from 'okta-sessions/redis';
 *
 * const client: RedisCommandClient = new Cluster([{ host: 'redis.internal', port: 6379 }]);
 * ```
 */
export interface RedisCommandClient {
  /** Sends one Redis command (`EVALSHA`, `EVAL`, ...) and resolves with its reply. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * Why calls went on without Redis.
 *
 * @example
 * ```ts
 * import type { RedisFallbackInfo } from 'okta-sessions/redis';
 *
 * const onFallback = ({ reason }: RedisFallbackInfo) => console.warn(`rate limits per process: ${reason}`);
 * ```
 */
export interface RedisFallbackInfo {
  /** `unreachable` (no connection), `timeout` (no answer within `timeoutMs`), `script` (an error reply). */
  reason: RedisFallbackReason;
  /** The same as an Error; its message names no URL, host or password. */
  error: RedisStoreError;
}

/**
 * Options of `redisRateLimitStore`. Give `client` or `url` (not both).
 *
 * @example
 * ```ts
 * import type { RedisRateLimitStoreOptions } from 'okta-sessions/redis';
 *
 * const options: RedisRateLimitStoreOptions = { url: 'redis://127.0.0.1:6379', timeoutMs: 500 };
 * ```
 */
export interface RedisRateLimitStoreOptions {
  /** An ioredis client you own (and close): a `Redis`, or a `Cluster` (ElastiCache, MemoryDB). */
  client?: RedisCommandClient;
  /**
   * A Redis URL, e.g. `redis://127.0.0.1:6379`; the store opens (and `close()` closes) its
   * client. Percent-encode a password's `#`, `/`, `?` and `@` (`encodeURIComponent`).
   */
  url?: string;
  /** Prefix of every key; the rest is `{org URL and group}`. Default `okta-sessions:rate-limit:`. */
  keyPrefix?: string;
  /**
   * How long one Redis command may take before the call goes on without it. Default 500 ms.
   * Time this process spent busy does not count against Redis. A process's first connection
   * gets four times as long (at least 2 s).
   */
  timeoutMs?: number;
  /** Added to each window's end as the headers give it (reset − Date). Default 250 ms. */
  resetMarginMs?: number;
  /**
   * Called once when calls start going on without Redis (this process's memory stands in,
   * seeded with what Redis last said), and again after Redis came back and failed anew.
   * A throwing observer changes nothing.
   */
  onFallback?: (info: RedisFallbackInfo) => unknown;
}

/**
 * A `RateLimitStore` in Redis.
 *
 * @example
 * ```ts
 * import { redisRateLimitStore } from 'okta-sessions/redis';
 *
 * const store = redisRateLimitStore({ url: 'redis://127.0.0.1:6379' });
 * process.on('SIGTERM', () => void store.close());
 * ```
 */
export interface RedisRateLimitStore extends RateLimitStore {
  /** Closes the Redis client the store opened from `url` (a `client` you passed stays open). */
  close(): Promise<void>;
}
