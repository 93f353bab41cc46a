// Issue #25 in one process: the throttle against the emulator (real HTTP on 127.0.0.1, its
// windows and the client on one manual clock). A call never sends what the store knows Okta
// would refuse; slots go in the order calls asked, and a cancelled waiter's slot to the next;
// reservations made just before a reset survive the new window's first answer (windows that
// start with the first request, and windows aligned to the epoch); a concurrency 429 backs
// off for a second, not to its reset. The Redis store's side is in test/redis-*.test.ts.
import {
  OktaApiError,
  OktaError,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaThrottleError,
  type OktaSessionsOptions,
  type RateLimitStore,
} from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { memoryStore } from '../src/rate-limit/memory-store.js';
import { clockedClient, clockedHarness, type ClockedClient } from './helpers/clocked-client.js';
import { SESSION_ID, T, dateAt, ok, rateLimited } from './helpers/fetch-harness.js';

const TOKEN = 'fleet-token';
/** A whole minute since the epoch: aligned windows of 10 s end at BASE + 10 s, + 20 s… */
const BASE = Date.parse('2026-01-01T00:00:00Z');

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

type Outcome = 'served' | '429' | 'throttled' | 'aborted' | 'pending';

/**
 * A client on a manual clock against an emulator on the same clock. Each `ask` starts a call
 * (a getSession the emulator answers 404, counted in the sessions bucket) and keeps its
 * outcome; `settle` waits in real time until every request sent has been answered.
 */
async function fleet(
  rateLimit: { limit: number; windowSeconds: number; windows?: 'aligned' | 'first-request' },
  options: Partial<OktaSessionsOptions> = {},
  start = BASE,
  random?: () => number,
) {
  let clock: ClockedClient['clock'] | undefined;
  emu = await startEmulator({ apiToken: TOKEN, rateLimit, now: () => clock!.now() });
  let sent = 0;
  let answered = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent++;
    return globalThis.fetch(input, init).finally(() => answered++);
  };
  // The memory store on the client's clock (and, for the boundary tests, a chosen jitter).
  let inner: RateLimitStore | undefined;
  const store: RateLimitStore = {
    reserve: (bucket, request) => inner!.reserve(bucket, request),
    record: (bucket, state) => inner!.record(bucket, state),
  };
  const client = clockedClient(
    {
      orgUrl: emu.url,
      apiToken: TOKEN,
      fetch,
      retry: { maxRetries: 0 },
      ...options,
      throttle: { store, ...(typeof options.throttle === 'object' ? options.throttle : {}) },
    },
    start,
  );
  clock = client.clock;
  inner = memoryStore(client.clock, random);
  const outcomes: Outcome[] = [];
  const errors: unknown[] = [];
  const ask = (signal?: AbortSignal): number => {
    const i = outcomes.push('pending') - 1;
    void client.okta.getSession(`102nope${i}`, signal ? { signal } : {}).then(
      () => (outcomes[i] = 'served'),
      (error: unknown) => {
        errors[i] = error;
        if (error instanceof OktaNotFoundError) (answered++, (outcomes[i] = 'served'));
        else if (error instanceof OktaRateLimitError) (answered++, (outcomes[i] = '429'));
        else if (error instanceof OktaThrottleError) outcomes[i] = 'throttled';
        else outcomes[i] = 'aborted';
      },
    );
    return i;
  };
  const settle = async (): Promise<void> => {
    const until = Date.now() + 10_000;
    // Real I/O: turns of the event loop until every request sent has its answer, and then a
    // few more for the calls to read the (tiny) bodies and settle.
    do await new Promise((resolve) => setTimeout(resolve, 5));
    while (answered < sent && Date.now() < until);
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  // A second at a time, answering what was sent before the clock goes on: one jump would run
  // the attempts' 30 s deadlines before the emulator's answers come in.
  const advance = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 1_000) {
      const before = sent;
      await client.advance(Math.min(left, 1_000));
      // A step that sent nothing has nothing to wait for.
      if (sent !== before || answered < sent) await settle();
    }
    await settle();
  };
  return { client, emu, ask, settle, advance, outcomes, errors, sent: () => sent };
}

