// The request journal (emu.requests(), GET /__emulator/requests): what each request looked like,
// with no secret in it; and reset (emu.reset(), POST /__emulator/reset) between tests.
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { Journal, type JournalEntry } from '../src/emulator/journal.js';
import { ADMIN_TOKEN, admin, raw } from './helpers/emulator-admin.js';
import { call, newSession, sessionPath, testClock } from './helpers/emulator-http.js';

const USER = { login: 'jo@example.com', password: 'jo-PASSWORD-1' };
const clock = testClock();
let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({
    apiToken: 'journal-api-token',
    accessTokens: { 'journal-bearer-token': ['okta.sessions.read'] },
    adminToken: ADMIN_TOKEN,
    users: [USER],
    now: clock.now,
    rateLimit: { limit: 5, windowSeconds: 60 },
  });
});
afterEach(() => emu.close());

const SSWS = { auth: 'SSWS journal-api-token' };

test('records each request: operation, template, query, credential kind, cookie, status, times', async () => {
  const authn = await call(emu.url, 'POST', '/api/v1/authn', {
    contentType: 'application/json',
    body: JSON.stringify({ username: USER.login, password: USER.password }),
  });
  const sessionToken = authn.json.sessionToken as string;
  const redirect = await call(
    emu.url,
    'GET',
    `/login/sessionCookieRedirect?token=${sessionToken}&redirectUrl=${encodeURIComponent(emu.url + '/app')}`,
    { redirect: 'manual' },
  );
  const cookie = redirect.headers.get('set-cookie')!.split(';')[0]!;
  const id = cookie.slice('sid='.length);
  await call(emu.url, 'GET', sessionPath(id), { auth: 'Bearer journal-bearer-token' });
  await call(emu.url, 'GET', '/api/v1/sessions/me', { cookie });
  await call(
    emu.url,
    'DELETE',
    `/api/v1/users/${authn.json._embedded.user.id}/sessions?oauthTokens=true`,
    SSWS,
  );
  await call(emu.url, 'GET', '/no/such/path', { auth: 'Basic abc' });

  const journal = emu.requests();
  expect(
    journal.map((r) => [r.operationId, r.method, r.path, r.credential, r.cookie, r.status]),
  ).toEqual([
    ['primaryAuthentication', 'POST', '/api/v1/authn', 'none', false, 200],
    ['sessionCookieRedirect', 'GET', '/login/sessionCookieRedirect', 'none', false, 302],
    ['getSession', 'GET', '/api/v1/sessions/{sessionId}', 'bearer', false, 200],
    ['getCurrentSession', 'GET', '/api/v1/sessions/me', 'none', true, 200],
    ['revokeUserSessions', 'DELETE', '/api/v1/users/{userId}/sessions', 'apiToken', false, 204],
    [null, 'GET', '/no/such/path', 'other', false, 404],
  ]);
  expect(journal[1]!.query).toEqual({ token: '[sessionToken]', redirectUrl: `${emu.url}/app` });
  expect(journal[4]!.query).toEqual({ oauthTokens: 'true' });
  for (const r of journal) {
    expect(r.receivedAt).toBe('2026-11-29T10:00:00.000Z');
    expect(r.answeredAt).toBe('2026-11-29T10:00:00.000Z');
    expect(r.requestId).toMatch(/^\S+$/);
    expect(r.fault).toBeNull();
  }
  // No secret, in any form: tokens, password, the session id (the cookie's value).
  const text = JSON.stringify(journal);
  for (const secret of [
    'journal-api-token',
    'journal-bearer-token',
    sessionToken,
    USER.password,
    id,
  ])
    expect(text).not.toContain(secret);
});

