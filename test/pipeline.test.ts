// The call pipeline (issue 24): one retry budget for a call and the token requests it needs,
// every phase of an attempt under its deadline, one send path for token requests and API calls
// (one scrubbing), and error classes that do not depend on which modules were loaded.
import { setTimeout as delay } from 'node:timers/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { OktaSessions, type RetryInfo } from '../src/index.js';
import type { OktaWarning } from '../src/index.js';
import type { RateLimitSlot, RateLimitStore } from '../src/rate-limit/store.js';
import { redisRateLimitStore } from '../src/redis/index.js';
import { OktaConfigError } from '../src/errors/config-error.js';
import { OktaServerError } from '../src/errors/status-errors.js';
import { OktaTimeoutError } from '../src/errors/timeout-error.js';
import { callOf, type Prepared } from '../src/call/prepare.js';
import { clockedClient } from './helpers/clocked-client.js';
import { decodeJwt, rsaKey } from './helpers/oauth-jwt.js';
import {
  closeAllScriptedServers,
  json,
  sessionOk,
  startScriptedServer,
  type ScriptStep,
} from './helpers/scripted-server.js';
import { slot } from './helpers/slots.js';

afterEach(closeAllScriptedServers);

const appKey = rsaKey('kid-1');
const privateKey = appKey.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const tokenOk = json(200, { token_type: 'DPoP', expires_in: 3600, access_token: 'tok-1' });
const tokenPath = '/oauth2/v1/token';

/** A server that answers the token endpoint with `token` and the API with `api`, forever. */
async function splitServer(token: ScriptStep, api: ScriptStep) {
  const steps = Array.from(
    { length: 40 },
    (): ScriptStep => (ctx) => (ctx.request.url.startsWith(tokenPath) ? token(ctx) : api(ctx)),
  );
  const server = await startScriptedServer(steps);
  const count = (path: string) => server.requests.filter((r) => r.url.startsWith(path)).length;
  return { server, tokenRequests: () => count(tokenPath), apiRequests: () => count('/api/') };
}

describe('one retry budget for a call and its token requests', () => {
  test('a token endpoint that always answers 503 gets maxRetries + 1 requests per call', async () => {
    const { server, tokenRequests, apiRequests } = await splitServer(
      json(503, { errorCode: 'E0000009', errorSummary: 'down' }),
      sessionOk(),
    );
    const retries: RetryInfo[] = [];
    const okta = new OktaSessions({
      orgUrl: server.url,
      clientId: '0oaX',
      privateKey,
      retry: { maxRetries: 2, maxDelayMs: 1 },
      onRetry: (info) => retries.push(info),
    });
    const err = await okta.getSession('102abc').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaServerError);
    expect(tokenRequests()).toBe(3);
    expect(apiRequests()).toBe(0);
    expect(retries.map((r) => [r.operationId, r.attempt, r.reason])).toEqual([
      ['getAccessToken', 1, 'server-error'],
      ['getAccessToken', 2, 'server-error'],
    ]);
  });

  test('token and API failures share the budget: a 503 at the token endpoint, then 503s from the API', async () => {
    let tokenCalls = 0;
    const { server, tokenRequests, apiRequests } = await splitServer(
      (ctx) => (++tokenCalls === 1 ? json(503, {})(ctx) : tokenOk(ctx)),
      json(503, {}),
    );
    const okta = new OktaSessions({
      orgUrl: server.url,
      clientId: '0oaX',
      privateKey,
      retry: { maxRetries: 2, maxDelayMs: 1 },
    });
    await expect(okta.getSession('102abc')).rejects.toBeInstanceOf(OktaServerError);
    // Three attempts: the token's 503, then the API's 503 twice (the token is cached by then).
    expect([tokenRequests(), apiRequests()]).toEqual([2, 2]);
  });

  test('with maxRetries 0 the 401 repeat with a fresh token still happens', async () => {
    let apiCalls = 0;
    const { server, tokenRequests } = await splitServer(tokenOk, (ctx) =>
      ++apiCalls === 1
        ? json(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' })(ctx)
        : sessionOk()(ctx),
    );
    const okta = new OktaSessions({
      orgUrl: server.url,
      clientId: '0oaX',
      privateKey,
      retry: { maxRetries: 0 },
    });
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: expect.any(String) });
    expect(tokenRequests()).toBe(2);
    expect(apiCalls).toBe(2);
  });
});

