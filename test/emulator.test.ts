import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { call, newSession, sessionPath, testClock, type Reply } from './helpers/emulator-http.js';
import { API_TOKEN, exchange } from './helpers/hostile-server.js';

const TOKEN = 'test-token';
const SSWS = `SSWS ${TOKEN}`;
const ORIGIN = 'http://localhost:5173';
const CREATE = '/api/v1/sessions';
const ME = '/api/v1/sessions/me';
const ME_REFRESH = '/api/v1/sessions/me/lifecycle/refresh';
const refreshPath = (id: string) => `${sessionPath(id)}/lifecycle/refresh`;
/** The cookie real Okta sends on every API-token call. */
const CLEAR_SID = 'sid="";Version=1;Path=/;Max-Age=0';

/** The by-id links of session `id` (getSession and refreshSession answers). */
function byIdLinks(emu: Emulator, id: string, userId: string, login: string) {
  return {
    self: { href: `${emu.url}/api/v1/sessions/${id}`, hints: { allow: ['GET', 'DELETE'] } },
    refresh: {
      href: `${emu.url}/api/v1/sessions/${id}/lifecycle/refresh`,
      hints: { allow: ['POST'] },
    },
    user: { name: login, href: `${emu.url}/api/v1/users/${userId}`, hints: { allow: ['GET'] } },
  };
}

/** The `/me` links (createSession and the `/me` operations answer these, as real Okta does). */
function meLinks(emu: Emulator, login: string) {
  return {
    self: { href: `${emu.url}/api/v1/sessions/me`, hints: { allow: ['GET', 'DELETE'] } },
    refresh: {
      href: `${emu.url}/api/v1/sessions/me/lifecycle/refresh`,
      hints: { allow: ['POST'] },
    },
    user: { name: login, href: `${emu.url}/api/v1/users/me`, hints: { allow: ['GET'] } },
  };
}

function expectOktaError(reply: Reply, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.json).toMatchObject({ errorCode: code, errorLink: code });
  expect(typeof reply.json.errorSummary).toBe('string');
  // Okta's errorIds are `oae` and 22 more characters.
  expect(reply.json.errorId).toMatch(/^oae[A-Za-z0-9]{22}$/);
  expect(Array.isArray(reply.json.errorCauses)).toBe(true);
}

