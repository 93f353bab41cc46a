// Retries: which failures are retried (429s, 5xx, connect-phase network failures and their
// codes) and which are not, how long each wait is (backoff, jitter, Retry-After), the
// X-Okta-Retry-* headers sent on a retry, and onRetry, which observes and never steers.
// Waits run on a manual clock (test/helpers/clocked-client.ts), so a test asserts the exact
// wait and when the retry went out; a few per mechanism stay on real time through the public
// client (marked "real time"), so the system clock's path stays covered.

import * as hostileServer from './helpers/hostile-server.js';
import * as fetchHarness from './helpers/fetch-harness.js';
import {
  OktaApiError,
  OktaNetworkError,
  OktaRateLimitError,
  OktaServerError,
  type OktaSessionsOptions,
  type RetryInfo,
  isOktaApiError,
} from '../src/index.js';
import { measure, valueOf } from './helpers/faults-expect.js';
import { clockedClient, clockedHarness } from './helpers/clocked-client.js';
import {
  closeAllScriptedServers,
  empty,
  headerOf,
  json,
  newRequestId,
  nowSeconds,
  oktaError,
  rateLimited,
  resetBeforeHeaders,
  sessionOk,
  text,
} from './helpers/scripted-server.js';
import {
  API_TOKEN,
  SESSION_ID,
  SESSION_TOKEN,
  client,
  connectCode,
  expectNoUnexpectedRequests,
  failure,
  retries,
  serve,
  server,
} from './helpers/live-server.js';
import {
  T,
  dateAt,
  expectInRange,
  harness,
  ok,
  refused,
  rejection,
} from './helpers/fetch-harness.js';

afterEach(closeAllScriptedServers);

/** live-server's `client()` for the current server, on a manual clock. */
function clocked(extra: Partial<OktaSessionsOptions> = {}) {
  return clockedClient({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    timeoutMs: 3_000,
    retry: { maxDelayMs: 200 },
    ...extra,
  });
}

