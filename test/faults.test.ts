// Fault injection: a scripted HTTP server on 127.0.0.1 plays rate limits, server errors,
// connection resets, hung and huge bodies, and the client must answer each with the right
// result or error class, the right number of attempts, in bounded time, and without leaking a
// secret in any error text.
//
// Timing bounds are generous upper bounds (a loaded 2-core machine must not flake); waits are
// checked precisely through onRetry's `delayMs`, which does not depend on the machine's speed.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { packageSources } from '../scripts/package-sources.cjs';
import {
  OktaSessions,
  OktaError,
  OktaApiError,
  OktaBadRequestError,
  OktaAuthenticationError,
  OktaForbiddenError,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaServerError,
  OktaNetworkError,
  OktaTimeoutError,
  OktaInvalidResponseError,
  OktaValidationError,
  isOktaError,
  isOktaApiError,
} from '../src/index.js';
import {
  expectNoSecrets,
  measure,
  rejectionOf,
  sleep,
  valueOf,
  type Outcome,
} from './helpers/faults-expect.js';
import {
  closeAllScriptedServers,
  empty,
  headerOf,
  hungBody,
  json,
  neverAnswer,
  newRequestId,
  nowSeconds,
  oktaError,
  rateLimited,
  resetBeforeHeaders,
  sessionBody,
  sessionOk,
  startScriptedServer,
  streamBody,
  text,
  type ScriptStep,
  type ScriptedServer,
} from './helpers/scripted-server.js';

type Options = ConstructorParameters<typeof OktaSessions>[0];
type RetryInfo = Parameters<NonNullable<Options['onRetry']>>[0];

const API_TOKEN = 'SECRET-api-token-123';
const ACCESS_TOKEN = 'SECRET-access-token-456';
const COOKIE_VALUE = 'SECRET-cookie-value-789';
const SESSION_TOKEN = 'SECRET-session-token-abc';
const SECRETS = [API_TOKEN, ACCESS_TOKEN, COOKIE_VALUE, SESSION_TOKEN] as const;
const SESSION_ID = '102Ke2yJpW3Q0ClCnZ_ryqPVQ';
const COOKIE = `sid=${COOKIE_VALUE}`;

let server: ScriptedServer;
let retries: RetryInfo[];

afterEach(async () => {
  await closeAllScriptedServers();
});

/** The first `code` down an error's cause chain (where Node puts ECONNREFUSED and friends). */
function connectCode(error: unknown): unknown {
  for (let e = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code !== undefined) return code;
  }
  return undefined;
}

async function serve(...script: ScriptStep[]): Promise<ScriptedServer> {
  server = await startScriptedServer(script);
  retries = [];
  return server;
}

/** A client for the current server: small timeouts and waits so the suite stays fast. */
function client(extra: Partial<Options> = {}): OktaSessions {
  return new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    timeoutMs: 3_000,
    retry: { maxDelayMs: 200 },
    onRetry: (info) => retries.push(info),
    ...extra,
  } as Options);
}

/**
 * The error of a rejected call, checked for class, for secrets, and against a generous upper
 * bound on elapsed time (tests assert tighter bounds where timing is the point).
 */
/**
 * getSession against an error body streamed by the server (`totalBytes` may be Infinity), with
 * the client's RSS growth and how many bytes the server got to write before the client hung up.
 */
async function getSessionFromStreamedError(
  status: number,
  totalBytes: number,
  prefix: string,
  timeoutMs: number,
  guardMs: number,
): Promise<{ outcome: Outcome<unknown>; rssGrowth: number; written: () => number }> {
  let written = 0;
  await serve(
    streamBody(status, {
      totalBytes,
      prefix,
      onDone: (bytes) => {
        written = bytes;
      },
    }),
  );
  const okta = client({ timeoutMs });
  const rssBefore = process.memoryUsage().rss;
  const outcome = await measure(() => okta.getSession(SESSION_ID), guardMs);
  return { outcome, rssGrowth: process.memoryUsage().rss - rssBefore, written: () => written };
}

function failure<E>(
  outcome: Outcome<unknown>,
  cls: abstract new (...args: never[]) => E,
  maxElapsedMs = 5_000,
): E {
  const err = rejectionOf(outcome, cls);
  expectNoSecrets(err, SECRETS);
  expect(isOktaError(err)).toBe(true);
  expect(outcome.elapsedMs).toBeLessThan(maxElapsedMs);
  return err;
}

