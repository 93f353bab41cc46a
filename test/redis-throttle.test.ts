// The Redis rate-limit store against a real redis-server and our emulator: a fleet of processes
// sharing one bucket, window resets, Redis dying or freezing mid-run, and what Redis holds.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { packageSources } from '../scripts/package-sources.cjs';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { OktaRateLimitError, OktaSessions } from '../src/index.js';
import {
  redisRateLimitStore,
  type RedisCommandClient,
  type RedisFallbackInfo,
} from '../src/redis/index.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';
import {
  closeAllScriptedServers,
  nowSeconds,
  rateLimited,
  sessionOk,
  startScriptedServer,
} from './helpers/scripted-server.js';

const run = promisify(execFile);
const root = join(__dirname, '..');
const worker = join(root, 'node_modules/.cache/okta-sessions-test/fleet-worker.cjs');

let redis: RedisServer;
let prefixes = 0;
const prefix = () => `t${++prefixes}:`;

beforeAll(async () => {
  mkdirSync(join(worker, '..'), { recursive: true });
  await build({
    entryPoints: [join(__dirname, 'helpers/fleet-worker.ts')],
    outfile: worker,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'error',
    plugins: [packageSources('node')],
  });
  redis = await startRedis();
}, 30_000);

afterAll(async () => {
  await redis?.kill();
});

afterEach(closeAllScriptedServers);

async function emulatorWithSession(limit: number, windowSeconds: number) {
  const emu = await startEmulator({ rateLimit: { limit, windowSeconds } });
  const admin = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
  const { id } = await admin.createSession({ sessionToken: emu.issueSessionToken() });
  return { emu, sessionId: id };
}

interface Counts {
  ok: number;
  limited: number;
  other: number;
}

async function fleet(
  emu: Emulator,
  sessionId: string,
  processes: number,
  calls: number,
  redisUrl: string | undefined,
  keyPrefix: string,
): Promise<Counts> {
  const job = { orgUrl: emu.url, apiToken: emu.apiToken, sessionId, calls, parallel: 3 };
  const results = await Promise.all(
    Array.from({ length: processes }, async () => {
      const arg = JSON.stringify(redisUrl ? { ...job, redisUrl, keyPrefix } : job);
      const { stdout } = await run(process.execPath, [worker, arg], { cwd: root });
      return JSON.parse(stdout) as Counts;
    }),
  );
  return results.reduce((a, b) => ({
    ok: a.ok + b.ok,
    limited: a.limited + b.limited,
    other: a.other + b.other,
  }));
}

test('four processes share one window through Redis: every call goes through, no 429', async () => {
  // 4 × 8 calls against 10 per 2 s: the fleet needs four windows and may never exceed one.
  const { emu, sessionId } = await emulatorWithSession(10, 2);
  try {
    const counts = await fleet(emu, sessionId, 4, 8, redis.url, prefix());
    expect(counts).toEqual({ ok: 32, limited: 0, other: 0 });
  } finally {
    await emu.close();
  }
}, 60_000);

test('the same fleet with per-process throttles exceeds the window (what the store is for)', async () => {
  const { emu, sessionId } = await emulatorWithSession(10, 2);
  try {
    const counts = await fleet(emu, sessionId, 4, 6, undefined, '');
    expect(counts.limited).toBeGreaterThan(0);
  } finally {
    await emu.close();
  }
}, 60_000);

test('a late answer from the old window does not undo the new one; only a 429 sends the fleet back', async () => {
  // The store driven by hand: a window of 3 that the headers say is over (margin 0, reset = Date).
  const bucket = {
    orgUrl: 'https://late.example',
    group: 'sessions',
    key: 'late sessions',
  } as const;
  const reset = Math.floor(Date.now() / 1000) + 5;
  const answer = (remaining: number, waitMs: number, refused = false) => ({
    limit: 3,
    remaining,
    resetAt: new Date(reset * 1000),
    serverDate: new Date(reset * 1000 - waitMs),
    retryAfterMs: undefined,
    refused,
  });
  for (const refused of [false, true]) {
    const store = redisRateLimitStore({ url: redis.url, keyPrefix: prefix(), resetMarginMs: 0 });
    try {
      expect(await store.reserve(bucket)).toBe(0); // the first request goes alone
      await store.record(bucket, answer(0, 0)); // its window is spent and over
      expect(await store.reserve(bucket)).toBe(0); // opens the next window: 1 of 3 used
      // The old window's answer arrives late: its last slot (200, Remaining 0), or a 429.
      // (A success's own reset looks over already: had it counted, a third window would open.)
      await store.record(bucket, answer(0, refused ? 1000 : 0, refused));
      const next = [];
      for (let i = 0; i < 3; i++) next.push((await store.reserve(bucket)) > 0 ? 'wait' : 'send');
      // A success says nothing about the new window: 2 more slots, then a wait. A refusal
      // proves the old window still running: everyone waits for it.
      expect(next).toEqual(refused ? ['wait', 'wait', 'wait'] : ['send', 'send', 'wait']);
    } finally {
      await store.close();
    }
  }
});

