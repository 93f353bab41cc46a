// Rate-limit headers: how their numbers are read, a reset exactly at the boundary, how long the
// throttle makes a call wait, and how it recovers from a bogus reset.

import { OktaRateLimitError, type RateLimitStore } from '../src/index.js';
import {
  SESSION_ID,
  T,
  dateAt,
  expectInRange,
  harness,
  ok,
  rateLimited,
  rejection,
} from './helpers/fetch-harness.js';
import { type RateLimitState, nextThrottleUntil } from '../src/rate-limit/headers.js';
import {
  closeAllScriptedServers,
  httpDate,
  nowSeconds,
  sessionOk,
} from './helpers/scripted-server.js';
import { client, serve } from './helpers/hostile-server.js';
import { clockedHarness } from './helpers/clocked-client.js';

afterEach(closeAllScriptedServers);

describe('rate-limit header numbers', () => {
  async function rateLimitError(headers: Record<string, string>): Promise<OktaRateLimitError> {
    const h = harness([rateLimited(headers)], { retry: { maxRetries: 0 } });
    const err = await rejection(h.okta.getSession(SESSION_ID));
    expect(err).toBeInstanceOf(OktaRateLimitError);
    return err as OktaRateLimitError;
  }

  test('"", "-5" and "1e3" are not numbers: limit, remaining and resetAt stay undefined', async () => {
    for (const bad of ['', '-5', '1e3', '0x10', '1.5']) {
      const err = await rateLimitError({
        'x-rate-limit-limit': bad,
        'x-rate-limit-remaining': bad,
        'x-rate-limit-reset': bad,
      });
      expect([bad, err.limit, err.remaining, err.resetAt]).toEqual([
        bad,
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  test('a trailing comma is not a value: "600," reads as 600', async () => {
    const err = await rateLimitError({
      'x-rate-limit-limit': '600,',
      'x-rate-limit-remaining': '0, ',
      'x-rate-limit-reset': `${T + 60},`,
    });
    expect([err.limit, err.remaining, err.resetAt?.getTime()]).toEqual([600, 0, (T + 60) * 1000]);
  });

  test('of repeated values the smallest wins wherever it stands (first, middle, last)', async () => {
    for (const value of ['100, 900, 600', '900, 100, 600', '900, 600, 100']) {
      const err = await rateLimitError({
        'x-rate-limit-limit': value,
        'x-rate-limit-remaining': value.replace(/00/g, ''),
        'x-rate-limit-reset': value
          .split(', ')
          .map((n) => T + Number(n))
          .join(', '),
      });
      expect([value, err.limit, err.remaining, err.resetAt?.getTime()]).toEqual([
        value,
        100,
        1,
        (T + 100) * 1000,
      ]);
    }
  });

  test('a value that is not a number is skipped, not read as 0: "x, 7" reads as 7', async () => {
    const err = await rateLimitError({
      'x-rate-limit-limit': 'x, 7',
      'x-rate-limit-remaining': ', 3',
    });
    expect([err.limit, err.remaining]).toEqual([7, 3]);
  });
});

describe('reset exactly at the boundary', () => {
  test('a reset equal to the Date second waits exactly one second', async () => {
    const h = clockedHarness([
      rateLimited({ date: dateAt(T), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': `${T}` }),
      ok(),
    ]);

    const { outcome, sentAt } = await h.run((okta) => okta.getSession(SESSION_ID));

    expect(outcome.ok).toBe(true);
    expect(h.retries[0]?.delayMs).toBe(1_000);
    expect(sentAt).toEqual([0, 1_000]);
  });

  test('a reset one second before the Date is over: the backoff applies (125–250 ms)', async () => {
    const h = clockedHarness([
      rateLimited({
        date: dateAt(T),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': `${T - 1}`,
      }),
      ok(),
    ]);

    const { outcome, sentAt } = await h.run((okta) => okta.getSession(SESSION_ID));

    expect(outcome.ok).toBe(true);
    expectInRange(h.retries[0]?.delayMs, 125, 250);
    expect(sentAt).toEqual([0, h.retries[0]?.delayMs]);
  });
});

describe('throttle waits', () => {
  /** A store whose reserve answers `waits` in order, then 0 (send now); it counts the calls. */
  function scriptedStore(waits: number[]): RateLimitStore & { reserved: number } {
    const store = {
      reserved: 0,
      reserve: () => {
        store.reserved++;
        return waits.shift() ?? 0;
      },
      record: () => undefined,
    };
    return store;
  }

  test('the wait is at least what the store asked: jitter only adds to it', async () => {
    const store = scriptedStore([500, 500, 500]);
    const h = harness([ok()], { throttle: { store }, retry: { maxDelayMs: 60_000 } });

    const started = Date.now();
    await h.okta.getSession(SESSION_ID);
    const waited = Date.now() - started;

    expect(store.reserved).toBe(4);
    // 10 ms of slack for timer rounding; jitter taken off instead would be 0–50 ms per wait.
    expect(waited).toBeGreaterThanOrEqual(1490);
  });

  test('jitter adds at most a tenth of a short wait, not up to a second', async () => {
    const store = scriptedStore(Array<number>(8).fill(100));
    const h = harness([ok()], { throttle: { store }, retry: { maxDelayMs: 60_000 } });

    const started = Date.now();
    await h.okta.getSession(SESSION_ID);
    const waited = Date.now() - started;

    expect(store.reserved).toBe(9);
    // 8 waits of 100–110 ms; with up to a second of jitter each they would sum to ~4 s.
    expect(waited).toBeGreaterThanOrEqual(800);
    expect(waited).toBeLessThan(2000);
  });

  test('jitter scales with the wait: five waits of a microsecond take milliseconds, not seconds', async () => {
    const store = scriptedStore(Array<number>(5).fill(0.001));
    const h = harness([ok()], { throttle: { store }, retry: { maxDelayMs: 60_000 } });

    const started = Date.now();
    await h.okta.getSession(SESSION_ID);
    const waited = Date.now() - started;

    expect(store.reserved).toBe(6);
    // Each wait is a 1 ms timer; jitter not in proportion would add seconds.
    expect(waited).toBeLessThan(2000);
  });

  test('with maxDelayMs 0 the store is asked once per call and the request goes at once', async () => {
    const store: RateLimitStore & { reserved: number } = {
      reserved: 0,
      reserve: () => {
        store.reserved++;
        return 1000;
      },
      record: () => undefined,
    };
    const h = harness([ok(), ok(), ok(), ok(), ok()], {
      throttle: { store },
      retry: { maxDelayMs: 0 },
    });

    for (let i = 0; i < 5; i++) await h.okta.getSession(SESSION_ID);

    expect(store.reserved).toBe(5);
    expect(h.requests).toHaveLength(5);
  });
});

describe('throttle recovers from one bogus reset', () => {
  const state = (remaining: number | undefined, resetInS: number, now: number): RateLimitState => ({
    limit: 100,
    remaining,
    resetAt: new Date(Math.floor(now / 1000) * 1000 + resetInS * 1000),
    serverDate: new Date(Math.floor(now / 1000) * 1000),
    retryAfterMs: undefined,
  });

  test('the rule: budget left clears the wait, a new window replaces it, no headers keep it', () => {
    const now = 1_800_000_000_000;
    const bogus = nextThrottleUntil(undefined, state(0, 86_400, now), now);
    expect(bogus).toBeGreaterThan(now + 86_000_000);
    expect(nextThrottleUntil(bogus, state(99, 60, now), now)).toBeUndefined();
    const renewed = nextThrottleUntil(bogus, state(0, 2, now), now);
    expect(renewed).toBeLessThanOrEqual(now + 3_000);
    expect(nextThrottleUntil(bogus, state(undefined, 60, now), now)).toBe(bogus);
    expect(nextThrottleUntil(bogus, undefined, now)).toBe(bogus);
  });

  test('after one far-future reset, a response with budget left lets the next call go at once', async () => {
    const now = nowSeconds();
    const far = {
      Date: httpDate(now),
      'X-Rate-Limit-Remaining': '0',
      'X-Rate-Limit-Reset': String(now + 3_600),
    };
    const server = await serve(
      sessionOk('abc', { headers: far }),
      sessionOk('abc', { headers: { 'X-Rate-Limit-Remaining': '99' } }),
      sessionOk('abc', { headers: { 'X-Rate-Limit-Remaining': '98' } }),
    );
    const maxDelayMs = 1_500;
    const okta = client(server, { throttle: true, retry: { maxRetries: 0, maxDelayMs } });
    await okta.getSession('abc');
    let started = performance.now();
    await okta.getSession('abc'); // waits maxDelayMs: the only sign of the bogus reset
    expect(performance.now() - started).toBeGreaterThanOrEqual(maxDelayMs - 50);
    started = performance.now();
    await okta.getSession('abc');
    expect(performance.now() - started).toBeLessThan(maxDelayMs / 2);
    expect(server.attempts).toBe(3);
  });
});