describe('finding 1: never send what the store knows will be refused', () => {
  test('a call whose slot is later than maxWaitMs fails at once with OktaThrottleError, unsent and not retried', async () => {
    const retries: unknown[] = [];
    const f = await fleet(
      { limit: 2, windowSeconds: 60 },
      { throttle: { maxWaitMs: 5_000 }, retry: { maxRetries: 2 }, onRetry: (i) => retries.push(i) },
    );
    f.ask();
    await f.settle();
    f.ask();
    await f.settle();
    f.ask(); // the window is spent and its reset a minute off
    await f.settle();
    expect(f.outcomes).toEqual(['served', 'served', 'throttled']);
    expect(f.sent()).toBe(2);
    const err = f.errors[2] as OktaThrottleError;
    expect(err).toBeInstanceOf(OktaError);
    expect(err).not.toBeInstanceOf(OktaApiError);
    expect(err.name).toBe('OktaThrottleError');
    expect([err.operationId, err.maxWaitMs]).toEqual(['getSession', 5_000]);
    // The emulator's window began with the first request (BASE) and ends a minute later; the
    // store waits reset − Date + 1 s.
    expect(err.retryAfterMs).toBe(61_000);
    expect(err.resetAt.getTime()).toBe(BASE + 60_000);
    expect(retries).toEqual([]);
  });

  test('a call whose slot is within maxWaitMs waits for it, however short retry.maxDelayMs is', async () => {
    const f = await fleet(
      { limit: 2, windowSeconds: 60 },
      { retry: { maxRetries: 0, maxDelayMs: 1_000 } },
    );
    f.ask();
    await f.settle();
    f.ask();
    await f.settle();
    f.ask();
    await f.advance(60_000);
    expect(f.outcomes).toEqual(['served', 'served', 'pending']);
    await f.advance(2_000); // the slot: reset + 1 s, and at most a second of jitter
    expect(f.outcomes).toEqual(['served', 'served', 'served']);
    expect(f.sent()).toBe(3);
  });
});

describe('finding 4: slots in the order calls asked', () => {
  test('a window at a time: the first askers get this window, the next the one after, the rest a refusal', async () => {
    const f = await fleet({ limit: 3, windowSeconds: 10 });
    f.ask(); // learns the bucket: 2 left
    await f.settle();
    for (let i = 0; i < 10; i++) f.ask();
    await f.settle();
    // Calls 1–2 this window, 3–5 the next (10 s), the rest would wait past 61 s (the window
    // length is Okta's minute until a second window has been seen).
    expect(f.outcomes).toEqual([
      'served',
      'served',
      'served',
      ...Array<Outcome>(3).fill('pending'),
      ...Array<Outcome>(5).fill('throttled'),
    ]);
    await f.advance(12_000);
    expect(f.outcomes.slice(3, 6)).toEqual(['served', 'served', 'served']);
    expect(f.outcomes).not.toContain('429');
  });

  test('a waiter that is cancelled gives its slot back: a later caller takes it instead of a refusal', async () => {
    const f = await fleet({ limit: 2, windowSeconds: 10 });
    f.ask(); // 1 left
    await f.settle();
    f.ask(); // the last of this window
    const cancelled = new AbortController();
    f.ask(cancelled.signal); // the next window's two slots…
    f.ask();
    await f.settle();
    cancelled.abort(new Error('caller gave up'));
    await f.settle();
    f.ask(); // …one given back: this call takes it
    await f.settle();
    expect(f.outcomes).toEqual(['served', 'served', 'aborted', 'pending', 'pending']);
    await f.advance(12_000);
    expect(f.outcomes).toEqual(['served', 'served', 'aborted', 'served', 'served']);
    expect(f.sent()).toBe(4);
  });
});

