// Rate-limit headers: how their numbers are read, a reset exactly at the boundary, how long the
// throttle makes a call wait, and how it recovers from a bogus reset.

import { OktaRateLimitError, OktaThrottleError, type RateLimitStore } from '../src/index.js';
import { slot } from './helpers/slots.js';
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
  test('the call waits what its slot says, asking the store once', async () => {
    let reserved = 0;
    const store: RateLimitStore = {
      reserve: () => (reserved++, slot(500)),
      record: () => undefined,
    };
    const h = harness([ok()], { throttle: { store } });

    const started = Date.now();
    await h.okta.getSession(SESSION_ID);

    expect(reserved).toBe(1);
    // 10 ms of slack for timer rounding.
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
  });

  test.each([
    ['throttle: { store }', {}, 61_000],
    ['throttle: { store, maxWaitMs: 5000 }', { maxWaitMs: 5_000 }, 5_000],
  ] as const)(
    '%s asks the store for a slot within %d ms: its own cap, not retry.maxDelayMs',
    async (_how, option, expected) => {
      const asked: number[] = [];
      const store: RateLimitStore = {
        reserve: (_bucket, request) => (asked.push(request.maxWaitMs), slot()),
        record: () => undefined,
      };
      const h = harness([ok()], { throttle: { ...option, store }, retry: { maxDelayMs: 1_000 } });
      await h.okta.getSession(SESSION_ID);
      expect(asked).toEqual([expected]);
    },
  );
});

describe('a bogus reset', () => {
  test('a reset an hour off holds the bucket two minutes at most, refusing (not holding) calls meanwhile', async () => {
    const now = nowSeconds();
    const far = {
      Date: httpDate(now),
      'X-Rate-Limit-Limit': '100',
      'X-Rate-Limit-Remaining': '0',
      'X-Rate-Limit-Reset': String(now + 3_600),
    };
    const server = await serve(sessionOk('abc', { headers: far }), sessionOk('abc'));
    const okta = client(server, { throttle: { maxWaitMs: 1_000 }, retry: { maxRetries: 0 } });
    await okta.getSession('abc');
    const started = performance.now();
    const err = await okta.getSession('abc').catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(500);
    expect(err).toBeInstanceOf(OktaThrottleError);
    expect((err as OktaThrottleError).retryAfterMs).toBeLessThanOrEqual(121_000);
    expect(server.attempts).toBe(1);
  });
});
