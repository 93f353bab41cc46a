// The Redis rate-limit store on its own (okta-sessions/redis), against a real redis-server and a
// real three-master Redis Cluster: its options, the tickets it keeps in Redis (first come first
// served, released slots, window boundaries), and how it falls back to memory when Redis fails
// (and only then: a busy process is not a slow Redis). No OktaSessions client here.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect, promisify } from 'node:util';
import { build } from 'esbuild';
import { Cluster, Redis } from 'ioredis';
import { packageSources } from '../scripts/package-sources.cjs';
import { OktaConfigError } from '../src/errors/config-error.js';
import type { RateLimitState } from '../src/rate-limit/headers.js';
import type {
  RateLimitBucket,
  RateLimitRefusal,
  RateLimitReservation,
  RateLimitSlot,
} from '../src/rate-limit/store.js';
import {
  redisRateLimitStore,
  type RedisCommandClient,
  type RedisFallbackInfo,
  type RedisRateLimitStore,
} from '../src/redis/index.js';
import {
  startRedis,
  startRedisCluster,
  type RedisCluster,
  type RedisServer,
} from './helpers/redis-server.js';

let redis: RedisServer;
let admin: Redis;
let count = 0;
const unique = () => `store${++count}-${process.pid}-${Date.now()}`;
const prefix = () => `${unique()}:`;
const bucketOf = (name = unique()): RateLimitBucket => ({
  orgUrl: 'https://store.example',
  group: 'sessions',
  key: `https://store.example ${name}`,
});
const keyOf = (keyPrefix: string, bucket: RateLimitBucket) => `${keyPrefix}{${bucket.key}}`;
const ASK = { maxWaitMs: 60_000 };

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
}, 30_000);

afterAll(async () => {
  admin?.disconnect();
  await redis?.kill();
});