/** Class of the outcome's error (or "resolved"), with the retries and attempts seen. */
function summary(outcome: Outcome<unknown>): { error: string; retries: number; attempts: number } {
  let error = 'resolved';
  if (!outcome.ok) {
    const e = outcome.error;
    if (e instanceof Error) {
      const { name, message } = e;
      error = isOktaError(e) ? name : `${name}: ${message}`;
    } else {
      error = typeof e;
    }
  }
  return { error, retries: retries.length, attempts: server.attempts };
}

function expectNoUnexpectedRequests(): void {
  expect(server.overruns).toBe(0);
  expect(server.stepErrors).toEqual([]);
}

// ---------------------------------------------------------------------------------------------

describe('429 rate limits', () => {
  test('429 then 200: waits reset − Date + 1 s, then retries with X-Okta-Retry-For and X-Okta-Retry-Count', async () => {
    const date = nowSeconds();
    const rid = newRequestId('rl-first');
    await serve(rateLimited({ dateSeconds: date, reset: date + 1, requestId: rid }), sessionOk());
    const okta = client({ retry: { maxDelayMs: 10_000 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

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
    // (date + 1) − date + 1 s = 2000 ms
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1_800);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(2_300);
    const gap = (server.requests[1]?.receivedAt ?? 0) - (server.requests[0]?.receivedAt ?? 0);
    expect(gap).toBeGreaterThan(1_500);
    expect(outcome.elapsedMs).toBeLessThan(6_000);
    expectNoUnexpectedRequests();
  });

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
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 100 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

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
      expect(r.delayMs).toBeLessThanOrEqual(100);
    }
    expect(outcome.elapsedMs).toBeLessThan(3_000);
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
      const okta = client({ retry: { maxDelayMs: 10_000 } });

      const outcome = await measure(() => okta.getSession(SESSION_ID));

      expect(valueOf(outcome).id).toBe(SESSION_ID);
      expect(server.attempts).toBe(2);
      expect(retries).toHaveLength(1);
      expect(retries[0]?.reason).toBe('rate-limit');
      expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(800);
      expect(retries[0]?.delayMs).toBeLessThanOrEqual(1_300);
      expect(outcome.elapsedMs).toBeLessThan(4_000);
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
      const okta = client({ retry: { maxDelayMs: 10_000 } });

      const outcome = await measure(() => okta.getSession(SESSION_ID));

      expect(valueOf(outcome).id).toBe(SESSION_ID);
      expect(server.attempts).toBe(2);
      expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(800);
      expect(retries[0]?.delayMs).toBeLessThanOrEqual(1_300);
      expect(outcome.elapsedMs).toBeLessThan(4_000);
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

  test('429 with the reset in the past and no Retry-After: exponential backoff capped by maxDelayMs', async () => {
    const date = nowSeconds();
    await serve(
      rateLimited({ dateSeconds: date, reset: date - 120 }),
      rateLimited({ dateSeconds: date, reset: date - 120 }),
      sessionOk(),
    );
    const okta = client({ retry: { maxDelayMs: 150 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(3);
    expect(retries).toHaveLength(2);
    for (const r of retries) {
      expect(r.reason).toBe('rate-limit');
      expect(r.delayMs).toBeGreaterThanOrEqual(0);
      expect(r.delayMs).toBeLessThanOrEqual(150);
    }
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

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
    const okta = client({ retry: { maxDelayMs: 150 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toBe('rate-limit');
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(0);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(150);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('429 with a garbage reset header: falls back to backoff within maxDelayMs', async () => {
    await serve(rateLimited({ reset: 'soon-ish, -5, 1e99' }), sessionOk());
    const okta = client({ retry: { maxDelayMs: 150 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(0);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(150);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
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
    const okta = client({ retry: { maxDelayMs: 100 } });

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(retries[0]?.reason).toBe('rate-limit');
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe('server errors and network failures', () => {
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
    const okta = client({ retry: { maxDelayMs: 100 } });

    const outcome = await measure(() => okta.revokeSession(SESSION_ID));

    expect(valueOf(outcome)).toBeUndefined();
    expect(server.attempts).toBe(3);
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
    expect(retries.map((r) => [r.status, r.reason])).toEqual([
      [502, 'server-error'],
      [504, 'server-error'],
    ]);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('503 on every attempt of refreshSession: OktaServerError after maxRetries + 1 attempts', async () => {
    await serve(text(503, 'busy'), text(503, 'busy'), text(503, 'busy'));
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.refreshSession(SESSION_ID));

    const err = failure(outcome, OktaServerError);
    expect(err.status).toBe(503);
    expect(server.attempts).toBe(3);
    expect(server.requests[0]?.url).toBe(`/api/v1/sessions/${SESSION_ID}/lifecycle/refresh`);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
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
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaNetworkError);
    expect(err.cause).toBeDefined();
    expect(server.attempts).toBe(3);
    expect(retries.map((r) => r.reason)).toEqual(['network', 'network']);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
    expectNoUnexpectedRequests();
  });

  test('connection refused on createSession: retried (never sent), then OktaNetworkError with the ECONNREFUSED cause', async () => {
    // A server that is closed before the call: the port refuses connections.
    await serve();
    const url = server.url;
    await server.close();
    const okta = new OktaSessions({
      orgUrl: url,
      apiToken: API_TOKEN,
      retry: { maxRetries: 1, maxDelayMs: 50 },
      onRetry: (info) => retries.push(info),
    });

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

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
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(0);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(50);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
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

// ---------------------------------------------------------------------------------------------

describe('timeouts', () => {
  test('headers then a hung body: OktaTimeoutError within timeoutMs', async () => {
    await serve(hungBody(200, '{"id":"102Ke2yJpW3Q0ClCnZ_ryqPVQ","login":"ada@exa'));
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('a server that never answers: OktaTimeoutError within timeoutMs', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('per-call timeoutMs overrides the client default', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 30_000, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID, { timeoutMs: 300 }));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('a server that never answers, with retries on: every attempt is bounded and the call ends', async () => {
    await serve(neverAnswer(), neverAnswer(), neverAnswer());
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaTimeoutError);
    // getSession is safe to repeat, so each timed-out attempt is retried: 1 + maxRetries.
    expect(server.attempts).toBe(3);
    expect(outcome.elapsedMs).toBeLessThan(5_000);
  });

  test('a hung body on createSession: OktaTimeoutError after one attempt', async () => {
    await serve(hungBody(200, '{"id":"1'), sessionOk());
    const okta = client({ timeoutMs: 300 });

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe('abort', () => {
  test('abort before send: rejects with signal.reason and no request reaches the server', async () => {
    await serve(sessionOk());
    const okta = client();
    const controller = new AbortController();
    const reason = new Error('my reason');
    controller.abort(reason);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBe(reason);
      expectNoSecrets(outcome.error, SECRETS);
    }
    expect(outcome.elapsedMs).toBeLessThan(1_000);
    await sleep(50);
    expect(server.attempts).toBe(0);
    expect(server.connections).toBe(0);
  });

  test('abort during the request: rejects with signal.reason at once', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('my reason');
    setTimeout(() => controller.abort(reason), 150);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBe(reason);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('abort while the body is being read: rejects with signal.reason at once', async () => {
    await serve(hungBody(200, '{"id":"102Ke2'));
    const okta = client({ timeoutMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('my reason');
    setTimeout(() => controller.abort(reason), 150);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBe(reason);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });
  test.each([
    ['waiting for headers, a string reason', neverAnswer(), 'my string reason'],
    ['waiting for headers', neverAnswer(), new Error('my reason')],
    ['reading the body', hungBody(200, '{"id":"102Ke2'), new Error('my reason')],
  ])(
    'abort while %s: the connection is closed, the call rejects with the reason',
    async (_name, step, reason) => {
      let socketClosed = false;
      const controller = new AbortController();
      await serve((ctx) => {
        ctx.socket.once('close', () => (socketClosed = true));
        // Once the request is here (the first request of a run can take long to arrive).
        setTimeout(() => controller.abort(reason), 50);
        return step(ctx);
      });
      const okta = client({ timeoutMs: 10_000 });

      const outcome = await measure(() =>
        okta.getSession(SESSION_ID, { signal: controller.signal }),
      );

      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).toBe(reason);
      // Generous: the client hangs up at once, but this machine may be loaded.
      for (let waited = 0; !socketClosed && waited < 3_000; waited += 20) await sleep(20);
      expect(socketClosed).toBe(true);
    },
  );
  test('abort while the access token provider is pending: the request is never sent', async () => {
    await serve(sessionOk(SESSION_ID));
    let provide: (token: string) => void = () => undefined;
    const okta = client({
      apiToken: undefined,
      accessToken: () => new Promise<string>((resolve) => (provide = resolve)),
    });
    const controller = new AbortController();
    const reason = new Error('my reason');
    const call = okta.getSession(SESSION_ID, { signal: controller.signal });
    await sleep(50);
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    provide(ACCESS_TOKEN);
    await sleep(300);
    expect(server.attempts).toBe(0);
    expect(server.connections).toBe(0);
  });

  test('a body broken mid-read (a bad chunk): OktaNetworkError, not a hang or a short body', async () => {
    await serve(({ socket }) => {
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n');
    });
    const err = failure(
      await measure(() => client({ retry: { maxRetries: 0 } }).getSession(SESSION_ID)),
      OktaError,
    );
    expect(err).toBeInstanceOf(OktaNetworkError);
  });

  test('abort during the backoff wait: rejects with signal.reason at once', async () => {
    const date = nowSeconds();
    await serve(rateLimited({ dateSeconds: date, reset: date + 3_600 }), sessionOk());
    const controller = new AbortController();
    const reason = new Error('my reason');
    const okta = client({
      retry: { maxDelayMs: 30_000 },
      onRetry: (info) => {
        retries.push(info);
        setTimeout(() => controller.abort(reason), 50);
      },
    });

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBe(reason);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBeGreaterThan(1_000);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_500);
  });

  test('abort with no reason given: rejects with the signal’s default AbortError', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBe(controller.signal.reason);
      expect((outcome.error as Error).name).toBe('AbortError');
    }
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe('unusable bodies', () => {
  test('200 with an HTML body: OktaInvalidResponseError', async () => {
    await serve(
      text(200, '<!doctype html><html><body>Sign in</body></html>', {
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      }),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaInvalidResponseError);
    expect(err.status).toBe(200);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('200 with an HTML body sent as application/json: OktaInvalidResponseError', async () => {
    await serve(
      text(200, '<html>oops</html>', { headers: { 'Content-Type': 'application/json' } }),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaInvalidResponseError);
    expect(server.attempts).toBe(1);
  });

  test('200 with truncated JSON: OktaInvalidResponseError', async () => {
    const full = JSON.stringify(sessionBody());
    await serve(
      text(200, full.slice(0, Math.floor(full.length / 2)), {
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaInvalidResponseError);
    expect(err.status).toBe(200);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('200 with an empty body on getSession: OktaInvalidResponseError', async () => {
    await serve(empty(200, { headers: { 'Content-Type': 'application/json' } }));
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaInvalidResponseError);
    expect(err.status).toBe(200);
    expect(server.attempts).toBe(1);
  });

  test('200 with a JSON array or null on getSession: OktaInvalidResponseError', async () => {
    await serve(json(200, [sessionBody()]), json(200, null));
    const okta = client();

    failure(await measure(() => okta.getSession(SESSION_ID)), OktaInvalidResponseError, 2_000);
    failure(await measure(() => okta.getSession(SESSION_ID)), OktaInvalidResponseError, 2_000);
    expect(server.attempts).toBe(2);
  });

  test('404 with an empty body: OktaNotFoundError without errorCode', async () => {
    await serve(empty(404));
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaNotFoundError);
    expect(err.status).toBe(404);
    expect(err.errorCode).toBeUndefined();
    expect(err.errorCauses).toEqual([]);
    expect(server.attempts).toBe(1);
  });

  test('404 E0000007 on getSession: OktaNotFoundError with errorCode, errorId and requestId', async () => {
    const rid = newRequestId('nf');
    const body = oktaError('E0000007', `Not found: Resource not found: ${SESSION_ID} (Session)`);
    await serve(json(404, body, { requestId: rid }));
    const okta = client();

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaNotFoundError);
    expect(err.errorCode).toBe('E0000007');
    expect(err.errorId).toBe(body['errorId']);
    expect(err.requestId).toBe(rid);
    expect(server.attempts).toBe(1);
  });

  test('an error body whose errorCauses is an object: errorCauses is an array of one', async () => {
    await serve(
      json(
        400,
        oktaError('E0000001', 'Api validation failed: sessionId', {
          errorSummary: 'sessionId: is not valid',
        }),
      ),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaBadRequestError);
    expect(err.errorCode).toBe('E0000001');
    expect(Array.isArray(err.errorCauses)).toBe(true);
    expect(err.errorCauses).toHaveLength(1);
    expect(err.errorCauses[0]?.errorSummary).toBe('sessionId: is not valid');
    expect(server.attempts).toBe(1);
  });

  test('403 with a JSON body of the wrong shape: OktaForbiddenError, fields undefined', async () => {
    await serve(json(403, { errorCode: 42, errorSummary: { nested: true }, errorCauses: 'nope' }));
    const okta = client();

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaForbiddenError);
    expect(err.status).toBe(403);
    expect(err.errorCode === undefined || typeof err.errorCode === 'string').toBe(true);
    expect(Array.isArray(err.errorCauses)).toBe(true);
  });

  test('a 50 MB error body: OktaBadRequestError with bounded fields, finished quickly, memory bounded', async () => {
    const total = 50 * 1024 * 1024;
    const { outcome, rssGrowth, written } = await getSessionFromStreamedError(
      400,
      total,
      '{"errorCode":"E0000001","errorSummary":"',
      15_000,
      15_000,
    );
    const err = failure(outcome, OktaBadRequestError, 8_000);
    expect(err.status).toBe(400);
    expect(err.message.length).toBeLessThan(64 * 1024);
    expect(err.errorSummary?.length ?? 0).toBeLessThan(1024 * 1024);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(8_000);
    // Loose: a client that buffered and decoded all 50 MB would grow by well over 100 MB.
    expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);
    await sleep(100);
    expect(written()).toBeLessThan(total);
  });

  test('an error body that never ends: OktaForbiddenError, the client stops reading', async () => {
    // The timeout is long, so only a size limit can end this call quickly.
    const { outcome, rssGrowth, written } = await getSessionFromStreamedError(
      403,
      Infinity,
      '{"errorCode":"E0000006","errorSummary":"You do not have permission',
      20_000,
      12_000,
    );
    const err = failure(outcome, OktaForbiddenError, 6_000);
    expect(err.status).toBe(403);
    expect(err.message.length).toBeLessThan(64 * 1024);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(6_000);
    expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);
    // The client hung up: the server stopped writing.
    await sleep(200);
    expect(written()).toBeGreaterThan(0);
    expect(written()).toBeLessThan(256 * 1024 * 1024);
  });

  test('a 200 body that never ends on getSession: rejected quickly, not buffered forever', async () => {
    await serve(streamBody(200, { totalBytes: Infinity, prefix: '{"id":"' }));
    const okta = client({ timeoutMs: 20_000 });

    const outcome = await measure(() => okta.getSession(SESSION_ID), 12_000);

    const err = failure(outcome, OktaError);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(6_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe('secrets and credentials', () => {
  test('a 401 whose body echoes the API token: the token is not in the error', async () => {
    await serve(
      json(
        401,
        oktaError('E0000011', `Invalid token provided: SSWS ${API_TOKEN}`, [
          { errorSummary: `token ${API_TOKEN} is revoked` },
        ]),
      ),
    );
    const okta = client();

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaAuthenticationError);
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe('E0000011');
    expect(server.attempts).toBe(1);
    expect(headerOf(server.requests[0], 'authorization')).toBe(`SSWS ${API_TOKEN}`);
  });

  test('accessToken function: Bearer sent, 401 echoing it gives OktaAuthenticationError without the token', async () => {
    await serve(json(401, oktaError('E0000011', `Invalid token provided: Bearer ${ACCESS_TOKEN}`)));
    const okta = new OktaSessions({
      orgUrl: server.url,
      accessToken: async () => ACCESS_TOKEN,
      retry: { maxRetries: 0 },
    });

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaAuthenticationError);
    expect(err.status).toBe(401);
    expect(server.attempts).toBe(1);
    expect(headerOf(server.requests[0], 'authorization')).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  test('getCurrentSession 404 echoing the cookie: cookie forwarded, no Authorization, cookie not in the error', async () => {
    await serve(json(404, oktaError('E0000007', `Not found: session for ${COOKIE}`)));
    const okta = client();

    const err = failure(
      await measure(() => okta.getCurrentSession({ cookie: COOKIE })),
      OktaNotFoundError,
    );
    expect(err.status).toBe(404);
    expect(server.attempts).toBe(1);
    expect(server.requests[0]?.url).toBe('/api/v1/sessions/me');
    expect(headerOf(server.requests[0], 'cookie')).toBe(COOKIE);
    expect(headerOf(server.requests[0], 'authorization')).toBeUndefined();
  });

  test("getCurrentSession 404 echoing the bare cookie value, as Okta's summary does: not in the error", async () => {
    await serve(
      json(404, oktaError('E0000007', `Not found: Resource not found: ${COOKIE_VALUE} (Session)`)),
    );
    const okta = client();

    const err = failure(
      await measure(() => okta.getCurrentSession({ cookie: COOKIE })),
      OktaNotFoundError,
    );
    expect(err.errorSummary).toBe('Not found: Resource not found: [REDACTED] (Session)');
    expect(server.attempts).toBe(1);
  });

  test('createSession 400 echoing the session token: the token is not in the error', async () => {
    await serve(
      json(400, oktaError('E0000004', `Authentication failed for sessionToken ${SESSION_TOKEN}`)),
    );
    const okta = client();

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

    const err = failure(outcome, OktaApiError);
    expect(err.status).toBe(400);
    expect(server.attempts).toBe(1);
  });

  test('closeCurrentSession reset on every attempt: OktaNetworkError after retries, cookie not in the error', async () => {
    await serve(resetBeforeHeaders(), resetBeforeHeaders(), resetBeforeHeaders());
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.closeCurrentSession({ cookie: COOKIE }));

    failure(outcome, OktaNetworkError);
    expect(server.attempts).toBe(3);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'DELETE /api/v1/sessions/me',
      'DELETE /api/v1/sessions/me',
      'DELETE /api/v1/sessions/me',
    ]);
  });

  test('refreshCurrentSession 503 then 200: retried, cookie sent on every attempt', async () => {
    await serve(text(503, 'busy'), sessionOk());
    const okta = client({ retry: { maxDelayMs: 50 } });

    const outcome = await measure(() => okta.refreshCurrentSession({ cookie: COOKIE }));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
    for (const r of server.requests) {
      expect(`${r.method} ${r.url}`).toBe('POST /api/v1/sessions/me/lifecycle/refresh');
      expect(headerOf(r, 'cookie')).toBe(COOKIE);
    }
  });

  test('a timeout on getCurrentSession: OktaTimeoutError without the cookie', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getCurrentSession({ cookie: COOKIE }));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe('input validation before I/O', () => {
  test('session ids ".", "..", "", "a/b", "%2F", "?x#y": rejected, or sent as one encoded segment', async () => {
    await serve(sessionOk(), sessionOk(), sessionOk());
    const okta = client({ retry: { maxRetries: 0 } });

    for (const id of ['.', '..', '']) {
      const err = failure(await measure(() => okta.getSession(id)), OktaValidationError);
      expect(err.message).toMatch(/sessionId/);
    }
    expect(server.attempts).toBe(0);
    for (const id of ['a/b', '%2F', '?x#y']) {
      const outcome = await measure(() => okta.getSession(id));
      valueOf(outcome);
      expect(outcome.elapsedMs).toBeLessThan(2_000);
    }
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/v1/sessions/a%2Fb',
      '/api/v1/sessions/%252F',
      '/api/v1/sessions/%3Fx%23y',
    ]);
  });

  test('a session id with a lone surrogate: OktaValidationError before any I/O', async () => {
    await serve(sessionOk());
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.getSession('abc\ud800def'));

    expect(summary(outcome)).toEqual({
      error: 'OktaValidationError',
      retries: 0,
      attempts: 0,
    });
    if (!outcome.ok) expectNoSecrets(outcome.error, SECRETS);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('a cookie with characters outside Latin-1: OktaValidationError before any I/O, never retried', async () => {
    await serve(sessionOk());
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });
    const cookie = `sid=${COOKIE_VALUE}-\u65e5\u672c`;

    const outcome = await measure(() => okta.getCurrentSession({ cookie }));

    expect(summary(outcome)).toEqual({
      error: 'OktaValidationError',
      retries: 0,
      attempts: 0,
    });
    if (!outcome.ok) expectNoSecrets(outcome.error, [...SECRETS, cookie]);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('an apiToken with characters outside Latin-1: OktaConfigError at construction, or OktaValidationError before any I/O', async () => {
    await serve(sessionOk());
    const token = `${API_TOKEN}-\u65e5\u672c`;

    const outcome = await measure(async () =>
      client({ apiToken: token, retry: { maxRetries: 2, maxDelayMs: 50 } }).getSession(SESSION_ID),
    );

    const got = summary(outcome);
    expect(['OktaConfigError', 'OktaValidationError']).toContain(got.error);
    expect(got).toMatchObject({ retries: 0, attempts: 0 });
    if (!outcome.ok) expectNoSecrets(outcome.error, [...SECRETS, token]);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('a cookie with CR/LF: OktaValidationError before any I/O, the cookie not in the error', async () => {
    await serve(sessionOk());
    const okta = client();
    const cookie = `sid=${COOKIE_VALUE}\r\nX-Injected: 1`;

    const err = failure(
      await measure(() => okta.getCurrentSession({ cookie })),
      OktaValidationError,
    );
    expectNoSecrets(err, [cookie]);
    expect(server.attempts).toBe(0);
  });

  test('expectNoSecrets catches a secret hidden in a nested cause (self-check of the helper)', () => {
    const inner = new Error(`upstream said ${COOKIE_VALUE}`);
    const outer = new OktaNetworkError('GET', 'http://127.0.0.1/api/v1/sessions/me', inner);
    expect(() => expectNoSecrets(outer, SECRETS)).toThrow(/secret leaked/);
    expect(() => expectNoSecrets(new Error('clean'), SECRETS)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

describe('the Node transport reads bodies under a bound', () => {
  const MiB = 1024 * 1024;
  /** The Session JSON followed by spaces, `bytes` long in all. */
  const padded = (bytes: number) => {
    const body = JSON.stringify(sessionBody(SESSION_ID));
    return body + ' '.repeat(bytes - body.length);
  };

  test('a Session body of exactly 1 MiB is read whole', async () => {
    await serve(text(200, padded(MiB)));
    const session = await client().getSession(SESSION_ID);
    expect(session.id).toBe(SESSION_ID);
  });

  test('one byte over 1 MiB: OktaInvalidResponseError naming the limit', async () => {
    await serve(text(200, padded(MiB + 1), { requestId: 'req-big' }));
    const err = failure(await measure(() => client().getSession(SESSION_ID)), OktaError);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect(err.message).toBe(
      `Okta HTTP 200 with an unusable body: response body larger than 1048576 bytes (GET /api/v1/sessions/${SESSION_ID}, request req-big)`,
    );
  });

  test('an empty 200 on getSession: the empty-body problem, word for word', async () => {
    await serve(empty(200, { requestId: 'req-empty' }));
    const err = failure(await measure(() => client().getSession(SESSION_ID)), OktaError);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect(err.message).toBe(
      `Okta HTTP 200 with an unusable body: empty body where a Session was expected (GET /api/v1/sessions/${SESSION_ID}, request req-empty)`,
    );
  });

  test.each([
    ['sent at once', 0],
    ['sent after the headers', 100],
  ])(
    'an error body is cut at exactly 64 KiB (%s): JSON ending at the limit still parses',
    async (_name, delayMs) => {
      const head = '{"errorCode":"E0000007","errorSummary":"';
      const tail = '"}';
      const summary = 'x'.repeat(64 * 1024 - head.length - tail.length);
      const body = `${head}${summary}${tail}${' and the rest'.repeat(10_000)}`;
      await serve(async ({ res }) => {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        if (delayMs) {
          res.flushHeaders();
          await sleep(delayMs);
        }
        res.end(body);
      });
      const err = failure(await measure(() => client().getSession(SESSION_ID)), OktaNotFoundError);
      expect(err.errorCode).toBe('E0000007');
      expect(err.errorSummary).toBe(`${'x'.repeat(2000)}…`);
    },
  );

  test('a 103 Early Hints before the answer is skipped: the Session comes from the 200', async () => {
    await serve(async (ctx) => {
      ctx.res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      // Apart from the 200, so that a client taking the 103 for the answer would see it alone.
      await sleep(100);
      return sessionOk(SESSION_ID)(ctx);
    });
    const session = await client().getSession(SESSION_ID);
    expect(session.id).toBe(SESSION_ID);
  });
});

describe('process hygiene', () => {
  const root = resolve(__dirname, '..');

  test('a script that makes a few calls against the scripted server, then returns, exits by itself', async () => {
    // Bundle the client from source with esbuild (jest does not build dist/) and run a plain
    // Node script in a child process: it must exit on its own once its calls are done.
    const esbuild = await import('esbuild');
    // The bundle lives under node_modules/.cache so that its bare imports (undici,
    // openapi-fetch) resolve to the project's node_modules, as they would for a user.
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'okta-sessions-faults-'));
    try {
      const bundle = join(dir, 'client.mjs');
      await esbuild.build({
        entryPoints: [join(root, 'src/index.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: bundle,
        logLevel: 'silent',
        packages: 'external',
        plugins: [packageSources('node')],
      });
      expect(existsSync(bundle)).toBe(true);

      const date = nowSeconds();
      await serve(
        sessionOk(), // getSession
        text(503, 'busy'), // refreshSession, retried
        sessionOk(),
        rateLimited({ dateSeconds: date, reset: date - 10, retryAfter: '0' }), // revoke, 429
        empty(204),
        neverAnswer(), // getSession, times out
        neverAnswer(), // getSession, aborted
        hungBody(200, '{"id":"x'), // getSession, times out in the body
      );
      const script = join(dir, 'script.mjs');
      writeFileSync(
        script,
        `
import { OktaSessions, OktaTimeoutError } from ${JSON.stringify(pathToFileURL(bundle).href)};
await (async () => {
  // Default timeoutMs (30 s): a timer left behind by any call would hold the process that long.
  const base = { orgUrl: process.env.ORG_URL, apiToken: 'SECRET-api-token-123' };
  const okta = new OktaSessions({ ...base, retry: { maxRetries: 1, maxDelayMs: 50 } });
  const once = new OktaSessions({ ...base, retry: { maxRetries: 0 } });
  await okta.getSession('s1');
  await okta.refreshSession('s1');
  await okta.revokeSession('s1');
  try { await once.getSession('s1', { timeoutMs: 300 }); } catch (e) { if (!(e instanceof OktaTimeoutError)) throw e; }
  const c = new AbortController();
  setTimeout(() => c.abort(new Error('bye')), 50);
  await once.getSession('s1', { signal: c.signal }).catch(() => undefined);
  try { await once.getSession('s1', { timeoutMs: 300 }); } catch (e) { if (!(e instanceof OktaTimeoutError)) throw e; }
  console.log('calls done ' + Date.now());
})().catch((e) => { console.error('FAILED', e); process.exitCode = 2; });
`,
      );

      const started = Date.now();
      const child = spawn(process.execPath, [script], {
        env: { ...process.env, ORG_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exit = await new Promise<{ code: number | null; at: number; killed: boolean }>(
        (done) => {
          const killer = setTimeout(() => {
            child.kill('SIGKILL');
          }, 12_000);
          child.on('exit', (code, signal) => {
            clearTimeout(killer);
            done({ code, at: Date.now(), killed: signal === 'SIGKILL' });
          });
        },
      );

      expect({ killed: exit.killed, code: exit.code, stderr }).toEqual({
        killed: false,
        code: 0,
        stderr: '',
      });
      const match = /calls done (\d+)/.exec(stdout);
      expect(match).not.toBeNull();
      // It exits soon after its last call: nothing (timer, socket, pool) keeps it alive.
      const doneAt = Number(match?.[1]);
      expect(exit.at - doneAt).toBeLessThan(2_500);
      expect(exit.at - started).toBeLessThan(10_000);
      expect(server.attempts).toBe(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
