// The ioredis client the store opens from `url`, with ioredis as index.ts loads it (on first
// use: scripts/build.mjs keeps that import() a real one in the CommonJS build).
import { answerWithin } from './answer-within.js';
import type { RedisCommandClient } from './types.js';

/** A client the store owns: it closes it. */
export interface OwnedClient extends RedisCommandClient {
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * An ioredis client on `url`, connecting: `ready` settles when its first connection is up or
 * has had 4 × timeoutMs (at least 2 s). The client is handed over at once, so that a store
 * closed meanwhile can close it.
 */
export function openClient(
  Redis: typeof import('ioredis').Redis,
  url: string,
  timeoutMs: number,
): { client: OwnedClient; ready: Promise<void> } {
  const connectMs = Math.max(timeoutMs * 4, 2000);
  const redis = new Redis(url, {
    lazyConnect: true,
    // Commands fail at once while disconnected, instead of queueing behind a dead server.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: connectMs,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  // Failures reach callers as rejected commands; an 'error' listener keeps ioredis quiet.
  // Stryker disable next-line StringLiteral: without the listener ioredis only prints "[ioredis] Unhandled error event" (console.error): no test sees that without patching console.
  redis.on('error', () => undefined);
  // A fresh connection gets longer than a command (a process's first call pays for it); if it
  // fails, commands fail at once and the store falls back until ioredis reconnects.
  const ready = answerWithin(redis.connect(), connectMs).then(
    () => undefined,
    () => undefined,
  );
  return { client: redis, ready };
}