describe('what never left is not counted as sent', () => {
  test('a burst of calls shares the token requests to a failing endpoint', async () => {
    const { server, tokenRequests } = await splitServer(json(503, {}), sessionOk());
    const okta = new OktaSessions({
      orgUrl: server.url,
      clientId: '0oaX',
      privateKey,
      retry: { maxRetries: 2 },
    });
    const calls = Array.from({ length: 20 }, () => okta.getSession('102abc').catch((e) => e));
    const errors = await Promise.all(calls);
    expect(errors.every((e) => e instanceof OktaServerError)).toBe(true);
    // One fetch per wave of retries, not one per call (20 calls x 3 attempts = 60).
    expect(tokenRequests()).toBeLessThanOrEqual(6);
  });

  test('an attempt that timed out waiting for the token: the retry is the first API request', async () => {
    let tokens = 0;
    const slowToken: ScriptStep = (ctx) =>
      void setTimeout(() => tokenOk(ctx), ++tokens === 1 ? 600 : 0);
    const { server, apiRequests } = await splitServer(slowToken, sessionOk());
    const retries: RetryInfo[] = [];
    const okta = new OktaSessions({
      orgUrl: server.url,
      clientId: '0oaX',
      privateKey,
      timeoutMs: 400,
      retry: { maxRetries: 2, maxDelayMs: 1 },
      onRetry: (info) => retries.push(info),
    });
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: expect.any(String) });
    expect(apiRequests()).toBe(1);
    const api = server.requests.find((r) => r.url.startsWith('/api/'))!;
    expect(api.headers['x-okta-retry-count']).toBeUndefined();
    expect(retries.map((r) => r.reason)).toContain('timeout');
  });

  test('a createSession that timed out in a spent window had sent nothing: it is retried', async () => {
    const server = await startScriptedServer([sessionOk()]);
    let asked = 0;
    const store: RateLimitStore = {
      reserve: () => (++asked === 1 ? new Promise<RateLimitSlot>(() => undefined) : slot()),
      record: () => undefined,
    };
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'tok',
      timeoutMs: 200,
      retry: { maxRetries: 1, maxDelayMs: 1 },
      throttle: { store },
      onWarning: () => undefined,
    });
    // createSession is never repeated once its request may have reached Okta; this one had not.
    await expect(okta.createSession({ sessionToken: 'st-1' })).resolves.toMatchObject({
      id: expect.any(String),
    });
    expect(server.attempts).toBe(1);
    expect(server.requests[0]!.headers['x-okta-retry-count']).toBeUndefined();
  });
});

