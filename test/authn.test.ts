// The emulator's Authentication API endpoints: POST /api/v1/authn (password → session token)
// and GET /login/sessionCookieRedirect (session token → sid cookie), as any language uses them.
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { call, sessionPath, testClock } from './helpers/emulator-http.js';

const TOKEN = 'test-token';
const SSWS = `SSWS ${TOKEN}`;
const APP = 'http://localhost:5173';
const DANA = {
  login: 'dana.lee@example.com',
  password: 'correct-horse-battery-staple',
  userId: '00uDANA0000000000001',
};

const clock = testClock(Date.parse('2026-11-29T10:00:00.400Z'));
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    apiToken: TOKEN,
    users: [DANA, { login: 'sam@example.com', password: 'sam-password' }],
    corsOrigins: [APP],
    now: clock.now,
  });
});
afterAll(() => emu.close());

function authn(body: unknown, headers: Record<string, string> = {}) {
  return call(emu.url, 'POST', '/api/v1/authn', {
    contentType: 'application/json',
    body: JSON.stringify(body),
    headers,
  });
}

function redirect(token: string, redirectUrl: string) {
  const query = new URLSearchParams({ token, redirectUrl });
  return call(emu.url, 'GET', `/login/sessionCookieRedirect?${query}`, { redirect: 'manual' });
}

async function sessionToken(): Promise<string> {
  const reply = await authn({ username: DANA.login, password: DANA.password });
  expect(reply.status).toBe(200);
  return reply.json.sessionToken as string;
}

describe('POST /api/v1/authn', () => {
  test('the right password answers SUCCESS with a 5-minute session token and the user', async () => {
    const reply = await authn({ username: DANA.login, password: DANA.password });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      status: 'SUCCESS',
      sessionToken: expect.stringMatching(/^\S{20,}$/),
      expiresAt: '2026-11-29T10:05:00.000Z',
      _embedded: {
        user: {
          id: DANA.userId,
          profile: { login: DANA.login, locale: 'en_US', timeZone: 'America/Los_Angeles' },
        },
      },
    });
    expect(reply.headers.get('x-rate-limit-limit')).toBe('600');
    expect(reply.headers.get('x-okta-request-id')).toBeTruthy();
  });

  test('logins are case-insensitive; a user without userId gets a stable 00u id', async () => {
    const a = await authn({ username: 'DANA.LEE@example.com', password: DANA.password });
    expect(a.json._embedded.user.id).toBe(DANA.userId);
    const s1 = await authn({ username: 'sam@example.com', password: 'sam-password' });
    const s2 = await authn({ username: 'sam@example.com', password: 'sam-password' });
    expect(s1.json._embedded.user.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect(s2.json._embedded.user.id).toBe(s1.json._embedded.user.id);
  });

  test('a wrong password or an unknown user answers 401 E0000004, the same way', async () => {
    const wrong = await authn({ username: DANA.login, password: 'nope' });
    const unknown = await authn({ username: 'who@example.com', password: DANA.password });
    for (const reply of [wrong, unknown]) {
      expect(reply.status).toBe(401);
      expect(reply.json).toMatchObject({
        errorCode: 'E0000004',
        errorSummary: 'Authentication failed',
      });
      expect(reply.text).not.toContain(DANA.password);
    }
  });

  test('a missing field answers 400 E0000001; a body that is not JSON 400 E0000003', async () => {
    const missing = await authn({ username: DANA.login });
    expect(missing.status).toBe(400);
    expect(missing.json.errorCode).toBe('E0000001');
    expect(missing.json.errorCauses).toEqual([
      { errorSummary: 'password: The field cannot be left blank' },
    ]);
    const garbage = await call(emu.url, 'POST', '/api/v1/authn', {
      contentType: 'application/json',
      body: '{',
    });
    expect(garbage.json.errorCode).toBe('E0000003');
    const wrongMethod = await call(emu.url, 'GET', '/api/v1/authn');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  test('the session token creates a session once, with the API token', async () => {
    const token = await sessionToken();
    const create = () =>
      call(emu.url, 'POST', '/api/v1/sessions', {
        auth: SSWS,
        contentType: 'application/json',
        body: JSON.stringify({ sessionToken: token }),
      });
    const created = await create();
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ login: DANA.login, userId: DANA.userId });
    expect((await create()).json.errorCode).toBe('E0000004');
  });

  test('a configured origin may call it from a browser (CORS, with a preflight)', async () => {
    const preflight = await call(emu.url, 'OPTIONS', '/api/v1/authn', {
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    const reply = await authn({ username: DANA.login, password: DANA.password }, { Origin: APP });
    expect(reply.headers.get('access-control-allow-origin')).toBe(APP);
    const other = await authn(
      { username: DANA.login, password: DANA.password },
      { Origin: 'http://evil.test' },
    );
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('an emulator without users lets nobody sign in', async () => {
    const bare = await startEmulator();
    try {
      const reply = await call(bare.url, 'POST', '/api/v1/authn', {
        contentType: 'application/json',
        body: JSON.stringify({ username: DANA.login, password: DANA.password }),
      });
      expect(reply.status).toBe(401);
    } finally {
      await bare.close();
    }
  });
});

describe('GET /login/sessionCookieRedirect', () => {
  test('spends the token, starts the session, sets sid (HttpOnly, not Secure on http), 302', async () => {
    const token = await sessionToken();
    const reply = await redirect(token, `${APP}/home?x=1`);
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe(`${APP}/home?x=1`);
    const cookie = reply.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{25}; Path=\/; HttpOnly$/);
    expect(cookie).not.toMatch(/Secure/);
    expect(reply.text).toBe('');
    const sid = cookie.split(';')[0]!;
    const me = await call(emu.url, 'GET', '/api/v1/sessions/me', { cookie: sid });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ login: DANA.login, userId: DANA.userId });
    const byId = await call(emu.url, 'GET', sessionPath(sid.slice(4)), { auth: SSWS });
    expect(byId.status).toBe(200);
    // spent: a second use is refused and sets nothing
    const again = await redirect(token, `${APP}/home`);
    expect(again.status).toBe(401);
    expect(again.json.errorCode).toBe('E0000004');
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  test("the emulator's own origin is trusted too", async () => {
    const reply = await redirect(await sessionToken(), `${emu.url}/after-login`);
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe(`${emu.url}/after-login`);
  });

  test.each([
    ['another origin', 'https://evil.example/steal'],
    ['a configured host on another port', 'http://localhost:5174/'],
    ['a relative URL', '/home'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['not a URL', 'nope'],
  ])('refuses %s before spending the token (400 E0000001)', async (_, target) => {
    const token = await sessionToken();
    const refused = await redirect(token, target);
    expect(refused.status).toBe(400);
    expect(refused.json.errorCode).toBe('E0000001');
    expect(refused.headers.get('location')).toBeNull();
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect((await redirect(token, `${APP}/`)).status).toBe(302);
  });

  test('an unknown or expired token answers 401 E0000004', async () => {
    expect((await redirect('20111nope', `${APP}/`)).status).toBe(401);
    const token = await sessionToken();
    clock.advance(301);
    expect((await redirect(token, `${APP}/`)).json.errorCode).toBe('E0000004');
  });
});
