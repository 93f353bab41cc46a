// Why the store went on without Redis, in words that are safe to log: a Redis client's own
// errors may name the host, port or URL (and ioredis's URL parsing errors, the password), so
// none of their text is passed on, only a reason and a short code.
import { RedisTimeoutError } from './answer-within.js';

/** Why calls went on without Redis: `unreachable` (no connection), `timeout`, or `script` (Redis answered with an error). */
export type RedisFallbackReason = 'unreachable' | 'timeout' | 'script';

/**
 * Why a Redis rate-limit store went on with this process's memory. Its message and fields
 * hold a reason and a code (`ECONNREFUSED`, `NOSCRIPT`, ...), never a URL, host or password.
 *
 * @example
 * ```ts
 * import { RedisStoreError } from 'okta-sessions/redis';
 *
 * const onFallback = ({ error }: { error: RedisStoreError }) => console.warn(error.reason, error.code);
 * ```
 */
export class RedisStoreError extends Error {
  /** What went wrong. */
  readonly reason: RedisFallbackReason;
  /** The error code of the client or of Redis's reply, when it had one (`ECONNREFUSED`, `WRONGTYPE`). */
  readonly code: string | undefined;

  constructor(reason: RedisFallbackReason, message: string, code?: string) {
    super(code === undefined ? message : `${message} (${code})`);
    this.name = 'RedisStoreError';
    this.reason = reason;
    this.code = code;
  }
}

/** A code made only of capitals, digits and underscores, or nothing. */
function codeOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Z][A-Z0-9_]{1,31}$/.test(value) ? value : undefined;
}

/** The RedisStoreError that stands for `error` (whatever a client threw). */
export function storeFailure(error: unknown): RedisStoreError {
  if (error instanceof RedisStoreError) return error;
  if (error instanceof RedisTimeoutError) {
    return new RedisStoreError('timeout', error.message);
  }
  const { name, code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
  };
  // ioredis's ReplyError: Redis answered, with an error (its first word is the code).
  if (name === 'ReplyError') {
    const first = typeof message === 'string' ? message.split(' ', 1)[0] : undefined;
    return new RedisStoreError('script', 'Redis answered the script with an error', codeOf(first));
  }
  return new RedisStoreError('unreachable', 'Redis is unreachable', codeOf(code));
}