describe('finding 3: reservations made just before a reset survive the new window', () => {
  test.each([
    // The bucket's first request at BASE + 5 s: its window ends at BASE + 15 s.
    ['first-request', 15_000],
    // Aligned to the epoch: the window of BASE + 5 s ends at BASE + 10 s.
    ['aligned', 10_000],
  ] as const)('windows %s', async (windows, reset) => {
    // The first slot of the next window goes without jitter, the others 90 % of it later, so
    // the new window's first answer comes back while two of its reservations wait.
    const jitters = [0, 0.9, 0.9];
    const f = await fleet(
      { limit: 3, windowSeconds: 10, windows },
      { throttle: { maxWaitMs: 200_000 } },
      BASE + 5_000,
      () => jitters.shift() ?? 0.5,
    );
    f.ask(); // learns the bucket: 2 left, its reset
    await f.settle();
    await f.advance(reset - 5_000 - 800); // 0.8 s before the reset
    for (let i = 0; i < 5; i++) f.ask(); // 2 now, 3 in the next window
    await f.settle();
    expect(f.outcomes).toEqual(['served', 'served', 'served', 'pending', 'pending', 'pending']);
    // Reset + 1 s margin: the first of the next window's slots goes and is answered.
    await f.advance(800 + 1_000);
    expect(f.outcomes.slice(3)).toEqual(['served', 'pending', 'pending']);
    // The new window's answer said 2 left: both are the waiting reservations', not this call's.
    f.ask();
    await f.settle();
    expect(f.outcomes[6]).toBe('pending');
    await f.advance(500);
    expect(f.outcomes.slice(3, 6)).toEqual(['served', 'served', 'served']);
    await f.advance(30_000);
    expect(f.outcomes).toEqual(Array<Outcome>(7).fill('served'));
    expect(f.outcomes).not.toContain('429');
  });
});

describe('finding 5: a concurrency 429 is not a spent window', () => {
  const concurrency = rateLimited({
    date: dateAt(T),
    'x-rate-limit-limit': '0',
    'x-rate-limit-remaining': '0',
    'x-rate-limit-reset': `${T + 60}`,
  });

  test('it is retried after 1–2 s of backoff, not at its reset a minute off', async () => {
    const h = clockedHarness([concurrency, ok()], { throttle: true }, T * 1000);
    const { outcome, sentAt } = await h.run((okta) => okta.getSession(SESSION_ID));
    expect(outcome.ok).toBe(true);
    expect(h.retries.map((r) => [r.reason, r.status])).toEqual([['rate-limit', 429]]);
    const delay = h.retries[0]!.delayMs;
    expect(delay).toBeGreaterThanOrEqual(1_000);
    expect(delay).toBeLessThanOrEqual(2_000);
    expect(sentAt).toEqual([0, delay]);
  });

  test('the backoff doubles: the second retry waits 2–4 s', async () => {
    const h = clockedHarness([concurrency, concurrency, ok()], { throttle: true }, T * 1000);
    const { outcome } = await h.run((okta) => okta.getSession(SESSION_ID));
    expect(outcome.ok).toBe(true);
    const delay = h.retries[1]!.delayMs;
    expect(delay).toBeGreaterThanOrEqual(2_000);
    expect(delay).toBeLessThanOrEqual(4_000);
  });

  test('the next call is not held for its reset: the store did not count it as a spent window', async () => {
    const h = clockedHarness(
      [concurrency, ok()],
      { throttle: true, retry: { maxRetries: 0 } },
      T * 1000,
    );
    const first = await h.run((okta) => okta.getSession(SESSION_ID));
    expect(first.outcome.ok).toBe(false);
    const second = await h.run((okta) => okta.getSession(SESSION_ID));
    expect(second.outcome.ok).toBe(true);
    expect(second.sentAt).toEqual([0]);
  });

  test("the emulator's concurrency refusal: the call is served after the backoff, the next at once", async () => {
    const retries: Array<{ delayMs: number; status?: number }> = [];
    const f = await fleet(
      { limit: 100, windowSeconds: 60 },
      { retry: { maxRetries: 1 }, onRetry: (info) => retries.push(info) },
    );
    f.emu.faults.add({ operationId: 'getSession', action: { kind: 'concurrency' } });
    f.ask();
    await f.settle();
    expect(f.outcomes).toEqual(['pending']);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.status).toBe(429);
    // The emulator's refusal carries the window's reset, a minute off, as Okta's does.
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1_000);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(2_000);
    await f.advance(2_000);
    f.ask();
    await f.settle();
    expect(f.outcomes).toEqual(['served', 'served']);
    expect(f.sent()).toBe(3);
  });
});