test('a spent window makes calls wait for its reset, then they go on', async () => {
  const { emu, sessionId } = await emulatorWithSession(3, 1);
  const store = redisRateLimitStore({ url: redis.url, keyPrefix: prefix() });
  const okta = new OktaSessions({
    orgUrl: emu.url,
    apiToken: emu.apiToken,
    retry: { maxRetries: 0 },
    throttle: { store },
  });
  try {
    const started = Date.now();
    // 1 used by createSession: 2 + 3 + 3 calls need two resets.
    for (let i = 0; i < 8; i++) await okta.getSession(sessionId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  } finally {
    await store.close();
    await emu.close();
  }
}, 30_000);

test('a wait for the reset ends with the call signal', async () => {
  const { emu, sessionId } = await emulatorWithSession(2, 60);
  const store = redisRateLimitStore({ url: redis.url, keyPrefix: prefix() });
  const okta = new OktaSessions({
    orgUrl: emu.url,
    apiToken: emu.apiToken,
    retry: { maxRetries: 0 },
    throttle: { store },
  });
  try {
    await okta.getSession(sessionId);
    const started = Date.now();
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 300);
    await expect(okta.getSession(sessionId, { signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await store.close();
    await emu.close();
  }
}, 30_000);

test('Redis killed mid-run: calls go on in memory, the observer hears of it once', async () => {
  const own = await startRedis();
  const { emu, sessionId } = await emulatorWithSession(1000, 60);
  const fallbacks: RedisFallbackInfo[] = [];
  const store = redisRateLimitStore({
    url: own.url,
    keyPrefix: prefix(),
    timeoutMs: 200,
    onFallback: (info) => {
      fallbacks.push(info);
      throw new Error('a throwing observer changes nothing');
    },
  });
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken, throttle: { store } });
  try {
    for (let i = 0; i < 5; i++) await okta.getSession(sessionId);
    expect(fallbacks).toHaveLength(0);
    await own.kill();
    const started = Date.now();
    for (let i = 0; i < 20; i++) await okta.getSession(sessionId);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.error).toBeInstanceOf(Error);
  } finally {
    await store.close();
    await emu.close();
    await own.kill();
  }
}, 30_000);

test('Redis frozen (SIGSTOP): each call waits at most about the timeout', async () => {
  const own = await startRedis();
  const { emu, sessionId } = await emulatorWithSession(1000, 60);
  const fallbacks: RedisFallbackInfo[] = [];
  const store = redisRateLimitStore({
    url: own.url,
    keyPrefix: prefix(),
    timeoutMs: 200,
    onFallback: (info) => fallbacks.push(info),
  });
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken, throttle: { store } });
  try {
    await okta.getSession(sessionId);
    own.pause();
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await okta.getSession(sessionId);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.error.message).toMatch(/timed out|within 200 ms/);
  } finally {
    own.resume();
    await store.close();
    await emu.close();
    await own.kill();
  }
}, 30_000);

