// The Redis rate-limit store on its own (okta-sessions/redis), against a real redis-server: what
// reserve and record write to Redis, how the store opens its ioredis client, and how it falls back
// to memory when Redis fails. No OktaSessions client: these tests run only the store's code.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { RateLimitState } from '../src/rate-limit/headers.js';
import type { RateLimitBucket } from '../src/rate-limit/store.js';
import {
  redisRateLimitStore,
  type RedisCommandClient,
  type RedisFallbackInfo,
} from '../src/redis/index.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';

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

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
}, 30_000);

afterAll(async () => {
  admin?.disconnect();
  await redis?.kill();
});

/** Redis's own clock (TIME), in ms: the clock the scripts use. */
async function redisNow(): Promise<number> {
  const [seconds, micros] = (await admin.time()) as [string | number, string | number];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

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

/** Polls `check` every 10 ms until it holds, for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('options', () => {
  test('exactly one of client and url, a client with call, timeoutMs > 0, resetMarginMs >= 0', () => {
    const url = redis.url;
    const which = 'redisRateLimitStore: give either client or url';
    for (const options of [{}, { url, client: admin }]) {
      const error = thrown(() => redisRateLimitStore(options));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(which);
    }
    const notClient = thrown(() => redisRateLimitStore({ client: {} as RedisCommandClient }));
    expect(notClient).toBeInstanceOf(TypeError);
    expect(notClient.message).toBe(
      'redisRateLimitStore: client must be an ioredis client (with call)',
    );
    for (const timeoutMs of [0, -1, NaN, Infinity]) {
      const error = thrown(() => redisRateLimitStore({ url, timeoutMs }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('redisRateLimitStore: timeoutMs must be a number > 0');
    }
    for (const resetMarginMs of [-1, NaN, Infinity]) {
      const error = thrown(() => redisRateLimitStore({ url, resetMarginMs }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('redisRateLimitStore: resetMarginMs must be a number >= 0');
    }
    // The bounds themselves are fine (and nothing connects until the first command).
    expect(() => redisRateLimitStore({ url, timeoutMs: 0.5, resetMarginMs: 0 })).not.toThrow();
    expect(() => redisRateLimitStore({ client: admin })).not.toThrow();
  });
});

describe('in Redis', () => {
  test('reserve: the default key prefix, and the answer is Redis’s (the probe), not memory’s', async () => {
    const fallbacks: RedisFallbackInfo[] = [];
    const store = redisRateLimitStore({ url: redis.url, onFallback: (i) => fallbacks.push(i) });
    const bucket = bucketOf();
    const key = `okta-sessions:rate-limit:${bucket.key}`;
    try {
      expect(await store.reserve(bucket)).toBe(0);
      expect(await admin.exists(key)).toBe(1);
      expect(Number(await admin.hget(key, 'probe'))).toBeGreaterThan(0);
      // The first request is still out: the next one waits a little (memory would say 0).
      const wait = await store.reserve(bucket);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(50);
      expect(fallbacks).toEqual([]);
    } finally {
      await store.close();
      await admin.del(key);
    }
  });

  test('record: limit, reset in epoch seconds, the count, and the end: Redis now + reset − Date + 250 ms', async () => {
    const keyPrefix = prefix();
    const store = redisRateLimitStore({ url: redis.url, keyPrefix });
    const bucket = bucketOf();
    const key = keyPrefix + bucket.key;
    const resetS = Math.floor(Date.now() / 1000) + 30;
    try {
      const before = await redisNow();
      await store.record(bucket, answer(10, 7, resetS, 10_000));
      const after = await redisNow();
      const hash = await admin.hgetall(key);
      expect(hash).toMatchObject({ limit: '10', reset: String(resetS), used: '3' });
      expect(Number(hash['end'])).toBeGreaterThanOrEqual(before + 10_250);
      expect(Number(hash['end'])).toBeLessThanOrEqual(after + 10_250);
      // Kept two minutes past the window's end.
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(120_000 + 10_250 - (after - before) - 1000);
      expect(ttl).toBeLessThanOrEqual(130_250);
    } finally {
      await store.close();
    }
  });

  test('record: resetMarginMs is added; a reset before Date counts as no wait', async () => {
    const keyPrefix = prefix();
    const store = redisRateLimitStore({ url: redis.url, keyPrefix, resetMarginMs: 1000 });
    const resetS = Math.floor(Date.now() / 1000) + 30;
    try {
      for (const [waitMs, expected] of [
        [4000, 5000],
        [-4000, 1000],
      ] as const) {
        const bucket = bucketOf();
        const before = await redisNow();
        await store.record(bucket, answer(10, 9, resetS, waitMs));
        const after = await redisNow();
        const end = Number(await admin.hget(keyPrefix + bucket.key, 'end'));
        expect(end).toBeGreaterThanOrEqual(before + expected);
        expect(end).toBeLessThanOrEqual(after + expected);
      }
    } finally {
      await store.close();
    }
  });

  test('record: answers that say nothing about the window leave Redis alone', async () => {
    const keyPrefix = prefix();
    const store = redisRateLimitStore({ url: redis.url, keyPrefix });
    const full = answer(10, 5, Math.floor(Date.now() / 1000) + 30, 1000);
    try {
      for (const state of [
        { ...full, limit: 0 }, // a concurrency refusal
        { ...full, limit: undefined },
        { ...full, remaining: undefined },
        { ...full, resetAt: undefined },
        { ...full, serverDate: undefined },
      ]) {
        const bucket = bucketOf();
        await store.record(bucket, state);
        expect(await admin.exists(keyPrefix + bucket.key)).toBe(0);
      }
      const bucket = bucketOf();
      await store.record(bucket, { ...full, remaining: 0 });
      expect(await admin.hget(keyPrefix + bucket.key, 'used')).toBe('10');
    } finally {
      await store.close();
    }
  });

  test('record: a refusal (429) from the old window sends everyone back to it; a success does not', async () => {
    const keyPrefix = prefix();
    const store = redisRateLimitStore({ url: redis.url, keyPrefix, resetMarginMs: 0 });
    const resetS = Math.floor(Date.now() / 1000) + 5;
    try {
      for (const refused of [false, true]) {
        const bucket = bucketOf();
        const key = keyPrefix + bucket.key;
        expect(await store.reserve(bucket)).toBe(0); // the probe
        await store.record(bucket, answer(3, 0, resetS, 0)); // spent, and over by its headers
        expect(await store.reserve(bucket)).toBe(0); // opens the next window: 1 used
        expect(await admin.hget(key, 'used')).toBe('1');
        // The old window's last answer arrives late.
        await store.record(bucket, answer(3, 0, resetS, 1000, refused));
        expect(await admin.hget(key, 'used')).toBe(refused ? '3' : '1');
      }
    } finally {
      await store.close();
    }
  });

  test('memory learns every answer too, and stands in when Redis fails', async () => {
    let failing = false;
    const client: RedisCommandClient = {
      call: (command, ...args) =>
        failing ? Promise.reject(new Error('down')) : admin.call(command, ...args),
    };
    const store = redisRateLimitStore({ client, keyPrefix: prefix() });
    const bucket = bucketOf();
    const resetS = Math.floor(Date.now() / 1000) + 30;
    await store.record(bucket, answer(10, 0, resetS, 20_000));
    failing = true;
    const wait = await store.reserve(bucket);
    expect(wait).toBeGreaterThan(10_000);
    await store.close(); // a client you passed stays open
    expect(admin.status).toBe('ready');
  });
});

describe('a client of your own', () => {
  function scripted(reply: () => Promise<unknown>) {
    const calls: { at: number; command: string; args: (string | number)[] }[] = [];
    const client: RedisCommandClient = {
      call(command, ...args) {
        calls.push({ at: Date.now(), command, args });
        return reply();
      },
    };
    return { client, calls };
  }

  test('reserve sends EVAL on the prefixed key and resolves with its number', async () => {
    const { client, calls } = scripted(() => Promise.resolve(1234));
    const fallbacks: RedisFallbackInfo[] = [];
    const store = redisRateLimitStore({
      client,
      keyPrefix: 'p:',
      onFallback: (i) => fallbacks.push(i),
    });
    expect(await store.reserve(bucketOf('k'))).toBe(1234);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.command).toBe('EVAL');
    expect(calls[0]!.args.slice(1)).toEqual([1, 'p:https://store.example k']);
    expect(fallbacks).toEqual([]);
  });

  test('a reply that is not a number: memory answers', async () => {
    const { client } = scripted(() => Promise.resolve('soon'));
    const store = redisRateLimitStore({ client });
    expect(await store.reserve(bucketOf())).toBe(0);
  });

  test('failures reach onFallback as Errors: the same Error, or one made of what was thrown', async () => {
    const error = new Error('refused');
    const cases: [() => Promise<unknown>, (e: Error) => void][] = [
      [() => Promise.reject(error), (e) => expect(e).toBe(error)],
      [() => Promise.reject('nope'), (e) => expect(e.message).toBe('nope')],
      [
        () => {
          throw 'boom'; // eslint-disable-line @typescript-eslint/only-throw-error
        },
        (e) => expect(e.message).toBe('boom'),
      ],
    ];
    for (const [reply, check] of cases) {
      const { client } = scripted(reply);
      const fallbacks: RedisFallbackInfo[] = [];
      const store = redisRateLimitStore({ client, onFallback: (i) => fallbacks.push(i) });
      expect(await store.reserve(bucketOf())).toBe(0);
      expect(fallbacks).toHaveLength(1);
      expect(fallbacks[0]!.error).toBeInstanceOf(Error);
      check(fallbacks[0]!.error);
    }
  });

  test('a command that never answers: RedisTimeoutError after timeoutMs (default 500 ms)', async () => {
    for (const [timeoutMs, message] of [
      [60, 'Redis did not answer within 60 ms'],
      [undefined, 'Redis did not answer within 500 ms'],
    ] as const) {
      const { client } = scripted(() => new Promise(() => undefined));
      const fallbacks: RedisFallbackInfo[] = [];
      const store = redisRateLimitStore({
        client,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        onFallback: (i) => fallbacks.push(i),
      });
      const started = Date.now();
      expect(await store.reserve(bucketOf())).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual((timeoutMs ?? 500) - 5);
      expect(fallbacks).toHaveLength(1);
      const { error } = fallbacks[0]!;
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('RedisTimeoutError');
      expect(error.message).toBe(message);
    }
  });

  test('after a failure Redis is left alone for a second; onFallback hears again only after a success', async () => {
    let failing = true;
    const { client, calls } = scripted(() =>
      failing ? Promise.reject(new Error('down')) : Promise.resolve(0),
    );
    const fallbacks: RedisFallbackInfo[] = [];
    const store = redisRateLimitStore({ client, onFallback: (i) => fallbacks.push(i) });
    const bucket = bucketOf();
    const tryUntilSent = async (n: number) => {
      await until(async () => {
        await store.reserve(bucket);
        return calls.length >= n;
      });
    };

    let started = Date.now();
    await store.reserve(bucket);
    await store.reserve(bucket);
    await store.record(bucket, answer(10, 5, Math.floor(Date.now() / 1000) + 30, 1000));
    expect(calls).toHaveLength(1); // the other two stayed in memory
    expect(fallbacks).toHaveLength(1);

    await tryUntilSent(2); // fails again: not reported again
    expect(calls[1]!.at - started).toBeGreaterThanOrEqual(1000);
    expect(fallbacks).toHaveLength(1);

    failing = false;
    started = Date.now();
    await tryUntilSent(3); // Redis is back
    expect(calls[2]!.at - started).toBeGreaterThanOrEqual(900);

    failing = true;
    await store.reserve(bucket); // and fails anew: reported again
    expect(calls).toHaveLength(4);
    expect(fallbacks).toHaveLength(2);
  });
});

describe('the client the store opens from url', () => {
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
      expect(await store.reserve(bucketOf())).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(fallbacks).toHaveLength(1);
      expect(fallbacks[0]!.error.message).toBe(
        "Stream isn't writeable and enableOfflineQueue options is false",
      );
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
          expect(await store.reserve(bucketOf())).toBe(0);
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

  test('a dropped connection is opened again 100 ms later, and close() closes it', async () => {
    const store = redisRateLimitStore({ url: redis.url, keyPrefix: prefix(), timeoutMs: 2000 });
    const ids = async () =>
      [...String(await admin.client('LIST')).matchAll(/^id=(\d+) /gm)].map((m) => Number(m[1]));
    let closed = false;
    try {
      const known = new Set(await ids());
      expect(await store.reserve(bucketOf())).toBe(0);
      const mine = (await ids()).filter((id) => !known.has(id));
      expect(mine).toHaveLength(1);
      const killed = Date.now();
      await admin.client('KILL', 'ID', mine[0]!);
      // ioredis opens a new connection by itself (no command needed).
      let reconnectedAt = 0;
      await until(async () => {
        const now = await ids();
        reconnectedAt = Date.now();
        return now.some((id) => id > mine[0]!);
      });
      expect(reconnectedAt - killed).toBeGreaterThanOrEqual(100);
      expect(reconnectedAt - killed).toBeLessThan(2000);
      await store.close();
      closed = true;
      await until(async () => (await ids()).every((id) => id <= mine[0]!));
    } finally {
      if (!closed) await store.close();
    }
  });
});