/** What a response said: `limit`, `remaining`, reset at `resetS` (epoch s), Date `waitMs` before it. */
function answer(
  limit: number,
  remaining: number,
  resetS: number,
  waitMs: number,
  refused = false,
): RateLimitState {
  return {
    limit,
    remaining,
    resetAt: new Date(resetS * 1000),
    serverDate: new Date(resetS * 1000 - waitMs),
    retryAfterMs: undefined,
    refused,
  };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

function slot(r: RateLimitReservation): RateLimitSlot {
  if (!r.granted) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
}

/** Polls `check` every 10 ms until it holds, for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Blocks this process's event loop for `ms` (a CPU-bound handler, as a busy process has). */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

describe('options: OktaConfigErrors that name the option, never the password', () => {
  test('exactly one of client and url, a client with call, timeoutMs > 0, resetMarginMs >= 0', () => {
    const url = redis.url;
    const cases: [object, RegExp][] = [
      [{}, /give either client or url/],
      [{ url, client: admin }, /give either client or url/],
      [{ client: {} }, /client must be an ioredis client/],
      [{ url, timeoutMs: 0 }, /timeoutMs must be a number > 0/],
      [{ url, timeoutMs: NaN }, /timeoutMs/],
      [{ url, timeoutMs: Infinity }, /timeoutMs/],
      [{ url, resetMarginMs: -1 }, /resetMarginMs must be a number >= 0/],
      [{ url, keyPrefix: 5 }, /keyPrefix/],
      [{ url, onFallback: 'log' }, /onFallback/],
      [{ url: 'http://127.0.0.1:6379' }, /redis:\/\/ or rediss:\/\//],
    ];
    for (const [options, message] of cases) {
      const error = thrown(() => redisRateLimitStore(options as never));
      expect(error).toBeInstanceOf(OktaConfigError);
      expect(error.message).toMatch(/^redisRateLimitStore: /);
      expect(error.message).toMatch(message);
    }
    // The bounds themselves are fine (and nothing connects until the first command).
    expect(() => redisRateLimitStore({ url, timeoutMs: 0.5, resetMarginMs: 0 })).not.toThrow();
    expect(() => redisRateLimitStore({ client: admin })).not.toThrow();
    expect(() => redisRateLimitStore({ url: 'rediss://:p%23ss@127.0.0.1:6380/2' })).not.toThrow();
  });

  test('a password with an unencoded #, / or ? is refused when the store is created, without the URL', () => {
    for (const password of ['pa#ss-s3cret', 'pa/ss-s3cret', 'pa?ss-s3cret']) {
      for (const url of [
        `redis://:${password}@127.0.0.1:6379`,
        `redis://default:${password}@127.0.0.1:6379/0`,
      ]) {
        const error = thrown(() => redisRateLimitStore({ url }));
        expect(error).toBeInstanceOf(OktaConfigError);
        expect(error.message).toMatch(/percent-encode/);
        // Nothing of the URL anywhere a logger looks: message, inspect, JSON, cause.
        for (const text of [error.message, inspect(error, { depth: 5 }), JSON.stringify(error)]) {
          expect(text).not.toContain('s3cret');
          expect(text).not.toContain('127.0.0.1');
        }
        expect(error.cause).toBeUndefined();
      }
    }
  });

  test('without ioredis installed: an OktaConfigError naming npm install ioredis at first use', async () => {
    // The store bundled on its own into a directory with no node_modules above it: Node's own
    // resolution fails to find ioredis, as in an app that did not install it.
    const dir = mkdtempSync(join(tmpdir(), 'no-ioredis-'));
    try {
      const entry = join(dir, 'check.mjs');
      await build({
        stdin: {
          contents: `
            import { redisRateLimitStore } from './src/redis/index.ts';
            const fallbacks = [];
            const store = redisRateLimitStore({ url: 'redis://:s3cret@127.0.0.1:1', onFallback: (i) => fallbacks.push(i) });
            const bucket = { orgUrl: 'https://x.example', group: 'sessions', key: 'x sessions' };
            try {
              await store.reserve(bucket, { maxWaitMs: 1000 });
              console.log(JSON.stringify({ threw: false }));
            } catch (error) {
              console.log(JSON.stringify({ name: error.name, message: error.message, fallbacks: fallbacks.length }));
            }`,
          resolveDir: join(__dirname, '..'),
          loader: 'ts',
        },
        outfile: entry,
        bundle: true,
        platform: 'node',
        format: 'esm',
        external: ['ioredis'],
        logLevel: 'error',
        plugins: [packageSources('node')],
      });
      const { stdout } = await promisify(execFile)(process.execPath, [entry], { cwd: dir });
      const result = JSON.parse(stdout) as { name: string; message: string; fallbacks: number };
      expect(result).toEqual({
        name: 'OktaConfigError',
        message: 'okta-sessions/redis needs the optional dependency ioredis: npm install ioredis',
        fallbacks: 0,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('tickets in Redis', () => {
  function stores(n: number, options: { resetMarginMs?: number } = {}) {
    const keyPrefix = prefix();
    const list = Array.from({ length: n }, () =>
      redisRateLimitStore({ url: redis.url, keyPrefix, timeoutMs: 5000, ...options }),
    );
    return { keyPrefix, list, close: () => Promise.all(list.map((s) => s.close())) };
  }

  test('before the bucket is known every slot is granted at once; each is counted; the key has a hash tag', async () => {
    const { keyPrefix, list, close } = stores(1);
    const bucket = bucketOf();
    try {
      for (let i = 0; i < 3; i++) {
        expect(slot(await list[0]!.reserve(bucket, ASK)).waitMs).toBe(0);
      }
      const key = keyOf(keyPrefix, bucket);
      expect(await admin.hget(key, 't0')).toBe('3');
      // The default prefix, and no other key.
      const store = redisRateLimitStore({ url: redis.url });
      const other = bucketOf();
      await store.reserve(other, ASK);
      expect(await admin.exists(`okta-sessions:rate-limit:{${other.key}}`)).toBe(1);
      await store.close();
    } finally {
      await close();
    }
  });

  test('a spent window: the next callers get the next window’s slots in the order they asked, across processes; then a refusal', async () => {
    const { list, close } = stores(2, { resetMarginMs: 0 });
    const bucket = bucketOf();
    const resetS = Math.floor(Date.now() / 1000) + 30;
    try {
      slot(await list[0]!.reserve(bucket, ASK));
      // 2 per window; the answer: 1 left, 3 s to the reset.
      await list[0]!.record(bucket, answer(2, 1, resetS, 3000));
      const now = slot(await list[1]!.reserve(bucket, ASK));
      expect(now.waitMs).toBe(0);
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await list[i % 2]!.reserve(bucket, { maxWaitMs: 6000 });
        waits.push(r.granted ? r.waitMs : -1);
      }
      // Two in the next window (about 3 s from now), then none within 6 s: the window after
      // starts a window length (60 s until two resets were seen) later.
      expect(waits[0]).toBeGreaterThan(2500);
      expect(waits[0]).toBeLessThanOrEqual(3000);
      expect(waits[1]).toBeGreaterThanOrEqual(waits[0]! - 100);
      expect(waits[1]).toBeLessThanOrEqual(3000);
      expect(waits.slice(2)).toEqual([-1, -1]);
      const refusal = (await list[0]!.reserve(bucket, { maxWaitMs: 6000 })) as RateLimitRefusal;
      expect(refusal.granted).toBe(false);
      expect(refusal.retryAfterMs).toBeGreaterThan(60_000);
      expect(refusal.resetAt).toBeGreaterThan(Date.now() + 2000);
      expect(refusal.resetAt).toBeLessThanOrEqual(Date.now() + 3000);
    } finally {
      await close();
    }
  });

  test('a released slot is given to the next caller; a release is idempotent', async () => {
    const { list, close } = stores(2, { resetMarginMs: 0 });
    const bucket = bucketOf();
    const resetS = Math.floor(Date.now() / 1000) + 30;
    try {
      slot(await list[0]!.reserve(bucket, ASK));
      await list[0]!.record(bucket, answer(2, 0, resetS, 3000));
      // The window is spent: one slot in the next, and it is taken.
      const waiting = slot(await list[0]!.reserve(bucket, ASK));
      slot(await list[0]!.reserve(bucket, ASK));
      expect(waiting.waitMs).toBeGreaterThan(2000);
      expect((await list[1]!.reserve(bucket, { maxWaitMs: 5000 })).granted).toBe(false);
      // The first waiter is cancelled: its slot goes to the next caller, once.
      await waiting.release();
      await waiting.release();
      const next = slot(await list[1]!.reserve(bucket, { maxWaitMs: 5000 }));
      expect(next.waitMs).toBeGreaterThan(2000);
      expect((await list[1]!.reserve(bucket, { maxWaitMs: 5000 })).granted).toBe(false);
    } finally {
      await close();
    }
  });

  test('a concurrency refusal (Limit 0) answers its ticket and spends nothing', async () => {
    const { keyPrefix, list, close } = stores(1, { resetMarginMs: 0 });
    const bucket = bucketOf();
    const key = keyOf(keyPrefix, bucket);
    const resetS = Math.floor(Date.now() / 1000) + 30;
    try {
      slot(await list[0]!.reserve(bucket, ASK));
      await list[0]!.record(bucket, answer(3, 2, resetS, 3000));
      slot(await list[0]!.reserve(bucket, ASK));
      await list[0]!.record(bucket, { ...answer(0, 0, resetS, 3000), refused: true });
      expect(await admin.hmget(key, 'spent', 't0', 'a0')).toEqual(['1', '2', '2']);
      // Two free slots, as before the refusal.
      expect(slot(await list[0]!.reserve(bucket, ASK)).waitMs).toBe(0);
      expect(slot(await list[0]!.reserve(bucket, ASK)).waitMs).toBe(0);
      expect(slot(await list[0]!.reserve(bucket, ASK)).waitMs).toBeGreaterThan(0);
      // Answers without the headers leave the window alone (and create no key).
      const quiet = bucketOf();
      await list[0]!.record(quiet, { ...answer(3, 2, resetS, 3000), limit: undefined });
      await list[0]!.record(quiet, { ...answer(3, 2, resetS, 3000), serverDate: undefined });
      expect(await admin.exists(keyOf(keyPrefix, quiet))).toBe(0);
    } finally {
      await close();
    }
  });

  test('record: the end is Redis now + reset − Date + margin, the tightest of the window’s answers', async () => {
    const { keyPrefix, list, close } = stores(1, { resetMarginMs: 1000 });
    const bucket = bucketOf();
    const key = keyOf(keyPrefix, bucket);
    const resetS = Math.floor(Date.now() / 1000) + 30;
    try {
      const redisNow = async () => {
        const [s, us] = (await admin.time()) as unknown as [string, string];
        return Number(s) * 1000 + Math.floor(Number(us) / 1000);
      };
      let before = await redisNow();
      await list[0]!.record(bucket, answer(10, 7, resetS, 10_000));
      let after = await redisNow();
      expect(await admin.hmget(key, 'limit', 'reset', 'spent')).toEqual([
        '10',
        String(resetS),
        '3',
      ]);
      let end = Number(await admin.hget(key, 'end'));
      expect(end).toBeGreaterThanOrEqual(before + 11_000);
      expect(end).toBeLessThanOrEqual(after + 11_000);
      // A later answer of the same window with a tighter bound wins; a looser one does not.
      before = await redisNow();
      await list[0]!.record(bucket, answer(10, 6, resetS, 4000));
      after = await redisNow();
      await list[0]!.record(bucket, answer(10, 5, resetS, 9000));
      end = Number(await admin.hget(key, 'end'));
      expect(end).toBeGreaterThanOrEqual(before + 5000);
      expect(end).toBeLessThanOrEqual(after + 5000);
      expect(await admin.hget(key, 'spent')).toBe('5');
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(120_000);
    } finally {
      await close();
    }
  });

  test('window boundary, aligned windows: tickets in flight when the first answer of the new window arrives stay counted', async () => {
    // Issue #25, finding 3: the fleet's first requests land just before a reset. Five are sent
    // at once (the bucket unknown), two answers come from the old window, then the first answer
    // from the new one (1 used there): the two still in flight may land in the new window too.
    const { list, close } = stores(2, { resetMarginMs: 0 });
    const bucket = bucketOf();
    const reset0 = Math.floor(Date.now() / 1000) + 1;
    const reset1 = reset0 + 4;
    try {
      for (let i = 0; i < 5; i++) slot(await list[i % 2]!.reserve(bucket, ASK));
      await list[0]!.record(bucket, answer(6, 1, reset0, 50));
      await list[1]!.record(bucket, answer(6, 0, reset0, 50));
      await list[0]!.record(bucket, answer(6, 5, reset1, 3990));
      // 6 per window: 1 used, 2 in flight: 3 slots now, then the next window.
      const waits = [];
      for (let i = 0; i < 4; i++) {
        waits.push(slot(await list[i % 2]!.reserve(bucket, { maxWaitMs: 10_000 })).waitMs);
      }
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(3000);
      // The two in flight land in the new window: their answers take their tickets off, and
      // the server's count goes up by as much: nothing more is free.
      await list[1]!.record(bucket, answer(6, 4, reset1, 3900));
      await list[0]!.record(bucket, answer(6, 3, reset1, 3900));
      expect(slot(await list[0]!.reserve(bucket, { maxWaitMs: 10_000 })).waitMs).toBeGreaterThan(
        3000,
      );
    } finally {
      await close();
    }
  });

  test('window boundary, first-request windows: our reckoning opens the next window; its tickets are counted; a late success from the old window changes nothing, a late 429 sends everyone back', async () => {
    for (const refused of [false, true]) {
      const { list, close } = stores(1, { resetMarginMs: 0 });
      const store = list[0]!;
      const bucket = bucketOf();
      const resetS = Math.floor(Date.now() / 1000) + 5;
      try {
        // Two sent at once (the bucket unknown); the first answer: spent, and over by its headers.
        slot(await store.reserve(bucket, ASK));
        slot(await store.reserve(bucket, ASK));
        await store.record(bucket, answer(3, 0, resetS, 0));
        // Our reckoning opens the next window: 3 slots, less the one still in flight (it may
        // land there), then waits.
        const next = [];
        for (let i = 0; i < 3; i++) next.push(slot(await store.reserve(bucket, ASK)).waitMs > 0);
        expect(next).toEqual([false, false, true]);
        // The one in flight answers from the old window: its last slot (200), or a 429.
        await store.record(bucket, answer(3, 0, resetS, refused ? 1000 : 0, refused));
        const after = slot(await store.reserve(bucket, ASK));
        if (refused) {
          // The old window still runs: everyone waits for its end (about 1 s).
          expect(after.waitMs).toBeGreaterThan(500);
        } else {
          // It did not land in ours: one more slot there, and no more.
          expect(after.waitMs).toBe(0);
          expect(slot(await store.reserve(bucket, ASK)).waitMs).toBeGreaterThan(0);
        }
      } finally {
        await close();
      }
    }
  });
});

describe('falling back to memory', () => {
  function scripted(reply: (command: string, args: (string | number)[]) => Promise<unknown>) {
    const calls: { at: number; command: string; args: (string | number)[] }[] = [];
    const client: RedisCommandClient = {
      call(command, ...args) {
        calls.push({ at: Date.now(), command, args });
        return reply(command, args);
      },
    };
    return { client, calls };
  }

  test('a busy process is not a slow Redis: a reply waiting in the socket after a 1 s stall is read, not timed out', async () => {
    // Issue #25, finding 2. The loop is blocked right after the command went out, for twice
    // the store's timeout: the timer is overdue when the loop wakes, but Redis has answered.
    const own = new Redis(redis.url);
    await own.ping();
    const client: RedisCommandClient = {
      call(command, ...args) {
        const reply = own.call(command, ...args);
        queueMicrotask(() => busy(1000));
        return reply;
      },
    };
    const fallbacks: RedisFallbackInfo[] = [];
    const keyPrefix = prefix();
    const store = redisRateLimitStore({
      client,
      keyPrefix,
      timeoutMs: 500,
      onFallback: (i) => fallbacks.push(i),
    });
    const bucket = bucketOf();
    try {
      expect(slot(await store.reserve(bucket, ASK)).waitMs).toBe(0);
      expect(fallbacks).toEqual([]);
      // The ticket is Redis's, not memory's.
      expect(await admin.hget(keyOf(keyPrefix, bucket), 't0')).toBe('1');
    } finally {
      own.disconnect();
    }
  });

  test('a frozen Redis is still a timeout (after the macrotask), reported as reason timeout', async () => {
    const { client } = scripted(() => new Promise(() => undefined));
    const fallbacks: RedisFallbackInfo[] = [];
    const store = redisRateLimitStore({
      client,
      timeoutMs: 60,
      onFallback: (i) => fallbacks.push(i),
    });
    const started = Date.now();
    expect(slot(await store.reserve(bucketOf(), ASK)).waitMs).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.reason).toBe('timeout');
    expect(fallbacks[0]!.error.message).toBe('Redis did not answer within 60 ms');
    expect(fallbacks[0]!.error.name).toBe('RedisStoreError');
  });

  test('the fallback starts from what Redis last said: the fleet’s reservations, not only this process’s answers', async () => {
    // Another process took the window's last slots; this one saw an answer with 3 left. When
    // Redis fails, its memory must not send into the spent window.
    let failing = false;
    const { client } = scripted((command, args) =>
      failing ? Promise.reject(new Error('down')) : admin.call(command, ...args),
    );
    const keyPrefix = prefix();
    const fallbacks: RedisFallbackInfo[] = [];
    const mine = redisRateLimitStore({ client, keyPrefix, onFallback: (i) => fallbacks.push(i) });
    const other = redisRateLimitStore({ url: redis.url, keyPrefix });
    const bucket = bucketOf();
    const resetS = Math.floor(Date.now() / 1000) + 20;
    try {
      slot(await mine.reserve(bucket, ASK));
      await mine.record(bucket, answer(4, 3, resetS, 10_000));
      for (let i = 0; i < 2; i++) slot(await other.reserve(bucket, ASK));
      expect(slot(await mine.reserve(bucket, ASK)).waitMs).toBe(0); // the last slot
      failing = true;
      const fallback = await mine.reserve(bucket, ASK);
      expect(fallbacks.map((f) => f.reason)).toEqual(['unreachable']);
      expect(slot(fallback).waitMs).toBeGreaterThan(5000);
    } finally {
      await other.close();
    }
  });

  test('onFallback says why: unreachable, timeout or script, with no URL, host or password anywhere', async () => {
    const closed = await listen((socket) => socket.destroy());
    const port = urlOf(closed).split(':').at(-1)!;
    closed.close();
    await once(closed, 'close');
    const infos: RedisFallbackInfo[] = [];
    const unreachable = redisRateLimitStore({
      url: `redis://default:s3cret-pw@127.0.0.1:${port}`,
      timeoutMs: 2000,
      onFallback: (i) => infos.push(i),
    });
    // A script error: the bucket's key holds a string, not a hash.
    const keyPrefix = prefix();
    const bucket = bucketOf();
    await admin.set(keyOf(keyPrefix, bucket), 'not a hash');
    const script = redisRateLimitStore({
      url: redis.url,
      keyPrefix,
      onFallback: (i) => infos.push(i),
    });
    try {
      slot(await unreachable.reserve(bucketOf(), ASK));
      slot(await script.reserve(bucket, ASK));
      expect(infos.map((i) => [i.reason, i.error.reason])).toEqual([
        ['unreachable', 'unreachable'],
        ['script', 'script'],
      ]);
      expect(infos[1]!.error.code).toBe('WRONGTYPE');
      for (const info of infos) {
        for (const text of [
          inspect(info, { depth: 10 }),
          JSON.stringify(info),
          info.error.message,
        ]) {
          expect(text).not.toContain('s3cret');
          expect(text).not.toContain('127.0.0.1');
          expect(text).not.toContain(port);
          expect(text).not.toContain('redis://');
        }
      }
    } finally {
      await unreachable.close();
      await script.close();
    }
  });

  test('after a failure Redis is left alone for a second; onFallback hears again only after a success', async () => {
    let failing = true;
    const { client, calls } = scripted(() =>
      failing ? Promise.reject(new Error('down')) : Promise.resolve([1, 0, 0, -1, 0, 0, 0]),
    );
    const fallbacks: RedisFallbackInfo[] = [];
    const store = redisRateLimitStore({ client, onFallback: (i) => fallbacks.push(i) });
    const bucket = bucketOf();
    const tryUntilSent = async (n: number) => {
      await until(async () => {
        await store.reserve(bucket, ASK);
        return calls.length >= n;
      });
    };
    let started = Date.now();
    await store.reserve(bucket, ASK);
    await store.reserve(bucket, ASK);
    expect(calls).toHaveLength(1); // the other stayed in memory
    expect(fallbacks).toHaveLength(1);
    await tryUntilSent(2); // fails again: not reported again
    expect(calls[1]!.at - started).toBeGreaterThanOrEqual(1000);
    expect(fallbacks).toHaveLength(1);
    failing = false;
    started = Date.now();
    await tryUntilSent(3); // Redis is back
    expect(calls[2]!.at - started).toBeGreaterThanOrEqual(900);
    failing = true;
    await store.reserve(bucket, ASK); // and fails anew: reported again
    expect(calls).toHaveLength(4);
    expect(fallbacks).toHaveLength(2);
  });

  test('a reply that is not a reservation: memory answers, reason script', async () => {
    const { client } = scripted(() => Promise.resolve('soon'));
    const fallbacks: RedisFallbackInfo[] = [];
    const store = redisRateLimitStore({ client, onFallback: (i) => fallbacks.push(i) });
    expect(slot(await store.reserve(bucketOf(), ASK)).waitMs).toBe(0);
    expect(fallbacks.map((f) => f.reason)).toEqual(['script']);
  });

  test('EVALSHA first; EVAL once when Redis does not know the script', async () => {
    const { client, calls } = scripted((command, args) => admin.call(command, ...args));
    const store = redisRateLimitStore({ client, keyPrefix: prefix() });
    await admin.script('FLUSH');
    await store.reserve(bucketOf(), ASK);
    await store.reserve(bucketOf(), ASK);
    expect(calls.map((c) => c.command)).toEqual(['EVALSHA', 'EVAL', 'EVALSHA']);
  });
});

async function listen(onSocket: (socket: Socket) => void): Promise<Server> {
  const server = createServer(onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
const urlOf = (server: Server) => {
  const address = server.address();
  return `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

describe('the client the store opens from url', () => {
  test('nothing listening: commands fail at once (no offline queue), and the process lives on', async () => {
    const closed = await listen((socket) => socket.destroy());
    const url = urlOf(closed);
    closed.close();
    await once(closed, 'close');
    const fallbacks: RedisFallbackInfo[] = [];
    const store = redisRateLimitStore({
      url,
      timeoutMs: 5000,
      onFallback: (i) => fallbacks.push(i),
    });
    try {
      const started = Date.now();
      expect(slot(await store.reserve(bucketOf(), ASK)).waitMs).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(fallbacks.map((f) => f.reason)).toEqual(['unreachable']);
    } finally {
      await store.close();
    }
  });

  test('a server that never answers: the first connection gets 4 × timeoutMs (at least 2 s)', async () => {
    const sockets: Socket[] = [];
    const silent = await listen((socket) => sockets.push(socket));
    try {
      for (const [timeoutMs, atLeast] of [
        [600, 2400],
        [100, 2000],
      ] as const) {
        const fallbacks: RedisFallbackInfo[] = [];
        const store = redisRateLimitStore({
          url: urlOf(silent),
          timeoutMs,
          onFallback: (i) => fallbacks.push(i),
        });
        try {
          const started = Date.now();
          slot(await store.reserve(bucketOf(), ASK));
          expect(Date.now() - started).toBeGreaterThanOrEqual(atLeast - 5);
          expect(fallbacks).toHaveLength(1);
        } finally {
          await store.close();
        }
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 30_000);

  test('a dropped connection is opened again, and close() closes it', async () => {
    const store = redisRateLimitStore({ url: redis.url, keyPrefix: prefix(), timeoutMs: 2000 });
    const ids = async () =>
      [...String(await admin.client('LIST')).matchAll(/^id=(\d+) /gm)].map((m) => Number(m[1]));
    let closed = false;
    try {
      const known = new Set(await ids());
      slot(await store.reserve(bucketOf(), ASK));
      const mine = (await ids()).filter((id) => !known.has(id));
      expect(mine).toHaveLength(1);
      await admin.client('KILL', 'ID', mine[0]!);
      await until(async () => (await ids()).some((id) => id > mine[0]!));
      await store.close();
      closed = true;
      await until(async () => (await ids()).every((id) => id <= mine[0]!));
    } finally {
      if (!closed) await store.close();
    }
  });
});

describe('Redis Cluster (three masters)', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.kill();
  });

  test('an ioredis Cluster client: buckets in different slots, one window each, shared by two stores', async () => {
    const clients = [0, 1].map(() => new Cluster([...cluster.nodes]));
    const keyPrefix = prefix();
    const list: RedisRateLimitStore[] = clients.map((client) =>
      redisRateLimitStore({ client, keyPrefix, timeoutMs: 5000 }),
    );
    const resetS = Math.floor(Date.now() / 1000) + 30;
    try {
      const buckets = Array.from({ length: 6 }, () => bucketOf());
      for (const bucket of buckets) {
        slot(await list[0]!.reserve(bucket, ASK));
        await list[0]!.record(bucket, answer(3, 2, resetS, 20_000));
        // Two slots left, shared by both stores: then the next window.
        const waits = [];
        for (let i = 0; i < 3; i++) {
          waits.push(slot(await list[i % 2]!.reserve(bucket, ASK)).waitMs > 0);
        }
        expect(waits).toEqual([false, false, true]);
      }
      // The keys are spread over the masters: each lives where its hash tag's slot is.
      const holders = new Set<number>();
      for (const bucket of buckets) {
        const key = keyOf(keyPrefix, bucket);
        for (const port of cluster.ports) {
          const node = new Redis(port, '127.0.0.1');
          try {
            const slotOf = Number(await node.cluster('KEYSLOT', key));
            const [owner] = (
              (await node.cluster('SLOTS')) as unknown as [number, number, [string, number]][]
            ).filter(([from, to]) => slotOf >= from && slotOf <= to);
            if (owner![2][1] === port) {
              expect(await node.exists(key)).toBe(1);
              holders.add(port);
            }
          } finally {
            node.disconnect();
          }
        }
      }
      expect(holders.size).toBeGreaterThan(1);
    } finally {
      for (const client of clients) client.disconnect();
    }
  }, 30_000);
});