describe('the rate-limit store runs under the attempt deadline', () => {
  const hangs: RateLimitStore = {
    reserve: () => new Promise<RateLimitSlot>(() => undefined),
    record: () => undefined,
  };

  test('a store that never answers: the call ends at its timeoutMs, the next one goes on memory', async () => {
    const server = await startScriptedServer([sessionOk(), sessionOk()]);
    const warnings: OktaWarning[] = [];
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'tok',
      timeoutMs: 300,
      retry: { maxRetries: 0 },
      throttle: { store: hangs },
      onWarning: (w) => warnings.push(w),
    });
    const started = performance.now();
    await expect(okta.getSession('102abc')).rejects.toBeInstanceOf(OktaTimeoutError);
    expect(performance.now() - started).toBeLessThan(300 + 400);
    expect(server.attempts).toBe(0);
    // The store is left alone for a while: the next call goes on this process's memory.
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: expect.any(String) });
    expect(warnings.map((w) => w.code)).toEqual(['OKTA_SESSIONS_STORE_FAILED']);
    expect(warnings[0]!.message).toMatch(/did not answer in time/);
  });

  test('with retries, a store that never answers costs one timeout, then the call goes on', async () => {
    const server = await startScriptedServer([sessionOk()]);
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'tok',
      timeoutMs: 300,
      retry: { maxRetries: 2, maxDelayMs: 50 },
      throttle: { store: hangs },
      onWarning: () => undefined,
    });
    const started = performance.now();
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: expect.any(String) });
    expect(performance.now() - started).toBeLessThan(300 + 400);
  });

  test('a store that never answers: an abort ends the call at once', async () => {
    const server = await startScriptedServer([]);
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'tok',
      throttle: { store: hangs },
      onWarning: () => undefined,
    });
    const controller = new AbortController();
    const reason = new Error('gave up');
    setTimeout(() => controller.abort(reason), 100);
    const started = performance.now();
    await expect(okta.getSession('102abc', { signal: controller.signal })).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(100 + 300);
  });

  test('a store that throws: the call goes on memory and warns once', async () => {
    const server = await startScriptedServer([sessionOk(), sessionOk()]);
    const warnings: OktaWarning[] = [];
    const throws: RateLimitStore = {
      reserve: () => {
        throw new Error('redis://:hunter2@cache: connection refused');
      },
      record: () => undefined,
    };
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'tok',
      throttle: { store: throws },
      onWarning: (w) => warnings.push(w),
    });
    await okta.getSession('102abc');
    await okta.getSession('102abc');
    expect(server.attempts).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain('hunter2');
  });

  test("a store's configuration error fails the call", async () => {
    const server = await startScriptedServer([]);
    const misconfigured: RateLimitStore = {
      reserve: () => Promise.reject(new OktaConfigError('the store needs a key prefix')),
      record: () => undefined,
    };
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'tok',
      throttle: { store: misconfigured },
    });
    await expect(okta.getSession('102abc')).rejects.toThrow('the store needs a key prefix');
    expect(server.attempts).toBe(0);
  });

  describe('a silent Redis (accepts TCP, never answers)', () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createServer((socket) => {
        // Read and drop what comes, so that a client's end is seen; never answer.
        sockets.add(socket.on('error', () => undefined).resume());
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    test('a store closed while its client connects closes that client: no reconnecting', async () => {
      const store = redisRateLimitStore({
        url: `redis://127.0.0.1:${port}`,
        onFallback: () => undefined,
      });
      const before = sockets.size;
      const bucket = { orgUrl: 'https://x.okta.com', group: 'sessions' as const, key: 'k' };
      const reserving = Promise.resolve(store.reserve(bucket, { maxWaitMs: 0 })).catch(
        () => undefined,
      );
      for (let i = 0; i < 100 && sockets.size === before; i++) await delay(10);
      expect(sockets.size).toBe(before + 1);
      await store.close();
      await reserving;
      const socket = [...sockets].at(-1)!;
      for (let i = 0; i < 100 && !socket.closed; i++) await delay(10);
      expect(socket.closed).toBe(true);
      // ioredis retries every 100 ms to 2 s: a client left open would be back by now.
      await delay(2_500);
      expect(sockets.size).toBe(before + 1);
    }, 10_000);

    test.each([
      ['timeoutMs', 400, undefined],
      ['the signal', 30_000, 150],
    ])('a call ends at %s', async (_what, timeoutMs, abortAt) => {
      const server = await startScriptedServer([]);
      const store = redisRateLimitStore({
        url: `redis://127.0.0.1:${port}`,
        onFallback: () => undefined,
      });
      try {
        const okta = new OktaSessions({
          orgUrl: server.url,
          apiToken: 'tok',
          timeoutMs,
          retry: { maxRetries: 0 },
          throttle: { store },
          onWarning: () => undefined,
        });
        const options = abortAt === undefined ? {} : { signal: AbortSignal.timeout(abortAt) };
        const started = performance.now();
        await okta.getSession('102abc', options).catch((e: unknown) => e);
        expect(performance.now() - started).toBeLessThan((abortAt ?? timeoutMs) + 300);
      } finally {
        await store.close();
      }
    });
  });
});

describe('a token request is signed as it leaves', () => {
  test('after a wait for a spent window: the assertion says when it was sent', async () => {
    const server = await startScriptedServer([tokenOk, sessionOk()]);
    // The token endpoint's window is spent for two minutes; the API's is free.
    let asked = 0;
    const store: RateLimitStore = {
      reserve: (bucket) => slot(bucket.group === 'oauth-token' && asked++ === 0 ? 120_000 : 0),
      record: () => undefined,
    };
    const T0 = Date.parse('2026-01-01T00:00:00Z');
    const { okta, advance } = clockedClient(
      {
        orgUrl: server.url,
        clientId: '0oaX',
        privateKey,
        throttle: { store },
        // The call waits for its token inside its own attempt.
        timeoutMs: 600_000,
        retry: { maxDelayMs: 600_000 },
      },
      T0,
    );
    const call = okta.getSession('102abc');
    // Two minutes and the throttle's jitter (at most 1 s) on the client's clock.
    await advance(121_000);
    expect(server.attempts).toBe(0);
    await advance(1_000);
    await expect(call).resolves.toMatchObject({ id: expect.any(String) });
    const token = server.requests[0]!;
    expect(token.url).toBe(tokenPath);
    const { claims } = decodeJwt(new URLSearchParams(token.body).get('client_assertion')!);
    expect(claims['iat']).toBeGreaterThanOrEqual((T0 + 120_000) / 1000);
    expect(claims['exp']).toBe((claims['iat'] as number) + 300);
  });
});