test('Redis down: the store leaves it alone for a second after each failure, then tries again', async () => {
  const own = await startRedis();
  const { emu, sessionId } = await emulatorWithSession(1000, 60);
  // A client of our own (commands fail at once while disconnected) that notes when each
  // command is sent.
  const ioredis = new Redis(own.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  ioredis.on('error', () => undefined);
  await ioredis.connect();
  const sent: number[] = [];
  const client: RedisCommandClient = {
    call(command, ...args) {
      sent.push(Date.now());
      return ioredis.call(command, ...args);
    },
  };
  const fallbacks: RedisFallbackInfo[] = [];
  const store = redisRateLimitStore({
    client,
    keyPrefix: prefix(),
    timeoutMs: 200,
    onFallback: (info) => fallbacks.push(info),
  });
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken, throttle: { store } });
  try {
    await okta.getSession(sessionId);
    expect(sent).toHaveLength(2); // reserve, record
    await own.kill();
    sent.length = 0;
    let calls = 0;
    const started = Date.now();
    // Until Redis has been tried twice (at most 5 s, so a loaded machine has time for it).
    while (Date.now() - started < 5_000 && sent.length < 2) {
      await okta.getSession(sessionId);
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Many calls, but Redis was tried only after each second without it: once at the first
    // call, once more after the back-off.
    expect(calls).toBeGreaterThan(10);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    const gaps = sent.slice(1).map((at, i) => at - sent[i]!);
    expect(gaps.filter((gap) => gap < 1000)).toEqual([]);
    expect(fallbacks).toHaveLength(1);
  } finally {
    await store.close();
    ioredis.disconnect();
    await emu.close();
    await own.kill();
  }
}, 30_000);

test("a concurrency refusal (X-Rate-Limit-Limit: 0) leaves the fleet's window as it was", async () => {
  // Okta's concurrency-limit 429s carry Limit 0 and Remaining 0: they say nothing about the
  // window, which here still has 598 requests left.
  const reset = nowSeconds() + 60;
  const server = await startScriptedServer([
    sessionOk('s1', { headers: { 'X-Rate-Limit-Reset': String(reset) } }),
    rateLimited({ limit: 0, remaining: 0, reset }),
    sessionOk('s1', { headers: { 'X-Rate-Limit-Reset': String(reset) } }),
  ]);
  const fallbacks: RedisFallbackInfo[] = [];
  const store = redisRateLimitStore({
    url: redis.url,
    keyPrefix: prefix(),
    timeoutMs: 2_000,
    onFallback: (info) => fallbacks.push(info),
  });
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: 'tok-concurrency',
    retry: { maxRetries: 0, maxDelayMs: 5_000 },
    throttle: { store },
  });
  const bucket = { orgUrl: server.url, group: 'sessions', key: `${server.url} sessions` } as const;
  try {
    expect((await okta.getSession('s1')).id).toBe('s1');
    await expect(okta.getSession('s1')).rejects.toBeInstanceOf(OktaRateLimitError);
    expect(await store.reserve(bucket)).toBe(0);
    const started = Date.now();
    expect((await okta.getSession('s1')).id).toBe('s1');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fallbacks).toEqual([]);
  } finally {
    await store.close();
    await server.close();
  }
});

test('Redis holds the org URL and bucket only: no token, no session id', async () => {
  const { emu, sessionId } = await emulatorWithSession(1000, 60);
  const client = new Redis(redis.url);
  const keyPrefix = prefix();
  const store = redisRateLimitStore({ client, keyPrefix });
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken, throttle: { store } });
  try {
    await okta.getSession(sessionId);
    await okta.getCurrentSession({ cookie: `sid=${sessionId}` });
    const keys = await client.keys('*');
    expect(keys).toEqual(
      expect.arrayContaining([`${keyPrefix}${emu.url} sessions`, `${keyPrefix}${emu.url} me`]),
    );
    let everything = keys.join('\n');
    for (const key of keys) everything += JSON.stringify(await client.hgetall(key));
    expect(everything).not.toContain(emu.apiToken);
    expect(everything).not.toContain(sessionId);
  } finally {
    await store.close();
    client.disconnect();
    await emu.close();
  }
});

test('option errors come before any I/O', () => {
  expect(() => redisRateLimitStore({})).toThrow(/client or url/);
  expect(() => redisRateLimitStore({ url: 'redis://x', timeoutMs: 0 })).toThrow(/timeoutMs/);
  expect(() => redisRateLimitStore({ url: 'redis://x', resetMarginMs: -1 })).toThrow(/resetMargin/);
  expect(
    () =>
      new OktaSessions({
        orgUrl: 'https://acme.okta.com',
        apiToken: 'x'.repeat(42),
        throttle: { store: {} as never },
      }),
  ).toThrow(/RateLimitStore/);
});
