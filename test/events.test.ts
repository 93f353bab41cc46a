// The client's events (src/call/events.ts): what each attempt of the pipeline reports, for API
// calls, a service app's token requests and okta.raw alike, against real servers on 127.0.0.1
// (the emulator or a scripted one) and, for ordering cases, an injected fetch.
import {
  OktaConfigError,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaSessions,
  type OktaCallEvent,
  type RateLimitStore,
} from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { recordEvents, secretsIn, sequence } from './helpers/observed.js';
import { rsaKey } from './helpers/oauth-jwt.js';
import {
  closeAllScriptedServers,
  json,
  oktaError,
  rateLimited,
  sessionOk,
  startScriptedServer,
} from './helpers/scripted-server.js';
import { API_TOKEN, SECRETS, SESSION_ID, SESSION_TOKEN } from './helpers/live-server.js';

const TEMPLATE = '/api/v1/sessions/{sessionId}';
let emu: Emulator;
const appKey = rsaKey('app-key');

beforeAll(async () => {
  emu = await startEmulator({
    clients: {
      '0oaDpop': {
        jwks: [appKey.publicJwk],
        scopes: ['okta.sessions.read', 'okta.sessions.manage'],
        dpop: true,
      },
    },
  });
});
afterAll(() => emu.close());
afterEach(() => closeAllScriptedServers());

const admin = () => new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
const newSession = async () =>
  (await admin().createSession({ sessionToken: emu.issueSessionToken() })).id;

describe('the event object', () => {
  test('a getSession: request, then response with status, request id, rate limit and the path template', async () => {
    const id = await newSession();
    const okta = admin();
    const seen = recordEvents(okta);
    await okta.getSession(id);
    expect(sequence(seen)).toEqual(['request getSession', 'response getSession']);
    const [request, response] = seen.map((r) => r.event as OktaCallEvent);
    expect(request).toEqual({
      operationId: 'getSession',
      method: 'GET',
      urlTemplate: TEMPLATE,
      attempt: 1,
      elapsedMs: expect.any(Number),
    });
    expect(response).toMatchObject({
      operationId: 'getSession',
      method: 'GET',
      urlTemplate: TEMPLATE,
      attempt: 1,
      status: 200,
      requestId: expect.stringMatching(/.+/),
      rateLimit: {
        limit: 600,
        remaining: expect.any(Number),
        resetAt: expect.any(Date),
      },
    });
    expect(response!.rateLimit!.remaining).toBeLessThan(600);
    expect(response!.elapsedMs).toBeGreaterThanOrEqual(request!.elapsedMs);
    // The filled path never appears: only the template.
    expect(secretsIn(seen, [id, emu.apiToken])).toEqual([]);
  });

  test('a 429 then a 200: request, response 429, error, retry, then the second attempt', async () => {
    const server = await startScriptedServer([
      rateLimited({ requestId: 'rl-1', limit: 100, remaining: 0 }),
      sessionOk(SESSION_ID),
    ]);
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: API_TOKEN,
      retry: { maxDelayMs: 10 },
    });
    const seen = recordEvents(okta);
    await okta.getSession(SESSION_ID);
    expect(seen.map((r) => r.name)).toEqual([
      'request',
      'response',
      'error',
      'retry',
      'request',
      'response',
    ]);
    const events = seen.map((r) => r.event as OktaCallEvent);
    expect(events[1]).toMatchObject({ status: 429, requestId: 'rl-1', attempt: 1 });
    expect(events[1]!.rateLimit).toMatchObject({ limit: 100, remaining: 0 });
    expect(events[2]).toMatchObject({
      status: 429,
      errorType: 'OktaRateLimitError',
      local: false,
      attempt: 1,
    });
    expect(events[3]).toMatchObject({
      operationId: 'getSession',
      attempt: 1,
      reason: 'rate-limit',
      delayMs: 10,
      errorType: 'OktaRateLimitError',
    });
    expect(events[4]).toMatchObject({ attempt: 2 });
    expect(events[5]).toMatchObject({ attempt: 2, status: 200 });
  });

  test('a network failure: error with no status, not local, named OktaNetworkError', async () => {
    const server = await startScriptedServer([]);
    const url = server.url;
    await closeAllScriptedServers();
    const okta = new OktaSessions({ orgUrl: url, apiToken: API_TOKEN, retry: { maxRetries: 0 } });
    const seen = recordEvents(okta);
    await expect(okta.getSession(SESSION_ID)).rejects.toThrow();
    expect(seen.map((r) => r.name)).toEqual(['request', 'error']);
    expect(seen[1]!.event).toMatchObject({ errorType: 'OktaNetworkError', local: false });
    expect((seen[1]!.event as OktaCallEvent).status).toBeUndefined();
  });

  test('a refusal made without sending is local: no request event, error local true', async () => {
    const okta = new OktaSessions({
      orgUrl: emu.url,
      accessToken: () => {
        throw new Error('vault down');
      },
    });
    const seen = recordEvents(okta);
    await expect(okta.getSession(SESSION_ID)).rejects.toBeInstanceOf(OktaConfigError);
    expect(seen.map((r) => r.name)).toEqual(['error']);
    expect(seen[0]!.event).toMatchObject({
      operationId: 'getSession',
      errorType: 'OktaConfigError',
      local: true,
    });
  });

  test('a request id that echoes a secret is scrubbed, as in errors', async () => {
    const server = await startScriptedServer([
      json(404, oktaError('E0000007', 'Not found'), { requestId: `echo-${API_TOKEN}` }),
    ]);
    const okta = new OktaSessions({ orgUrl: server.url, apiToken: API_TOKEN });
    const seen = recordEvents(okta);
    await expect(okta.getSession(SESSION_ID)).rejects.toBeInstanceOf(OktaNotFoundError);
    expect((seen[1]!.event as OktaCallEvent).requestId).toBe('echo-[REDACTED]');
    expect(secretsIn(seen, [API_TOKEN, SESSION_ID])).toEqual([]);
  });
});