describe('token requests are scrubbed like API calls', () => {
  /** Echoes the client assertion and the DPoP proof in the request id and in the body. */
  const echo =
    (status: number, body: (echoed: string) => string): ScriptStep =>
    ({ request, res }) => {
      const assertion = new URLSearchParams(request.body).get('client_assertion') ?? '';
      const echoed = `${assertion}/${String(request.headers['dpop'])}`;
      res.writeHead(status, { 'content-type': 'application/json', 'x-okta-request-id': echoed });
      res.end(body(echoed));
    };

  test.each([
    [
      'a 400 error',
      echo(400, (e) => JSON.stringify({ error: 'invalid_client', error_description: e })),
    ],
    // A captive portal's 200 page that is no token response: OktaInvalidResponseError.
    ['a 200 that is no token response', echo(200, (e) => `<html>${e}</html>`)],
  ])(
    '%s echoing the client assertion and DPoP proof: neither reaches the error',
    async (_what, step) => {
      const server = await startScriptedServer([step]);
      const okta = new OktaSessions({
        orgUrl: server.url,
        clientId: '0oaX',
        privateKey,
        retry: { maxRetries: 0 },
      });
      const err = await okta.getSession('102abc').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const assertion = new URLSearchParams(server.requests[0]!.body).get('client_assertion')!;
      const proof = String(server.requests[0]!.headers['dpop']);
      const shown = JSON.stringify({ ...(err as object), message: (err as Error).message });
      expect(assertion.length).toBeGreaterThan(100);
      expect(shown).not.toContain(assertion);
      expect(shown).not.toContain(proof);
      expect((err as { requestId?: string }).requestId).toBe('[REDACTED]/[REDACTED]');
    },
  );
});

describe('no import-time state', () => {
  test('current-session throws the same class whether or not the client is loaded', async () => {
    const server = await startScriptedServer([
      json(401, { error: 'invalid_token' }),
      json(401, { error: 'invalid_token' }),
    ]);
    const names: string[] = [];
    for (const withClient of [false, true]) {
      await jest.isolateModulesAsync(async () => {
        if (withClient) await import('../src/index.js');
        const me = await import('../src/current-session.js');
        const err = await me
          .getCurrentSession({ orgUrl: server.url, retry: { maxRetries: 0 } })
          .catch((e: unknown) => e);
        names.push((err as Error).name);
      });
    }
    expect(names).toEqual(['OktaAuthenticationError', 'OktaAuthenticationError']);
  });
});

describe('the error factory loads with the first error', () => {
  test('if it cannot load, the error still has the status class and a scrubbed request id', async () => {
    const server = await startScriptedServer([
      json(
        404,
        { errorCode: 'E0000007', errorSummary: 'Not found: tok-secret-123' },
        {
          headers: { 'x-okta-request-id': 'req-tok-secret-123' },
        },
      ),
    ]);
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../src/errors/factory.js', () => {
        throw new Error('Loading chunk factory failed');
      });
      const { OktaSessions: Client, OktaNotFoundError } = await import('../src/index.js');
      const okta = new Client({ orgUrl: server.url, apiToken: 'tok-secret-123' });
      const err = await okta.getSession('102abc').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OktaNotFoundError);
      expect(err).toMatchObject({ status: 404, requestId: 'req-[REDACTED]' });
      expect((err as Error).message).not.toContain('tok-secret-123');
    });
    expect(server.attempts).toBe(1);
  });
});

// The query a call carries (issue 24 settles it for revokeUserSessions' `?oauthTokens=`, which
// is not in the spec yet: no public operation sends one, so callOf is called directly).
describe('a call carries its query', () => {
  const defaults = { headers: {}, credentials: undefined, timeoutMs: 1_000 };
  test.each<[string, Prepared['query'], string]>([
    ['no query', undefined, ''],
    ['only undefined values', { oauthTokens: undefined }, ''],
    ['a boolean as true/false', { oauthTokens: true }, '?oauthTokens=true'],
    [
      'every value set, in order, undefined ones left out',
      { oauthTokens: false, skipped: undefined, forgetDevices: true, limit: 20 },
      '?oauthTokens=false&forgetDevices=true&limit=20',
    ],
    ['values encoded', { q: 'a b&c=d' }, '?q=a+b%26c%3Dd'],
  ])('%s', (_, query, suffix) => {
    const call = callOf(
      'revokeSession',
      { path: { sessionId: 'sid 1' }, ...(query && { query }) },
      undefined,
      defaults,
    );
    expect(call.path).toBe(`/api/v1/sessions/sid%201${suffix}`);
  });
});