test('records the fault that acted, and no status when the connection was reset', async () => {
  const { id } = await newSession(emu);
  emu.faults.add({ operationId: 'getSession', action: { kind: 'status', status: 503 } });
  emu.faults.add({ operationId: 'getSession', action: { kind: 'reset', phase: 'after-read' } });
  await call(emu.url, 'GET', sessionPath(id), SSWS);
  await raw(`${emu.url}${sessionPath(id)}`, 'GET', { Authorization: SSWS.auth });
  // The journal entry closes when the server sees the connection go.
  await new Promise((r) => setTimeout(r, 50));
  const [, faulted, reset] = emu.requests();
  expect([faulted!.status, faulted!.fault]).toEqual([503, 'status']);
  expect([reset!.status, reset!.answeredAt, reset!.fault]).toEqual([null, null, 'reset']);
});

test('over HTTP: GET /__emulator/requests, and admin requests are not journaled', async () => {
  await newSession(emu);
  const reply = await admin(emu.url, 'GET', 'requests');
  expect(reply.status).toBe(200);
  expect(reply.json).toEqual({ requests: emu.requests() });
  expect(reply.json.requests).toHaveLength(1);
  expect(reply.json.requests[0]).toMatchObject({
    operationId: 'createSession',
    credential: 'apiToken',
    status: 200,
  });
  expect((await admin(emu.url, 'GET', 'requests', undefined, null)).status).toBe(401);
});

describe('reset', () => {
  async function dirty() {
    const { id } = await newSession(emu);
    const unused = emu.issueSessionToken();
    emu.faults.add({ times: 'always', action: { kind: 'status', status: 500 } });
    emu.clock.advance(60_000);
    return { id, unused };
  }

  async function expectClean({ id, unused }: { id: string; unused: string }) {
    expect(emu.requests()).toEqual([]);
    expect(emu.faults.list()).toEqual([]);
    expect(emu.userSessionsRevocations()).toEqual([]);
    expect(emu.clock.now()).toBe(clock.now());
    const gone = await call(emu.url, 'GET', sessionPath(id), SSWS);
    expect(gone.status).toBe(404);
    // A fresh window: the first request of the sessions bucket leaves limit − 1.
    expect(gone.headers.get('x-rate-limit-remaining')).toBe('4');
    const spent = await call(emu.url, 'POST', '/api/v1/sessions', {
      ...SSWS,
      contentType: 'application/json',
      body: JSON.stringify({ sessionToken: unused }),
    });
    expect(spent.status).toBe(401);
    // The configured users and tokens stay.
    const authn = await call(emu.url, 'POST', '/api/v1/authn', {
      contentType: 'application/json',
      body: JSON.stringify({ username: USER.login, password: USER.password }),
    });
    expect(authn.status).toBe(200);
  }

  test('emu.reset() brings the emulator back to its state at start', async () => {
    const state = await dirty();
    emu.faults.clear();
    await call(
      emu.url,
      'DELETE',
      `/api/v1/users/${(await newSession(emu)).reply.json.userId}/sessions`,
      SSWS,
    );
    for (let i = 0; i < 3; i++) await call(emu.url, 'GET', sessionPath(state.id), SSWS);
    emu.faults.add({ action: { kind: 'concurrency' } });
    expect(emu.userSessionsRevocations()).toHaveLength(1);
    emu.reset();
    await expectClean(state);
  });

  test('POST /__emulator/reset does the same', async () => {
    const state = await dirty();
    const reply = await admin(emu.url, 'POST', 'reset');
    expect(reply.status).toBe(204);
    await expectClean(state);
  });
});

test('keeps the last 10 000 requests, dropping the oldest in batches', () => {
  const journal = new Journal();
  const entry = (n: number): JournalEntry => ({
    operationId: 'getSession',
    method: 'GET',
    path: '/api/v1/sessions/{sessionId}',
    query: {},
    credential: 'apiToken',
    dpopProof: false,
    cookie: false,
    status: 200,
    fault: null,
    requestId: String(n),
    receivedAt: n,
    answeredAt: n,
  });
  for (let n = 1; n <= 25_000; n++) journal.open(entry(n));
  const kept = journal.list();
  expect(kept).toHaveLength(10_000);
  expect([kept[0]!.requestId, kept.at(-1)!.requestId]).toEqual(['15001', '25000']);
  expect(kept[0]!.receivedAt).toBe(new Date(15_001).toISOString());
});