describe('listeners', () => {
  test('a listener that throws or rejects changes no outcome, and the next listener still runs', async () => {
    const server = await startScriptedServer([
      rateLimited({ limit: 100, remaining: 0 }),
      sessionOk(SESSION_ID),
    ]);
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: API_TOKEN,
      retry: { maxDelayMs: 10 },
    });
    for (const name of ['request', 'response', 'error', 'retry'] as const) {
      okta.on(name, () => {
        throw new Error('listener bug');
      });
      okta.on(name, () => Promise.reject(new Error('async listener bug')));
    }
    const seen = recordEvents(okta);
    const session = await okta.getSession(SESSION_ID);
    expect(session.id).toBe(SESSION_ID);
    expect(seen).toHaveLength(6);
  });

  test('an error with no listener is dropped, not thrown: the call fails with its own error', async () => {
    const server = await startScriptedServer([json(404, oktaError('E0000007', 'Not found'))]);
    const okta = new OktaSessions({ orgUrl: server.url, apiToken: API_TOKEN });
    okta.on('response', () => undefined);
    await expect(okta.getSession(SESSION_ID)).rejects.toBeInstanceOf(OktaNotFoundError);
  });

  test('off removes a listener; on and off return the client; a wrong name is a TypeError', async () => {
    const id = await newSession();
    const okta = admin();
    const seen: OktaCallEvent[] = [];
    const listener = (event: OktaCallEvent) => seen.push(event);
    expect(okta.on('response', listener)).toBe(okta);
    await okta.getSession(id);
    expect(okta.off('response', listener)).toBe(okta);
    await okta.getSession(id);
    expect(seen).toHaveLength(1);
    expect(() => okta.on('respons' as 'response', listener)).toThrow(TypeError);
    expect(() => okta.on('response', 'x' as never)).toThrow(TypeError);
  });
});

describe('token requests and warnings', () => {
  test("a service app's token requests emit getAccessToken events, its DPoP nonce step included", async () => {
    const id = await newSession();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: appKey.privateKey,
      keyId: 'app-key',
    });
    const seen = recordEvents(okta);
    await okta.getSession(id);
    expect(sequence(seen)).toEqual([
      'request getAccessToken',
      'response getAccessToken',
      'error getAccessToken',
      'request getAccessToken',
      'response getAccessToken',
      'request getSession',
      'response getSession',
    ]);
    expect(seen[0]!.event).toMatchObject({ method: 'POST', urlTemplate: '/oauth2/v1/token' });
    expect(seen[1]!.event).toMatchObject({ status: 400 });
    expect(seen[4]!.event).toMatchObject({ status: 200 });
    // No access token, assertion, proof or session id in any of it.
    expect(secretsIn(seen, [id])).toEqual([]);
    expect(JSON.stringify(seen)).not.toMatch(/eyJ/);
  });

  test("onWarning's warnings arrive as 'warning' events too, and Node's default is left out", async () => {
    const failing: RateLimitStore = {
      reserve: () => Promise.reject(new Error('store down')),
      record: () => undefined,
    };
    const id = await newSession();
    const processWarnings: Error[] = [];
    const onProcessWarning = (warning: Error) => processWarnings.push(warning);
    process.on('warning', onProcessWarning);
    try {
      const okta = new OktaSessions({
        orgUrl: emu.url,
        apiToken: emu.apiToken,
        throttle: { store: failing },
      });
      const seen = recordEvents(okta);
      await okta.getSession(id);
      expect(seen.filter((r) => r.name === 'warning').map((r) => r.event)).toEqual([
        { code: 'OKTA_SESSIONS_STORE_FAILED', message: expect.stringContaining('failed') },
      ]);
      const given: unknown[] = [];
      const withOnWarning = new OktaSessions({
        orgUrl: emu.url,
        apiToken: emu.apiToken,
        throttle: { store: failing },
        onWarning: (w) => given.push(w),
      });
      const seenToo = recordEvents(withOnWarning);
      await withOnWarning.getSession(id);
      expect(given).toHaveLength(1);
      expect(seenToo.filter((r) => r.name === 'warning')).toHaveLength(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(processWarnings).toEqual([]);
    } finally {
      process.off('warning', onProcessWarning);
    }
  });
});