function create(emu: Emulator, body: unknown, auth = SSWS) {
  return call(emu.url, 'POST', CREATE, {
    auth,
    contentType: 'application/json',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('emulator', () => {
  const clock = testClock();
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({
      port: 0,
      apiToken: TOKEN,
      accessTokens: {
        'at-read': ['okta.sessions.read'],
        'at-manage': ['okta.sessions.manage'],
        'at-both': ['okta.sessions.read', 'okta.sessions.manage'],
      },
      corsOrigins: [ORIGIN],
      maxBodyBytes: 1024,
      now: clock.now,
    });
  });
  afterAll(() => emu.close());

  describe('createSession', () => {
    test('answers the Session with /me links and sets no sid, only the clearing cookie', async () => {
      clock.advance(0.75); // Okta keeps whole seconds
      const { id, reply } = await newSession(emu, { login: 'dana.lee@example.com' });
      const created = new Date(Math.floor(clock.now() / 1000) * 1000).toISOString();
      expect(created).toMatch(/\.000Z$/);
      expect(id).toMatch(/^[A-Za-z0-9_-]{25}$/);
      expect(reply.headers.get('set-cookie')).toBe(CLEAR_SID);
      expect(reply.json).toEqual({
        id,
        login: 'dana.lee@example.com',
        userId: expect.stringMatching(/^00u[A-Za-z0-9]{17}$/),
        createdAt: created,
        expiresAt: new Date(Date.parse(created) + 7200_000).toISOString(),
        status: 'ACTIVE',
        lastPasswordVerification: created,
        lastFactorVerification: null,
        amr: ['pwd'],
        idp: { id: expect.stringMatching(/^00o/), type: 'OKTA' },
        mfaActive: false,
        _links: meLinks(emu, 'dana.lee@example.com'),
      });
      clock.advance(0.25);
    });

    test('keeps the given userId and one userId per login', async () => {
      const a = await newSession(emu, { login: 'sam@example.com', userId: '00uSAM0000000000000a' });
      const b = await newSession(emu, { login: 'sam@example.com' });
      expect(a.reply.json.userId).toBe('00uSAM0000000000000a');
      expect(b.reply.json.userId).toBe('00uSAM0000000000000a');
      expect(a.id).not.toBe(b.id);
    });

    test('a session token is single-use: the second use answers 401 E0000004', async () => {
      const sessionToken = await emu.issueSessionToken();
      expect((await create(emu, { sessionToken })).status).toBe(200);
      expectOktaError(await create(emu, { sessionToken }), 401, 'E0000004');
    });

    test('an unknown or expired session token answers 401 E0000004', async () => {
      expectOktaError(await create(emu, { sessionToken: 'nope' }), 401, 'E0000004');
      const sessionToken = await emu.issueSessionToken();
      clock.advance(301);
      expectOktaError(await create(emu, { sessionToken }), 401, 'E0000004');
    });

    test.each([
      ['missing', {}],
      ['empty', { sessionToken: '' }],
      ['not a string', { sessionToken: 42 }],
    ])('sessionToken %s: 400 E0000001 with errorCauses', async (_, body) => {
      const reply = await create(emu, body);
      expectOktaError(reply, 400, 'E0000001');
      expect(reply.json.errorCauses[0].errorSummary).toMatch(/^sessionToken: /);
    });

    test('needs the API token: none, a wrong one or a bearer token are refused', async () => {
      const sessionToken = await emu.issueSessionToken();
      expectOktaError(await create(emu, { sessionToken }, ''), 403, 'E0000005');
      expectOktaError(await create(emu, { sessionToken }, 'SSWS wrong'), 401, 'E0000011');
      expectOktaError(await create(emu, { sessionToken }, 'Bearer unknown'), 401, 'E0000011');
      expectOktaError(await create(emu, { sessionToken }, 'Bearer at-both'), 403, 'E0000006');
      // refused requests do not use up the token
      expect((await create(emu, { sessionToken })).status).toBe(200);
    });
  });

  describe('operations by id', () => {
    test('getSession answers the same Session as createSession, with by-id links', async () => {
      const { id, reply } = await newSession(emu);
      const { login, userId } = reply.json;
      const expected = { ...reply.json, _links: byIdLinks(emu, id, userId, login) };
      const got = await call(emu.url, 'GET', sessionPath(id), { auth: SSWS });
      expect(got.status).toBe(200);
      expect(got.json).toEqual(expected);
      expect(got.headers.get('set-cookie')).toBe(CLEAR_SID);
      const withQuery = await call(emu.url, 'GET', `${sessionPath(id)}?expand=user`, {
        auth: SSWS,
      });
      expect(withQuery.json).toEqual(expected);
    });

    test("refreshSession: expiresAt not earlier, by-id links, and Okta's sid cookie", async () => {
      const { id, reply } = await newSession(emu);
      clock.advance(600);
      const refreshed = await call(emu.url, 'POST', refreshPath(id), { auth: SSWS });
      expect(refreshed.status).toBe(200);
      // Okta promises only that expiresAt does not move backwards.
      expect(Date.parse(refreshed.json.expiresAt)).toBeGreaterThanOrEqual(
        Date.parse(reply.json.expiresAt),
      );
      expect(refreshed.json.createdAt).toBe(reply.json.createdAt);
      expect(refreshed.json._links).toEqual(
        byIdLinks(emu, id, reply.json.userId, reply.json.login),
      );
      expect(refreshed.headers.get('set-cookie')).toBe(`sid=${id};Version=1;Path=/;Secure`);
      const got = await call(emu.url, 'GET', sessionPath(id), { auth: SSWS });
      expect(got.json.expiresAt).toBe(refreshed.json.expiresAt);
    });

    test('the emulator (not Okta) moves a refreshed expiresAt to now + TTL, whole seconds', async () => {
      const { id } = await newSession(emu);
      clock.advance(600.5);
      const refreshed = await call(emu.url, 'POST', refreshPath(id), { auth: SSWS });
      const second = Math.floor(clock.now() / 1000) * 1000;
      expect(refreshed.json.expiresAt).toBe(new Date(second + 7200_000).toISOString());
      clock.advance(0.5);
    });

    test('revokeSession answers 204, then every operation answers 404 E0000007', async () => {
      const { id, cookie } = await newSession(emu);
      const revoked = await call(emu.url, 'DELETE', sessionPath(id), { auth: SSWS });
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      const gone = await call(emu.url, 'GET', sessionPath(id), { auth: SSWS });
      expectOktaError(gone, 404, 'E0000007');
      expect(gone.json.errorSummary).toBe(`Not found: Resource not found: ${id} (AppSession)`);
      expectOktaError(
        await call(emu.url, 'POST', refreshPath(id), { auth: SSWS }),
        404,
        'E0000007',
      );
      expectOktaError(
        await call(emu.url, 'DELETE', sessionPath(id), { auth: SSWS }),
        404,
        'E0000007',
      );
      expectOktaError(await call(emu.url, 'GET', ME, { cookie }), 404, 'E0000007');
    });

    test('an unknown id answers 404 E0000007', async () => {
      expectOktaError(
        await call(emu.url, 'GET', sessionPath('102nope'), { auth: SSWS }),
        404,
        'E0000007',
      );
    });

    test('missing or malformed Authorization: 403 E0000005; a wrong token: 401 E0000011', async () => {
      const { id } = await newSession(emu);
      for (const [method, path] of [
        ['GET', sessionPath(id)],
        ['POST', refreshPath(id)],
        ['DELETE', sessionPath(id)],
      ] as const) {
        const invalid = await call(emu.url, method, path);
        expectOktaError(invalid, 403, 'E0000005');
        expect(invalid.json.errorSummary).toBe('Invalid session');
        for (const auth of ['Basic eDp5', 'SSWS', 'Bearer', 'SSWS a b', 'token x']) {
          expectOktaError(await call(emu.url, method, path, { auth }), 403, 'E0000005');
        }
        expectOktaError(
          await call(emu.url, method, path, { cookie: `sid=${id}` }),
          403,
          'E0000005',
        );
        expectOktaError(await call(emu.url, method, path, { auth: 'SSWS x' }), 401, 'E0000011');
        expectOktaError(await call(emu.url, method, path, { auth: 'Bearer x' }), 401, 'E0000011');
      }
      expect((await call(emu.url, 'GET', sessionPath(id), { auth: SSWS })).status).toBe(200);
    });

    test('SSWS and Bearer are parsed the same way (scheme case, spaces)', async () => {
      const { id } = await newSession(emu);
      for (const auth of [
        `SSWS  ${TOKEN}`,
        `Bearer  at-both`,
        `ssws ${TOKEN}`,
        `bearer at-both`,
        `SSWS ${TOKEN} `,
        `Bearer at-both `,
      ]) {
        const reply = await call(emu.url, 'GET', sessionPath(id), { auth });
        expect([auth, reply.status]).toEqual([auth, 200]);
      }
    });

    test('bearer tokens need the scope the spec names: 403 E0000006 otherwise', async () => {
      const { id } = await newSession(emu);
      const read = { auth: 'Bearer at-read' };
      const manage = { auth: 'Bearer at-manage' };
      expect((await call(emu.url, 'GET', sessionPath(id), read)).status).toBe(200);
      expectOktaError(await call(emu.url, 'GET', sessionPath(id), manage), 403, 'E0000006');
      expectOktaError(await call(emu.url, 'POST', refreshPath(id), read), 403, 'E0000006');
      expectOktaError(await call(emu.url, 'DELETE', sessionPath(id), read), 403, 'E0000006');
      expect((await call(emu.url, 'POST', refreshPath(id), manage)).status).toBe(200);
      expect((await call(emu.url, 'DELETE', sessionPath(id), manage)).status).toBe(204);
      expectOktaError(await call(emu.url, 'GET', sessionPath(id), read), 404, 'E0000007');
    });
  });

  describe('/me operations', () => {
    test('find the session from the sid or idx cookie and ignore Authorization', async () => {
      const { id, reply } = await newSession(emu);
      for (const cookie of [
        `sid=${id}`,
        `idx=${id}`,
        `a=b; sid=${id}; c=d`,
        `sid=bogus; idx=${id}`,
      ]) {
        const me = await call(emu.url, 'GET', ME, { cookie });
        expect(me.status).toBe(200);
        expect(me.json).toEqual(reply.json);
      }
      const withAuth = await call(emu.url, 'GET', ME, { cookie: `sid=${id}`, auth: 'SSWS wrong' });
      expect(withAuth.status).toBe(200);
      expect(withAuth.json._links).toEqual(meLinks(emu, reply.json.login));
    });

    test('without a cookie, or with a stale one, answer 404 E0000007', async () => {
      const none = await call(emu.url, 'GET', ME);
      expectOktaError(none, 404, 'E0000007');
      expect(none.json.errorSummary).toBe('Not found: Resource not found: me (Session)');
      expectOktaError(await call(emu.url, 'GET', ME, { auth: SSWS }), 404, 'E0000007');
      expectOktaError(await call(emu.url, 'GET', ME, { cookie: 'sid=' }), 404, 'E0000007');
      expectOktaError(
        await call(emu.url, 'POST', ME_REFRESH, { cookie: 'sid=x' }),
        404,
        'E0000007',
      );
      expectOktaError(await call(emu.url, 'DELETE', ME, { cookie: 'idx=x' }), 404, 'E0000007');
    });

    test('refreshCurrentSession: expiresAt not earlier, /me links', async () => {
      const { cookie, reply } = await newSession(emu);
      clock.advance(900);
      const refreshed = await call(emu.url, 'POST', ME_REFRESH, { cookie });
      expect(refreshed.status).toBe(200);
      expect(Date.parse(refreshed.json.expiresAt)).toBeGreaterThanOrEqual(
        Date.parse(reply.json.expiresAt),
      );
      expect(refreshed.json._links).toEqual(meLinks(emu, reply.json.login));
    });

    test('closeCurrentSession ends the session (204), later calls answer 404', async () => {
      const { id, cookie } = await newSession(emu);
      const closed = await call(emu.url, 'DELETE', ME, { cookie });
      expect(closed.status).toBe(204);
      expect(closed.headers.get('set-cookie')).toMatch(/^sid=;.*Max-Age=0/);
      expectOktaError(await call(emu.url, 'GET', ME, { cookie }), 404, 'E0000007');
      expectOktaError(await call(emu.url, 'DELETE', ME, { cookie }), 404, 'E0000007');
      expectOktaError(await call(emu.url, 'GET', sessionPath(id), { auth: SSWS }), 404, 'E0000007');
    });
  });

  describe('expiry', () => {
    test('a session expires sessionTtlSeconds after its last refresh', async () => {
      const { id, cookie } = await newSession(emu);
      clock.advance(7000);
      expect((await call(emu.url, 'POST', refreshPath(id), { auth: SSWS })).status).toBe(200);
      clock.advance(7000); // past the original expiry, within the refreshed one
      expect((await call(emu.url, 'GET', ME, { cookie })).status).toBe(200);
      clock.advance(200);
      expectOktaError(await call(emu.url, 'GET', sessionPath(id), { auth: SSWS }), 404, 'E0000007');
      expectOktaError(await call(emu.url, 'GET', ME, { cookie }), 404, 'E0000007');
      expectOktaError(await call(emu.url, 'POST', ME_REFRESH, { cookie }), 404, 'E0000007');
    });
  });

  describe('common headers', () => {
    test('every response has Date, a unique X-Okta-Request-Id and rate-limit headers', async () => {
      const { id } = await newSession(emu);
      const replies = [
        await call(emu.url, 'GET', sessionPath(id), { auth: SSWS }),
        await call(emu.url, 'GET', sessionPath(id)),
        await call(emu.url, 'GET', '/nowhere'),
        await call(emu.url, 'PATCH', CREATE),
        await call(emu.url, 'DELETE', sessionPath(id), { auth: SSWS }),
      ];
      const ids = new Set<string>();
      for (const reply of replies) {
        expect(new Date(reply.headers.get('date') ?? '').getTime()).toBe(
          Math.floor(clock.now() / 1000) * 1000,
        );
        ids.add(reply.headers.get('x-okta-request-id') ?? '');
        expect(reply.headers.get('x-rate-limit-limit')).toBe('600');
        expect(reply.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
        expect(reply.headers.get('x-rate-limit-reset')).toMatch(/^\d+$/);
      }
      expect(ids.size).toBe(replies.length);
      expect(ids.has('')).toBe(false);
    });

    test('every error has a unique errorId', async () => {
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => call(emu.url, 'GET', sessionPath('x'), { auth: SSWS })),
      );
      expect(new Set(replies.map((r) => r.json.errorId)).size).toBe(20);
    });
  });

  describe('bad input', () => {
    const rawRequest = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const url = new URL(emu.url);
        const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
        let data = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });

    test('malformed JSON answers 400 E0000003', async () => {
      expectOktaError(await create(emu, '{"sessionToken":'), 400, 'E0000003');
      expectOktaError(await create(emu, ''), 400, 'E0000003');
    });

    test('JSON that is not an object answers 400 E0000003', async () => {
      for (const body of ['[]', 'null', '"token"', '42']) {
        expectOktaError(await create(emu, body), 400, 'E0000003');
      }
    });

    test('a wrong or missing content type answers 400 E0000003 and leaves the token unused', async () => {
      const sessionToken = await emu.issueSessionToken();
      const body = JSON.stringify({ sessionToken });
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const reply = await call(emu.url, 'POST', CREATE, { auth: SSWS, contentType, body });
        expectOktaError(reply, 400, 'E0000003');
      }
      const noType = await fetch(emu.url + CREATE, {
        method: 'POST',
        headers: { Authorization: SSWS },
        body: new Blob([body]),
      });
      expect(noType.status).toBe(400);
      await noType.text();
      expect((await create(emu, { sessionToken })).status).toBe(200);
    });

    test('an oversized body answers 400 E0000003 (declared length or streamed)', async () => {
      const big = JSON.stringify({ sessionToken: 'x'.repeat(5000) });
      expectOktaError(await create(emu, big), 400, 'E0000003');
      const streamed = await fetch(emu.url + CREATE, {
        method: 'POST',
        headers: { Authorization: SSWS, 'Content-Type': 'application/json' },
        body: Readable.toWeb(Readable.from([Buffer.alloc(800, 32), Buffer.alloc(800, 32)])) as any,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(400);
      expect((await streamed.json()).errorCode).toBe('E0000003');
    });

    test('unknown paths answer 404 E0000007', async () => {
      for (const path of [
        '/',
        '/api/v1/users',
        '/api/v1/sessions/a/b',
        '/api/v1/sessions/%E0%A4%A',
      ]) {
        expectOktaError(await call(emu.url, 'GET', path, { auth: SSWS }), 404, 'E0000007');
      }
    });

    test('GET /api/v1/sessions/ answers 405 E0000022 without rate-limit or request-id headers', async () => {
      for (const auth of [SSWS, undefined]) {
        const reply = await call(emu.url, 'GET', '/api/v1/sessions/', auth ? { auth } : {});
        expectOktaError(reply, 405, 'E0000022');
        expect(reply.headers.get('x-okta-request-id')).toBeNull();
        expect(reply.headers.get('x-rate-limit-limit')).toBeNull();
        expect(reply.headers.get('x-rate-limit-remaining')).toBeNull();
        expect(reply.headers.get('x-rate-limit-reset')).toBeNull();
        expect(reply.headers.get('date')).toBeTruthy();
      }
    });

    test('wrong methods answer 405 E0000022 with Allow', async () => {
      const { id } = await newSession(emu);
      const cases: [string, string, string][] = [
        ['GET', CREATE, 'POST'],
        ['PUT', sessionPath(id), 'GET, DELETE'],
        ['GET', refreshPath(id), 'POST'],
        ['POST', ME, 'GET, DELETE'],
        ['OPTIONS', sessionPath(id), 'GET, DELETE'],
      ];
      for (const [method, path, allow] of cases) {
        const reply = await call(emu.url, method, path, { auth: SSWS });
        expectOktaError(reply, 405, 'E0000022');
        expect(reply.headers.get('allow')).toBe(allow);
      }
    });

    test('garbage that is not HTTP gets an Okta-shaped 400 and the server keeps working', async () => {
      const answer = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toMatch(/\r\nX-Okta-Request-Id: /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).errorCode).toBe('E0000003');
    });

    test('state is intact after all that bad input', async () => {
      const { id, cookie, reply } = await newSession(emu);
      await create(emu, '{oops');
      await create(emu, JSON.stringify({ sessionToken: 'x'.repeat(5000) }));
      await call(emu.url, 'PUT', sessionPath(id), { auth: SSWS, body: 'junk' });
      await call(emu.url, 'GET', `/api/v1/sessions/${id}/../../x`, { auth: SSWS });
      await rawRequest('GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
      const got = await call(emu.url, 'GET', sessionPath(id), { auth: SSWS });
      expect(got.status).toBe(200);
      expect(got.json).toEqual({
        ...reply.json,
        _links: byIdLinks(emu, id, reply.json.userId, reply.json.login),
      });
      expect((await call(emu.url, 'GET', ME, { cookie })).status).toBe(200);
      expect((await newSession(emu)).id).not.toBe(id);
    });
  });

  describe('CORS on /me', () => {
    test.each([ME, ME_REFRESH])(
      'a preflight from a configured origin is allowed (%s)',
      async (path) => {
        const reply = await call(emu.url, 'OPTIONS', path, {
          headers: {
            Origin: ORIGIN,
            'Access-Control-Request-Method': path === ME ? 'DELETE' : 'POST',
            'Access-Control-Request-Headers': 'content-type',
          },
        });
        expect(reply.status).toBe(204);
        expect(reply.headers.get('access-control-allow-origin')).toBe(ORIGIN);
        expect(reply.headers.get('access-control-allow-credentials')).toBe('true');
        expect(reply.headers.get('access-control-allow-methods')).toBe(
          path === ME ? 'GET, DELETE' : 'POST',
        );
        expect(reply.headers.get('access-control-allow-headers')).toBe('content-type');
        expect(reply.headers.get('vary')).toMatch(/Origin/);
        expect(reply.headers.get('x-okta-request-id')).toBeTruthy();
        expect(reply.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
      },
    );

    test('a credentialed request from a configured origin can read the answer', async () => {
      const { cookie } = await newSession(emu);
      for (const c of [cookie, 'sid=stale']) {
        const reply = await call(emu.url, 'GET', ME, { cookie: c, headers: { Origin: ORIGIN } });
        expect(reply.headers.get('access-control-allow-origin')).toBe(ORIGIN);
        expect(reply.headers.get('access-control-allow-credentials')).toBe('true');
        expect(reply.headers.get('access-control-expose-headers')).toMatch(/X-Okta-Request-Id/);
      }
    });

    test('other origins and the by-id paths get no CORS headers', async () => {
      const preflight = await call(emu.url, 'OPTIONS', ME, {
        headers: { Origin: 'http://evil.test', 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const { id } = await newSession(emu);
      const byId = await call(emu.url, 'GET', sessionPath(id), {
        auth: SSWS,
        headers: { Origin: ORIGIN },
      });
      expect(byId.status).toBe(200);
      expect(byId.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

describe('emulator rate limit', () => {
  test('600 per minute by default, in a window that starts with the first request', async () => {
    const clock = testClock(Date.parse('2026-11-29T10:00:10.250Z'));
    const emu = await startEmulator({ apiToken: TOKEN, now: clock.now });
    try {
      const first = await call(emu.url, 'GET', sessionPath('x'), { auth: SSWS });
      expect(first.headers.get('x-rate-limit-limit')).toBe('600');
      expect(first.headers.get('x-rate-limit-remaining')).toBe('599');
      // 10:00:10.250 + 60 s, rounded up: not aligned to the minute
      expect(first.headers.get('x-rate-limit-reset')).toBe(
        String(Date.parse('2026-11-29T10:01:11.000Z') / 1000),
      );
    } finally {
      await emu.close();
    }
  });

  test('answers 429 E0000047 past the limit, one bucket per endpoint group', async () => {
    const clock = testClock(Date.parse('2026-11-29T10:00:10.250Z'));
    const emu = await startEmulator({
      apiToken: TOKEN,
      rateLimit: { limit: 4, windowSeconds: 10 },
      corsOrigins: [ORIGIN],
      now: clock.now,
    });
    try {
      // createSession, getSession, refreshSession and revokeSession share one bucket
      const { id, cookie } = await newSession(emu); // 1
      clock.advance(2);
      const remaining: string[] = [];
      for (const [method, path] of [
        ['GET', sessionPath(id)],
        ['POST', refreshPath(id)],
        ['DELETE', sessionPath(id)],
      ] as const) {
        const r = await call(emu.url, method, path, { auth: SSWS });
        expect(r.status).toBeLessThan(300);
        remaining.push(r.headers.get('x-rate-limit-remaining') ?? '');
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const limited = await call(emu.url, 'GET', sessionPath(id), { auth: SSWS });
      expectOktaError(limited, 429, 'E0000047');
      expect(limited.headers.get('x-rate-limit-limit')).toBe('4');
      expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
      const reset = Number(limited.headers.get('x-rate-limit-reset'));
      const date = Date.parse(limited.headers.get('date') ?? '') / 1000;
      expect(reset).toBe(Date.parse('2026-11-29T10:00:21.000Z') / 1000);
      expect(reset - date).toBe(9);
      // the /me operations have a bucket of their own, whose window starts now
      const me = await call(emu.url, 'GET', ME, { cookie });
      expect(me.status).toBe(404);
      expect(me.headers.get('x-rate-limit-remaining')).toBe('3');
      expect(Number(me.headers.get('x-rate-limit-reset'))).toBe(reset + 2);
      // CORS preflights are not counted
      const preflight = await call(emu.url, 'OPTIONS', ME, {
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('x-rate-limit-remaining')).toBe('3');
      clock.advance(reset - date);
      const again = await call(emu.url, 'GET', sessionPath(id), { auth: SSWS });
      expect(again.status).toBe(404);
      expect(again.headers.get('x-rate-limit-remaining')).toBe('3');
      // a new window from 10:00:21.250, so it resets at 10:00:31.250, rounded up
      expect(Number(again.headers.get('x-rate-limit-reset'))).toBe(reset + 11);
    } finally {
      await emu.close();
    }
  });

  test('a concurrency cap answers 429 with X-Rate-Limit-Limit: 0 while requests are in flight', async () => {
    const emu = await startEmulator({
      apiToken: TOKEN,
      rateLimit: { limit: 100, windowSeconds: 60, concurrency: 1 },
    });
    const socket = connect(Number(new URL(emu.url).port), '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // a createSession whose body never finishes keeps one request in flight
      socket.write(
        `POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: ${SSWS}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const limited = await call(emu.url, 'GET', sessionPath('x'), { auth: SSWS });
      expectOktaError(limited, 429, 'E0000047');
      expect(limited.headers.get('x-rate-limit-limit')).toBe('0');
      expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(Number(limited.headers.get('x-rate-limit-reset'))).toBeGreaterThan(
        Date.parse(limited.headers.get('date') ?? '') / 1000,
      );
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = await call(emu.url, 'GET', sessionPath('x'), { auth: SSWS });
      expect(after.status).toBe(404);
      expect(after.headers.get('x-rate-limit-limit')).toBe('100');
    } finally {
      socket.destroy();
      await emu.close();
    }
  });
});

describe('emulator lifecycle', () => {
  test('close() ends keep-alive connections and later requests fail', async () => {
    const emu = await startEmulator();
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.apiToken.length).toBeGreaterThan(20);
    const { id } = await newSession(emu);
    expect(id).toBeTruthy();
    await emu.close();
    await emu.close(); // idempotent
    await expect(fetch(emu.url + ME)).rejects.toThrow();
  });

  test('rejects invalid options', async () => {
    await expect(startEmulator({ sessionTtlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(startEmulator({ rateLimit: { limit: 1, windowSeconds: 0 } })).rejects.toThrow(
      RangeError,
    );
    await expect(
      startEmulator({ rateLimit: { limit: 1, windowSeconds: 1, concurrency: 0 } }),
    ).rejects.toThrow(RangeError);
    await expect(
      startEmulator({
        users: [
          { login: 'a@example.com', password: 'x' },
          { login: 'A@example.com', password: 'y' },
        ],
      }),
    ).rejects.toThrow(RangeError);
  });
});

describe('emulator: a malformed pipelined request never preempts the response in flight', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0, apiToken: API_TOKEN });
  });
  afterEach(() => emu.close());

  test('a valid createSession and a malformed request on one socket: the 200 arrives, then the 400', async () => {
    const token = emu.issueSessionToken({ login: 'pipelined@example.com' });
    const body = JSON.stringify({ sessionToken: token });
    const host = new URL(emu.url).host;
    const wire =
      `POST /api/v1/sessions HTTP/1.1\r\nHost: ${host}\r\nAuthorization: SSWS ${API_TOKEN}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
      `GET /api/v1/sessions/x HTTP/1.1\r\nHost: ${host}\r\nBad Header\u0000: yes\r\n\r\n`;
    const received = await exchange(emu.url, wire);
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 400]);
    expect(received).toContain('pipelined@example.com');
    expect(received).toContain('E0000003');
  });

  test('a malformed request alone is still answered 400 and closed', async () => {
    const received = await exchange(emu.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 400/);
    expect(received).toContain('E0000003');
  });
});

describe('emulator: an oversized body is refused, then the connection is closed', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0, apiToken: API_TOKEN, maxBodyBytes: 1024 });
  });
  afterEach(() => emu.close());

  test.each([
    ['a declared Content-Length', 'Content-Length: 2147483648'],
    ['a chunked body', 'Transfer-Encoding: chunked'],
  ])(
    'with %s, the emulator stops reading after its 400 and closes the socket soon',
    async (_, framing) => {
      const { port, hostname } = new URL(emu.url);
      const socket = connect(Number(port), hostname);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        `POST /api/v1/sessions HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: SSWS ${API_TOKEN}\r\n` +
          `Content-Type: application/json\r\n${framing}\r\n\r\n`,
      );
      const chunked = framing.includes('chunked');
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const frame = chunked
        ? Buffer.concat([
            Buffer.from(`${chunk.length.toString(16)}\r\n`),
            chunk,
            Buffer.from('\r\n'),
          ])
        : chunk;
      let sent = 0;
      let open = true;
      void closed.then(() => (open = false));
      const started = performance.now();
      // Write as fast as the server takes it, for up to 4 s: a server that keeps reading takes
      // gigabytes in that time; one that stopped takes no more than the socket buffers hold.
      while (open && performance.now() - started < 4_000) {
        if (!socket.write(frame)) {
          await Promise.race([
            new Promise((resolve) => socket.once('drain', resolve)),
            closed,
            new Promise((resolve) => setTimeout(resolve, 250)),
          ]);
        }
        sent += frame.length;
      }
      const elapsed = performance.now() - started;
      socket.destroy();
      expect(received).toMatch(/^HTTP\/1\.1 400/);
      expect(received).toContain('E0000003');
      expect(received).toMatch(/connection: close/i);
      expect(open).toBe(false);
      expect(elapsed).toBeLessThan(3_000);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    },
  );
});