describe('429 rate limits', () => {
  test('429 then 200: waits reset − Date + 1 s, then retries with X-Okta-Retry-For and X-Okta-Retry-Count', async () => {
    const date = nowSeconds();
    const rid = newRequestId('rl-first');
    await serve(rateLimited({ dateSeconds: date, reset: date + 1, requestId: rid }), sessionOk());
    const { run, retries } = clocked({ retry: { maxDelayMs: 10_000 } });

    const { outcome, sentAt, waits } = await run((okta) => okta.getSession(SESSION_ID));

    const session = valueOf(outcome);
    expect(session.id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(headerOf(server.requests[0], 'x-okta-retry-for')).toBeUndefined();
    expect(headerOf(server.requests[0], 'x-okta-retry-count')).toBeUndefined();
    expect(headerOf(server.requests[1], 'x-okta-retry-for')).toBe(rid);
    expect(headerOf(server.requests[1], 'x-okta-retry-count')).toBe('1');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      operationId: 'getSession',
      attempt: 1,
      status: 429,
      requestId: rid,
      reason: 'rate-limit',
    });
    // (date + 1) − date + 1 s = 2000 ms, slept in full before the retry went out
    expect(retries[0]?.delayMs).toBe(2_000);
    expect(waits).toEqual([2_000]);
    expect(sentAt).toEqual([0, 2_000]);
    expectNoUnexpectedRequests();
  });

  // Real time: the reset wait measured against the system clock's own idea of now.
  test('429 with the server clock an hour behind: the wait comes from the response Date, not the local clock', async () => {
    const date = nowSeconds() - 3_600;
    await serve(rateLimited({ dateSeconds: date, reset: date }), sessionOk());
    const okta = client({ retry: { maxDelayMs: 10_000 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    // reset − Date + 1 s = 1000 ms whatever our own clock says
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(800);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(1_300);
    expect(outcome.elapsedMs).toBeLessThan(4_000);
  });

  test('429 three times with maxRetries 2: OktaRateLimitError after 3 attempts', async () => {
    const date = nowSeconds();
    const reset = date + 3_600;
    const ids = [newRequestId('rl-a'), newRequestId('rl-b'), newRequestId('rl-c')];
    await serve(
      ...ids.map((requestId) =>
        rateLimited({ dateSeconds: date, reset, requestId, limit: 600, remaining: 0 }),
      ),
    );
    const { run, retries } = clocked({ retry: { maxRetries: 2, maxDelayMs: 100 } });

    const { outcome, sentAt, waits } = await run((okta) => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaRateLimitError);
    expect(err).toBeInstanceOf(OktaApiError);
    expect(isOktaApiError(err)).toBe(true);
    expect(err.status).toBe(429);
    expect(err.errorCode).toBe('E0000047');
    expect(err.requestId).toBe(ids[2]);
    expect(err.limit).toBe(600);
    expect(err.remaining).toBe(0);
    expect(err.resetAt).toBeInstanceOf(Date);
    expect(err.resetAt?.getTime()).toBe(reset * 1000);
    expect(server.attempts).toBe(3);
    expect(headerOf(server.requests[1], 'x-okta-retry-for')).toBe(ids[0]);
    expect(headerOf(server.requests[1], 'x-okta-retry-count')).toBe('1');
    expect(headerOf(server.requests[2], 'x-okta-retry-for')).toBe(ids[0]);
    expect(headerOf(server.requests[2], 'x-okta-retry-count')).toBe('2');
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    for (const r of retries) {
      expect(r.reason).toBe('rate-limit');
      // The hour to the reset, capped by maxDelayMs.
      expect(r.delayMs).toBe(100);
    }
    expect(waits).toEqual([100, 100]);
    expect(sentAt).toEqual([0, 100, 200]);
    expectNoUnexpectedRequests();
  });

  test('429 with maxRetries 0: one attempt, OktaRateLimitError', async () => {
    await serve(rateLimited({ reset: nowSeconds() + 1 }));
    const okta = client({ retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaRateLimitError);
    expect(err.status).toBe(429);
    expect(server.attempts).toBe(1);
    expect(retries).toEqual([]);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  // Each order: "first value wins" fails the smaller-last cases, "last value wins" the
  // smaller-first ones.
  const SMALLEST_FIRST_MIDDLE_LAST = [
    ['first', (small: number, big: number) => [small, big]],
    ['last', (small: number, big: number) => [big, small]],
    ['in the middle of three', (small: number, big: number) => [big, small, big - 1]],
  ] as const;

  test.each(SMALLEST_FIRST_MIDDLE_LAST)(
    '429 with duplicated X-Rate-Limit-Reset headers, the smallest %s: waits for the smallest value',
    async (_where, order) => {
      const date = nowSeconds();
      // Separate header lines.
      await serve(
        rateLimited({ dateSeconds: date, reset: order(date, date + 3_600) }),
        sessionOk(),
      );
      const { run, retries } = clocked({ retry: { maxDelayMs: 10_000 } });

      const { outcome, sentAt } = await run((okta) => okta.getSession(SESSION_ID));

      expect(valueOf(outcome).id).toBe(SESSION_ID);
      expect(server.attempts).toBe(2);
      expect(retries).toHaveLength(1);
      expect(retries[0]?.reason).toBe('rate-limit');
      // date − date + 1 s
      expect(retries[0]?.delayMs).toBe(1_000);
      expect(sentAt).toEqual([0, 1_000]);
    },
  );

  test.each(SMALLEST_FIRST_MIDDLE_LAST)(
    '429 with comma-joined X-Rate-Limit-Reset values, the smallest %s: waits for the smallest value',
    async (_where, order) => {
      const date = nowSeconds();
      await serve(
        rateLimited({ dateSeconds: date, reset: order(date, date + 3_600).join(', ') }),
        sessionOk(),
      );
      const { run, retries } = clocked({ retry: { maxDelayMs: 10_000 } });

      const { outcome, sentAt } = await run((okta) => okta.getSession(SESSION_ID));

      expect(valueOf(outcome).id).toBe(SESSION_ID);
      expect(server.attempts).toBe(2);
      // date − date + 1 s
      expect(retries[0]?.delayMs).toBe(1_000);
      expect(sentAt).toEqual([0, 1_000]);
    },
  );

  test.each(SMALLEST_FIRST_MIDDLE_LAST)(
    '429 with duplicated reset headers and no retries left, the smallest %s: resetAt is the smallest value',
    async (_where, order) => {
      const date = nowSeconds();
      await serve(rateLimited({ dateSeconds: date, reset: order(date + 5, date + 3_600) }));
      const okta = client({ retry: { maxRetries: 0 } });

      const outcome = await measure(() => okta.getSession(SESSION_ID));

      const err = failure(outcome, OktaRateLimitError);
      expect(err.resetAt?.getTime()).toBe((date + 5) * 1000);
      expect(server.attempts).toBe(1);
    },
  );

  test('429 with the reset in the past: falls back to Retry-After', async () => {
    const date = nowSeconds();
    await serve(
      rateLimited({ dateSeconds: date, reset: date - 120, retryAfter: '1' }),
      sessionOk(),
    );
    const { run, retries } = clocked({ retry: { maxDelayMs: 10_000 } });

    const { outcome, sentAt } = await run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toBe('rate-limit');
    expect(retries[0]?.delayMs).toBe(1_000);
    expect(sentAt).toEqual([0, 1_000]);
  });

  test('429 with the reset in the past and no Retry-After: exponential backoff capped by maxDelayMs', async () => {
    const date = nowSeconds();
    await serve(
      rateLimited({ dateSeconds: date, reset: date - 120 }),
      rateLimited({ dateSeconds: date, reset: date - 120 }),
      sessionOk(),
    );
    const { run, retries } = clocked({ retry: { maxDelayMs: 150 } });

    const { outcome, sentAt, waits } = await run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(3);
    expect(retries).toHaveLength(2);
    for (const r of retries) expect(r.reason).toBe('rate-limit');
    // Backoffs of 125–250 ms and 250–500 ms, capped at 150.
    expectInRange(retries[0]?.delayMs, 125, 150);
    expect(retries[1]?.delayMs).toBe(150);
    expect(waits).toEqual(retries.map((r) => r.delayMs));
    expect(sentAt).toEqual([0, waits[0], waits[0]! + 150]);
  });

  // Real time: the cap on a wait the system clock sleeps.
  test('429 with the reset far in the future (beyond the cap): the wait is capped by maxDelayMs', async () => {
    const date = nowSeconds();
    await serve(rateLimited({ dateSeconds: date, reset: date + 86_400 }), sessionOk());
    const okta = client({ retry: { maxDelayMs: 300 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(300);
    expect(retries[0]?.delayMs).toBeGreaterThan(0);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('429 with the reset header missing: falls back to backoff within maxDelayMs', async () => {
    await serve(rateLimited({ reset: null }), sessionOk());
    const { run, retries } = clocked({ retry: { maxDelayMs: 150 } });

    const { outcome, sentAt } = await run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toBe('rate-limit');
    // The first backoff, 125–250 ms, capped at 150.
    expectInRange(retries[0]?.delayMs, 125, 150);
    expect(sentAt).toEqual([0, retries[0]?.delayMs]);
  });

  test('429 with a garbage reset header: falls back to backoff within maxDelayMs', async () => {
    await serve(rateLimited({ reset: 'soon-ish, -5, 1e99' }), sessionOk());
    const { run, retries } = clocked({ retry: { maxDelayMs: 150 } });

    const { outcome, sentAt } = await run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    // The first backoff, 125–250 ms, capped at 150.
    expectInRange(retries[0]?.delayMs, 125, 150);
    expect(sentAt).toEqual([0, retries[0]?.delayMs]);
  });

  test('429 with a garbage reset header and no retries left: OktaRateLimitError without a bogus resetAt', async () => {
    await serve(rateLimited({ reset: 'tomorrow' }));
    const okta = client({ retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaRateLimitError);
    expect(err.resetAt).toBeUndefined();
    expect(err.limit).toBe(600);
    expect(err.remaining).toBe(0);
  });

  // Real time: a Retry-After wait the system clock sleeps.
  test('429 with Retry-After only (no X-Rate-Limit headers): waits Retry-After seconds', async () => {
    await serve(rateLimited({ reset: null, noLimitHeaders: true, retryAfter: '1' }), sessionOk());
    const okta = client({ retry: { maxDelayMs: 10_000 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toBe('rate-limit');
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(800);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(1_300);
    expect(outcome.elapsedMs).toBeLessThan(4_000);
  });

  test('429 on createSession then 200: rate limits are retried even for createSession', async () => {
    const date = nowSeconds();
    await serve(rateLimited({ dateSeconds: date, reset: date + 3_600 }), sessionOk());
    const { run, retries } = clocked({ retry: { maxDelayMs: 100 } });

    const { outcome, sentAt } = await run((okta) =>
      okta.createSession({ sessionToken: SESSION_TOKEN }),
    );

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries[0]?.reason).toBe('rate-limit');
    expect(sentAt).toEqual([0, 100]);
  });
});

describe('server errors and network failures', () => {
  // Real time: a backoff the system clock sleeps.
  test('503 then 200 on getSession: retried once', async () => {
    await serve(json(503, oktaError('E0000009', 'Internal Server Error')), sessionOk());
    const okta = client({ retry: { maxDelayMs: 100 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const session = valueOf(outcome);
    expect(session.id).toBe(SESSION_ID);
    expect(session.createdAt).toBeInstanceOf(Date);
    expect(session.expiresAt).toBeInstanceOf(Date);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      operationId: 'getSession',
      attempt: 1,
      status: 503,
      reason: 'server-error',
    });
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(100);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
    expectNoUnexpectedRequests();
  });

  test('503 on createSession: one attempt, OktaServerError', async () => {
    await serve(json(503, oktaError('E0000009', 'Service Unavailable')));
    const okta = client({ retry: { maxDelayMs: 100 } });

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

    const err = failure(outcome, OktaServerError);
    expect(err.status).toBe(503);
    expect(server.attempts).toBe(1);
    expect(retries).toEqual([]);
    expect(server.requests[0]?.method).toBe('POST');
    expect(JSON.parse(server.requests[0]?.body ?? '{}')).toEqual({ sessionToken: SESSION_TOKEN });
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('502 then 504 then 204 on revokeSession: retried twice', async () => {
    await serve(text(502, 'Bad Gateway'), text(504, 'Gateway Timeout'), empty(204));
    const { run, retries } = clocked({ retry: { maxDelayMs: 100 } });

    const { outcome, sentAt } = await run((okta) => okta.revokeSession(SESSION_ID));

    expect(valueOf(outcome)).toBeUndefined();
    expect(server.attempts).toBe(3);
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
    expect(retries.map((r) => [r.status, r.reason])).toEqual([
      [502, 'server-error'],
      [504, 'server-error'],
    ]);
    // Backoffs of 125–250 and 250–500 ms, capped at 100.
    expect(sentAt).toEqual([0, 100, 200]);
  });

  test('503 on every attempt of refreshSession: OktaServerError after maxRetries + 1 attempts', async () => {
    await serve(text(503, 'busy'), text(503, 'busy'), text(503, 'busy'));
    const { run } = clocked({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const { outcome, sentAt } = await run((okta) => okta.refreshSession(SESSION_ID));

    const err = failure(outcome, OktaServerError);
    expect(err.status).toBe(503);
    expect(server.attempts).toBe(3);
    expect(server.requests[0]?.url).toBe(`/api/v1/sessions/${SESSION_ID}/lifecycle/refresh`);
    expect(sentAt).toEqual([0, 50, 100]);
    expectNoUnexpectedRequests();
  });

  test('500 with a non-JSON body: OktaServerError, not retried', async () => {
    await serve(
      text(500, '<html><body>upstream exploded</body></html>', {
        headers: { 'Content-Type': 'text/html' },
      }),
      sessionOk(),
    );
    const okta = client({ retry: { maxDelayMs: 50 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaServerError);
    expect(err.status).toBe(500);
    expect(err.errorCode).toBeUndefined();
    expect(err.errorCauses).toEqual([]);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  // Real time: a backoff after a network failure, on the system clock.
  test('connection reset before headers on getSession: retried, then 200', async () => {
    await serve(resetBeforeHeaders(), sessionOk());
    const okta = client({ retry: { maxDelayMs: 100 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ operationId: 'getSession', attempt: 1, reason: 'network' });
    expect(retries[0]?.status).toBeUndefined();
    expect(outcome.elapsedMs).toBeLessThan(3_000);
    expectNoUnexpectedRequests();
  });

  test('connection reset before headers on createSession: OktaNetworkError with cause, not retried', async () => {
    await serve(resetBeforeHeaders(), sessionOk());
    const okta = client({ retry: { maxDelayMs: 100 } });

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

    const err = failure(outcome, OktaNetworkError);
    expect(err.cause).toBeDefined();
    expect(server.attempts).toBe(1);
    expect(retries).toEqual([]);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('connection reset on every attempt of getSession: OktaNetworkError after maxRetries + 1 attempts', async () => {
    await serve(resetBeforeHeaders(), resetBeforeHeaders(), resetBeforeHeaders());
    const { run, retries } = clocked({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const { outcome, sentAt } = await run((okta) => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaNetworkError);
    expect(err.cause).toBeDefined();
    expect(server.attempts).toBe(3);
    expect(retries.map((r) => r.reason)).toEqual(['network', 'network']);
    expect(retries.map((r) => r.delayMs)).toEqual([50, 50]);
    expect(sentAt).toEqual([0, 50, 100]);
    expectNoUnexpectedRequests();
  });

  test('connection refused on createSession: retried (never sent), then OktaNetworkError with the ECONNREFUSED cause', async () => {
    // A server that is closed before the call: the port refuses connections.
    await serve();
    const url = server.url;
    await server.close();
    const { run, retries } = clockedClient({
      orgUrl: url,
      apiToken: API_TOKEN,
      retry: { maxRetries: 1, maxDelayMs: 50 },
    });

    const { outcome, sentAt } = await run((okta) =>
      okta.createSession({ sessionToken: SESSION_TOKEN }),
    );

    const err = failure(outcome, OktaNetworkError);
    expect(connectCode(err)).toBe('ECONNREFUSED');
    expect(server.attempts).toBe(0);
    // createSession is not repeatable, yet a refused connection never sent it: one retry.
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      operationId: 'createSession',
      attempt: 1,
      reason: 'network',
    });
    // The first backoff, 125–250 ms, capped at 50: the retry goes out 50 ms after the refusal.
    expect(retries[0]?.delayMs).toBe(50);
    expect(sentAt).toEqual([0, 50]);
  });
  test('an unreachable proxy: the whole message word for word, the cause a ProxyError with the connect error under it', async () => {
    await serve(sessionOk(SESSION_ID));
    const okta = client({ proxy: 'http://127.0.0.1:1', retry: { maxRetries: 0 } });
    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaNetworkError);
    expect(err.message).toBe(
      `Okta request failed: through proxy 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1 (GET /api/v1/sessions/${SESSION_ID})`,
    );
    const cause = err.cause as Error & { code?: string; cause?: Error & { code?: string } };
    expect([cause.name, cause.code, cause.cause?.code]).toEqual([
      'ProxyError',
      'ECONNREFUSED',
      'ECONNREFUSED',
    ]);
    expect(server.attempts).toBe(0);
  });
});

describe('connect-phase failures: createSession is retried only when the request never left', () => {
  const { SESSION_ID, SESSION_TOKEN } = fetchHarness; // test/helpers/fetch-harness.ts's own
  test.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])(
    'createSession after %s is retried once, reported as reason "network"',
    async (code) => {
      const h = clockedHarness([refused(code), ok()]);

      const { outcome, sentAt } = await h.run((okta) =>
        okta.createSession({ sessionToken: SESSION_TOKEN }),
      );

      expect(valueOf(outcome).id).toBe(SESSION_ID);
      expect(h.requests).toHaveLength(2);
      expect(h.retries).toHaveLength(1);
      expect(h.retries[0]).toMatchObject({
        operationId: 'createSession',
        attempt: 1,
        reason: 'network',
      });
      // After the first backoff, 125–250 ms.
      expectInRange(h.retries[0]?.delayMs, 125, 250);
      expect(sentAt).toEqual([0, h.retries[0]?.delayMs]);
    },
  );

  test('the connect-phase code is found down the cause chain (a cause of a cause)', async () => {
    const h = clockedHarness([refused('ECONNREFUSED', 3), ok()]);

    const { outcome } = await h.run((okta) => okta.createSession({ sessionToken: SESSION_TOKEN }));

    expect(valueOf(outcome).id).toBe(fetchHarness.SESSION_ID);
    expect(h.requests).toHaveLength(2);
    expect(h.retries.map((r) => r.reason)).toEqual(['network']);
  });

  test.each([['ECONNRESET'], ['UND_ERR_SOCKET'], [undefined]])(
    'createSession after a failure with code %s is not retried (the request may have been processed)',
    async (code) => {
      const h = harness([refused(code), ok()]);

      const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

      expect(err).toBeInstanceOf(OktaNetworkError);
      expect((err as Error).message).toBe(
        'Okta request failed: fetch failed (POST /api/v1/sessions)',
      );
      expect(h.requests).toHaveLength(1);
      expect(h.retries).toEqual([]);
    },
  );
});

describe('connect-phase codes: how deep the cause chain is read', () => {
  const { SESSION_TOKEN } = fetchHarness; // test/helpers/fetch-harness.ts's own
  test('a code at the 5th level of the chain is not read: createSession is not retried', async () => {
    const h = harness([refused('ECONNREFUSED', 4), ok()]);

    const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

    expect(err).toBeInstanceOf(OktaNetworkError);
    expect(h.requests).toHaveLength(1);
    expect(h.retries).toEqual([]);
  });

  test.each([
    ['null', null],
    ['a function carrying a code', Object.assign(() => undefined, { code: 'ECONNREFUSED' })],
  ])(
    'a cause that is %s ends the walk: createSession fails once with OktaNetworkError',
    async (_, cause) => {
      const h = harness([new TypeError('fetch failed', { cause }), ok()]);

      const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

      expect(err).toBeInstanceOf(OktaNetworkError);
      expect((err as Error).message).toBe(
        'Okta request failed: fetch failed (POST /api/v1/sessions)',
      );
      expect(h.requests).toHaveLength(1);
      expect(h.retries).toEqual([]);
    },
  );
});

describe('backoff size and jitter (realistic maxDelayMs)', () => {
  const { SESSION_ID, json } = fetchHarness; // test/helpers/fetch-harness.ts's own
  test('after 503s the first wait is 125–250 ms and the second 250–500 ms', async () => {
    const h = clockedHarness([json(503, {}), json(503, {}), ok()], {
      retry: { maxDelayMs: 60_000 },
    });

    const { outcome, sentAt, waits } = await h.run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(h.retries.map((r) => [r.attempt, r.reason, r.status])).toEqual([
      [1, 'server-error', 503],
      [2, 'server-error', 503],
    ]);
    expectInRange(h.retries[0]?.delayMs, 125, 250);
    expectInRange(h.retries[1]?.delayMs, 250, 500);
    // The waits slept are the ones reported, each before its retry went out.
    expect(waits).toEqual(h.retries.map((r) => r.delayMs));
    expect(sentAt).toEqual([0, waits[0], waits[0]! + waits[1]!]);
  });

  test('the first wait is jittered over the upper half of 250 ms, not fixed', async () => {
    const runs = Array.from({ length: 20 }, () => clockedHarness([json(502, {}), ok()]));

    const done = await Promise.all(runs.map((h) => h.run((okta) => okta.getSession(SESSION_ID))));

    const delays = runs.map((h) => h.retries[0]?.delayMs ?? -1);
    for (const d of delays) expectInRange(d, 125, 250);
    // Each run slept the wait it drew.
    expect(done.map((r) => r.waits)).toEqual(delays.map((d) => [d]));
    // Uniform over 125–250: 20 draws all in one 35 ms edge is a 1-in-10^11 event.
    expect(Math.max(...delays)).toBeGreaterThan(160);
    expect(Math.min(...delays)).toBeLessThan(215);
  });
});

describe('X-Okta-Retry-Count and X-Okta-Retry-For', () => {
  const { SESSION_ID, json, rateLimited } = fetchHarness; // test/helpers/fetch-harness.ts's own
  test("X-Okta-Retry-For keeps the first 429's request id on every later retry", async () => {
    const h = harness([
      rateLimited({ 'retry-after': '0', 'x-okta-request-id': 'req-first' }),
      rateLimited({ 'retry-after': '0', 'x-okta-request-id': 'req-second' }),
      ok(),
    ]);

    await h.okta.getSession(SESSION_ID);

    const sent = h.requests.map((r) => [
      r.headers.get('x-okta-retry-count'),
      r.headers.get('x-okta-retry-for'),
    ]);
    expect(sent).toEqual([
      [null, null],
      ['1', 'req-first'],
      ['2', 'req-first'],
    ]);
    expect(h.retries.map((r) => r.requestId)).toEqual(['req-first', 'req-second']);
  });

  test('X-Okta-Retry-For is never set after a 5xx, only X-Okta-Retry-Count', async () => {
    const h = clockedHarness([
      json(503, {}, { 'x-okta-request-id': 'req-503' }),
      rateLimited({ 'retry-after': '0', 'x-okta-request-id': 'req-429' }),
      ok(),
    ]);

    valueOf((await h.run((okta) => okta.getSession(SESSION_ID))).outcome);

    const sent = h.requests.map((r) => [
      r.headers.get('x-okta-retry-count'),
      r.headers.get('x-okta-retry-for'),
    ]);
    expect(sent).toEqual([
      [null, null],
      ['1', null],
      ['2', 'req-429'],
    ]);
  });
});

describe('Retry-After', () => {
  const { SESSION_ID, rateLimited } = fetchHarness; // test/helpers/fetch-harness.ts's own
  test('Retry-After: 0 retries at once (delayMs 0, not a backoff)', async () => {
    const h = harness([rateLimited({ 'retry-after': '0' }), ok()]);

    await h.okta.getSession(SESSION_ID);

    expect(h.retries).toEqual([
      { operationId: 'getSession', attempt: 1, delayMs: 0, status: 429, reason: 'rate-limit' },
    ]);
  });

  test('Retry-After as a past HTTP-date falls back to the backoff (125–250 ms)', async () => {
    const h = clockedHarness([
      rateLimited({ date: dateAt(T), 'retry-after': dateAt(T - 30) }),
      ok(),
    ]);

    const { outcome, sentAt } = await h.run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expectInRange(h.retries[0]?.delayMs, 125, 250);
    expect(sentAt).toEqual([0, h.retries[0]?.delayMs]);
  });

  test("Retry-After as a future HTTP-date waits until it, counted from the server's Date", async () => {
    const h = clockedHarness([
      rateLimited({ date: dateAt(T), 'retry-after': dateAt(T + 1) }),
      ok(),
    ]);

    const { outcome, sentAt } = await h.run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(h.retries[0]?.delayMs).toBe(1_000);
    expect(sentAt).toEqual([0, 1_000]);
  });

  test("Retry-After as an HTTP-date without the server's Date is counted from the pipeline's clock", async () => {
    // The clock reads the year 2000: measured on the system clock, the date would be long past.
    const h = clockedHarness([rateLimited({ 'retry-after': dateAt(T + 2) }), ok()], {}, T * 1000);

    const { outcome, sentAt } = await h.run((okta) => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(h.retries[0]?.delayMs).toBe(2_000);
    expect(sentAt).toEqual([0, 2_000]);
  });
});

describe('a throwing or rejecting onRetry never changes the outcome', () => {
  const { client, serve } = hostileServer; // test/helpers/hostile-server.ts's own
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  const observers: Array<[string, (info: RetryInfo) => unknown]> = [
    [
      'sync, throwing',
      () => {
        throw new Error('observer threw');
      },
    ],
    ['async, rejecting', async () => Promise.reject(new Error('observer rejected'))],
    [
      'async, throwing after an await',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new Error('observer threw late');
      },
    ],
  ];

  test.each(observers)('%s: the call succeeds, nothing is left unhandled', async (_, onRetry) => {
    const server = await serve(text(503, 'busy'), sessionOk('abc'));
    const okta = client(server, { retry: { maxRetries: 1, maxDelayMs: 10 }, onRetry });
    await expect(okta.getSession('abc')).resolves.toMatchObject({ id: 'abc' });
    // Give a stray rejection time to be reported (Node reports them after the microtasks).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    expect(server.attempts).toBe(2);
  });
});