describe('okta.raw', () => {
  test('raw requests emit the same events, with the route template and scrubbed request ids', async () => {
    const id = await newSession();
    const okta = admin();
    const seen = recordEvents(okta);
    await okta.raw.GET('/api/v1/sessions/{sessionId}', { params: { path: { sessionId: id } } });
    await expect(
      okta.raw.GET('/api/v1/sessions/{sessionId}', { params: { path: { sessionId: 'nope' } } }),
    ).rejects.toBeInstanceOf(OktaNotFoundError);
    expect(sequence(seen)).toEqual([
      'request getSession',
      'response getSession',
      'request getSession',
      'response getSession',
      'error getSession',
    ]);
    expect(seen[1]!.event).toMatchObject({
      method: 'GET',
      urlTemplate: TEMPLATE,
      attempt: 1,
      status: 200,
      rateLimit: { limit: 600 },
    });
    expect(seen[4]!.event).toMatchObject({
      status: 404,
      errorType: 'OktaNotFoundError',
      local: false,
    });
    expect(secretsIn(seen, [id, emu.apiToken])).toEqual([]);
  });
});

describe('okta.rateLimit', () => {
  test('undefined before any call; then the last state of the bucket, shared by its operations', async () => {
    const id = await newSession();
    const okta = admin();
    expect(okta.rateLimit('getSession')).toBeUndefined();
    await okta.getSession(id);
    const state = okta.rateLimit('getSession');
    expect(state).toEqual({
      limit: 600,
      remaining: expect.any(Number),
      resetAt: expect.any(Date),
      concurrency: false,
    });
    await okta.refreshSession(id);
    // The session operations share a bucket: the refresh used one more of the same window.
    expect(okta.rateLimit('getSession')!.remaining).toBe(state!.remaining! - 1);
    expect(okta.rateLimit('revokeSession')).toEqual(okta.rateLimit('getSession'));
    expect(okta.rateLimit('revokeUserSessions')).toBeUndefined();
    expect(okta.rateLimit('getAccessToken')).toBeUndefined();
  });

  test('concurrency: true after a 429 with X-Rate-Limit-Limit: 0, false again after a success', async () => {
    const server = await startScriptedServer([
      rateLimited({ limit: 0, remaining: 0 }),
      sessionOk(SESSION_ID),
    ]);
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: API_TOKEN,
      retry: { maxRetries: 0 },
    });
    await expect(okta.getSession(SESSION_ID)).rejects.toBeInstanceOf(OktaRateLimitError);
    expect(okta.rateLimit('getSession')).toMatchObject({
      limit: 0,
      remaining: 0,
      concurrency: true,
    });
    await okta.getSession(SESSION_ID);
    expect(okta.rateLimit('getSession')).toMatchObject({
      limit: 600,
      remaining: 599,
      concurrency: false,
    });
  });

  test('a response without the headers leaves the last state; raw requests count too', async () => {
    const server = await startScriptedServer([
      sessionOk(SESSION_ID),
      sessionOk(SESSION_ID, {
        headers: {
          'X-Rate-Limit-Limit': undefined,
          'X-Rate-Limit-Remaining': undefined,
          'X-Rate-Limit-Reset': undefined,
        },
      }),
      sessionOk(SESSION_ID, { headers: { 'X-Rate-Limit-Remaining': '42' } }),
    ]);
    const okta = new OktaSessions({ orgUrl: server.url, apiToken: API_TOKEN });
    await okta.getSession(SESSION_ID);
    await okta.getSession(SESSION_ID);
    expect(okta.rateLimit('getSession')).toMatchObject({ limit: 600, remaining: 599 });
    await okta.raw.GET('/api/v1/sessions/{sessionId}', {
      params: { path: { sessionId: SESSION_ID } },
    });
    expect(okta.rateLimit('getSession')).toMatchObject({ remaining: 42 });
  });
});

test('no secret or session id in any event of a hostile run', async () => {
  // Every answer echoes what its request sent (credential, session token, session id) in its
  // request id.
  const created = `${API_TOKEN} ${SESSION_TOKEN}`;
  const got = `${API_TOKEN} ${SESSION_ID} ${encodeURIComponent(SESSION_ID)}`;
  const server = await startScriptedServer([
    rateLimited({ requestId: created, limit: 100, remaining: 0 }),
    json(200, { id: SESSION_ID }, { requestId: created }),
    json(404, oktaError('E0000007', 'Not found'), { requestId: got }),
  ]);
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    retry: { maxDelayMs: 10 },
  });
  const seen = recordEvents(okta);
  await okta.createSession({ sessionToken: SESSION_TOKEN }).catch(() => undefined);
  await okta.getSession(SESSION_ID).catch(() => undefined);
  expect(seen.length).toBeGreaterThan(4);
  expect(secretsIn(seen, [...SECRETS, SESSION_ID])).toEqual([]);
});
