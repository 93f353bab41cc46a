// Scripted faults of the emulator, from JavaScript (emu.faults) and over HTTP (/__emulator/faults
// with the admin token): what each kind does on the wire, how faults match and count down, and
// that the admin API is absent without a token and refuses requests without it.
import { generateKeyPairSync } from 'node:crypto';
import { OktaSessions } from '../src/index.js';
import { startEmulator, type Emulator, type EmulatorFault } from '../src/emulator/index.js';
import { ADMIN_TOKEN, admin, raw } from './helpers/emulator-admin.js';
import { call, newSession, sessionPath } from './helpers/emulator-http.js';

let emu: Emulator;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const appJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'faults-kid' };

beforeEach(async () => {
  emu = await startEmulator({
    apiToken: 'faults-token',
    adminToken: ADMIN_TOKEN,
    clients: { '0oaFaults': { jwks: [appJwk], scopes: ['okta.sessions.read'], dpop: true } },
  });
});
afterEach(() => emu.close());

const SSWS = { auth: 'SSWS faults-token' };
const get = (id: string) => call(emu.url, 'GET', sessionPath(id), SSWS);
const createWith = (sessionToken: string) =>
  raw(
    `${emu.url}/api/v1/sessions`,
    'POST',
    { Authorization: 'SSWS faults-token', 'Content-Type': 'application/json' },
    JSON.stringify({ sessionToken }),
  );

describe('status faults', () => {
  test('429 twice, then the operation runs: Okta body, spent window, reset after Date', async () => {
    const { id } = await newSession(emu);
    emu.faults.add({
      operationId: 'getSession',
      times: 2,
      action: { kind: 'status', status: 429, resetSeconds: 3 },
    });
    for (let i = 0; i < 2; i++) {
      const reply = await get(id);
      expect(reply.status).toBe(429);
      expect(reply.json).toMatchObject({ errorCode: 'E0000047', errorLink: 'E0000047' });
      expect(reply.json.errorId).toMatch(/^oae.{22}$/);
      expect(reply.headers.get('x-rate-limit-limit')).toBe('600');
      expect(reply.headers.get('x-rate-limit-remaining')).toBe('0');
      const date = Date.parse(reply.headers.get('date')!) / 1000;
      expect(Number(reply.headers.get('x-rate-limit-reset'))).toBe(date + 3);
      expect(reply.headers.get('x-okta-request-id')).toBeTruthy();
    }
    expect((await get(id)).status).toBe(200);
    expect(emu.faults.list()).toEqual([]);
  });

  test.each([
    [401, 'E0000011'],
    [403, 'E0000006'],
    [404, 'E0000007'],
    [500, 'E0000009'],
    [502, 'E0000009'],
    [503, 'E0000009'],
    [504, 'E0000009'],
  ] as const)('%i answers with the error body %s instead of running', async (status, code) => {
    const token = emu.issueSessionToken();
    emu.faults.add({ operationId: 'createSession', action: { kind: 'status', status } });
    const reply = await createWith(token);
    if ('error' in reply) throw reply.error;
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.text)).toMatchObject({ errorCode: code });
    // Not counted against the bucket (this is its first request).
    expect(reply.headers['x-rate-limit-remaining']).toBe('600');
    // The operation did not run: the session token is still good.
    expect((await createWith(token)) as { status: number }).toMatchObject({ status: 200 });
  });

  test("'concurrency' is Okta's concurrency 429: Limit 0, Remaining 0", async () => {
    const { id } = await newSession(emu);
    emu.faults.add({ action: { kind: 'concurrency' } });
    const reply = await get(id);
    expect(reply.status).toBe(429);
    expect(reply.json.errorCode).toBe('E0000047');
    expect(reply.headers.get('x-rate-limit-limit')).toBe('0');
    expect(reply.headers.get('x-rate-limit-remaining')).toBe('0');
  });
});

describe('matching and counting', () => {
  test('by method and path template, by session, by user; first added first', async () => {
    const a = await newSession(emu, { login: 'a@example.com' });
    const b = await newSession(emu, { login: 'b@example.com' });
    const userOfB = b.reply.json.userId as string;
    emu.faults.add({ sessionId: a.id, action: { kind: 'status', status: 404 } });
    emu.faults.add({ userId: userOfB, action: { kind: 'status', status: 403 } });
    emu.faults.add({
      method: 'get',
      path: '/api/v1/sessions/{sessionId}',
      times: 'always',
      action: { kind: 'status', status: 500 },
    });
    // b is not a's session: the user fault (second) acts, not the session one.
    expect((await get(b.id)).status).toBe(403);
    expect((await get(a.id)).status).toBe(404);
    // Both one-shot faults are spent; the 'always' one stays.
    expect((await get(a.id)).status).toBe(500);
    expect((await get(b.id)).status).toBe(500);
    expect(emu.faults.list()).toEqual([
      {
        method: 'GET',
        path: '/api/v1/sessions/{sessionId}',
        times: 'always',
        action: { kind: 'status', status: 500 },
      },
    ]);
    // Another operation on the same path is not matched.
    expect((await call(emu.url, 'DELETE', sessionPath(a.id), SSWS)).status).toBe(204);
    emu.faults.clear();
    expect((await get(b.id)).status).toBe(200);
  });

  test('a session fault follows its cookie on the /me operations', async () => {
    const a = await newSession(emu);
    const b = await newSession(emu);
    emu.faults.add({ sessionId: a.id, times: 'always', action: { kind: 'status', status: 503 } });
    const me = (cookie: string) => call(emu.url, 'GET', '/api/v1/sessions/me', { cookie });
    expect((await me(b.cookie)).status).toBe(200);
    expect((await me(a.cookie)).status).toBe(503);
  });

  test.each<[string, unknown]>([
    ['no action', {}],
    ['an unknown kind', { action: { kind: 'explode' } }],
    ['a status Okta does not fault with', { action: { kind: 'status', status: 418 } }],
    ['times 0', { times: 0, action: { kind: 'concurrency' } }],
    ['a negative delay', { action: { kind: 'delay', ms: -1 } }],
    ['an unknown reset phase', { action: { kind: 'reset', phase: 'later' } }],
    ['an empty operation id', { operationId: '', action: { kind: 'concurrency' } }],
    [
      'an operation id the emulator does not serve (a typo)',
      { operationId: 'getSesion', action: { kind: 'concurrency' } },
    ],
  ])('refuses %s with a RangeError', (_, fault) => {
    expect(() => emu.faults.add(fault as EmulatorFault)).toThrow(RangeError);
    expect(emu.faults.list()).toEqual([]);
  });
});

describe('answers that go wrong on the wire', () => {
  test("'delay' before headers holds the whole answer", async () => {
    const { id } = await newSession(emu);
    emu.faults.add({ operationId: 'getSession', action: { kind: 'delay', ms: 400 } });
    const reply = await raw(`${emu.url}${sessionPath(id)}`, 'GET', { Authorization: SSWS.auth });
    if ('error' in reply) throw reply.error;
    expect(reply.status).toBe(200);
    expect(reply.headersAfter).toBeGreaterThanOrEqual(390);
    expect(JSON.parse(reply.text).id).toBe(id);
  });

  test("'delay' mid-body sends headers and half the body, then the rest", async () => {
    const { id } = await newSession(emu);
    emu.faults.add({
      operationId: 'getSession',
      action: { kind: 'delay', ms: 400, phase: 'body' },
    });
    const reply = await raw(`${emu.url}${sessionPath(id)}`, 'GET', { Authorization: SSWS.auth });
    if ('error' in reply) throw reply.error;
    expect(reply.headersAfter).toBeLessThan(300);
    expect(reply.bodyAfter).toBeGreaterThanOrEqual(390);
    expect(JSON.parse(reply.text).id).toBe(id);
  });

  test("'reset' before the request is read: an error, and nothing happened", async () => {
    const token = emu.issueSessionToken();
    emu.faults.add({ operationId: 'createSession', action: { kind: 'reset' } });
    const reply = await createWith(token);
    expect('error' in reply && reply.error.code).toMatch(/ECONNRESET|EPIPE/);
    expect(await createWith(token)).toMatchObject({ status: 200 });
  });

  test("'reset' after the request is read: an error, and the operation took effect", async () => {
    const token = emu.issueSessionToken();
    emu.faults.add({
      operationId: 'createSession',
      action: { kind: 'reset', phase: 'after-read' },
    });
    const reply = await createWith(token);
    expect('error' in reply && reply.error.code).toBe('ECONNRESET');
    // The token was spent by the session the client never heard of.
    expect(await createWith(token)).toMatchObject({ status: 401 });
  });

  test("'malformed-body' keeps status and headers, cuts the JSON", async () => {
    const { id } = await newSession(emu);
    emu.faults.add({ sessionId: id, action: { kind: 'malformed-body' } });
    const reply = await raw(`${emu.url}${sessionPath(id)}`, 'GET', { Authorization: SSWS.auth });
    if ('error' in reply) throw reply.error;
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(reply.text));
    expect(reply.text.startsWith('{"id":')).toBe(true);
    expect(() => JSON.parse(reply.text)).toThrow(SyntaxError);
  });
});

describe('a service app under token faults (our client as the subject)', () => {
  const client = () =>
    new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaFaults',
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      keyId: 'faults-kid',
      scopes: ['okta.sessions.read'],
    });

  test.each(['expired', 'revoked'] as const)(
    'an %s access token is answered 401 invalid_token and forgotten',
    async (state) => {
      const { id } = await newSession(emu);
      const okta = client();
      await okta.getSession(id); // a token in the client's cache
      emu.faults.add({ operationId: 'getSession', action: { kind: 'access-token', state } });
      // The client sees invalid_token, fetches a new token and repeats: the call succeeds.
      expect((await okta.getSession(id)).id).toBe(id);
    },
  );

  test('the token fault is a real refusal: a raw DPoP call gets the challenge', async () => {
    const { id } = await newSession(emu);
    emu.faults.add({
      operationId: 'getSession',
      action: { kind: 'access-token', state: 'expired' },
    });
    const reply = await call(emu.url, 'GET', sessionPath(id), { auth: 'DPoP some-token' });
    expect(reply.status).toBe(401);
    expect(reply.json.errorCode).toBe('E0000011');
    expect(reply.headers.get('www-authenticate')).toMatch(
      /^DPoP algs="[^"]+", error="invalid_token", error_description="The access token is expired\."$/,
    );
  });

  test("'dpop-nonce' challenges once with a new DPoP-Nonce; the client repeats with it", async () => {
    const { id } = await newSession(emu);
    emu.faults.add({ operationId: 'getSession', action: { kind: 'dpop-nonce' } });
    const challenged = await call(emu.url, 'GET', sessionPath(id), { auth: 'DPoP x' });
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('www-authenticate')).toMatch(/error="use_dpop_nonce"/);
    expect(challenged.headers.get('dpop-nonce')).toMatch(/^[\w-]{20,}$/);

    emu.faults.add({ operationId: 'token', action: { kind: 'dpop-nonce' } });
    emu.faults.add({ operationId: 'getSession', action: { kind: 'dpop-nonce' } });
    expect((await client().getSession(id)).id).toBe(id);
    expect(emu.faults.list()).toEqual([]);
  });
});

describe('our client against scripted faults', () => {
  test('429 twice, then success: the client waits out each reset and succeeds', async () => {
    const { id } = await newSession(emu);
    emu.faults.add({
      operationId: 'getSession',
      times: 2,
      action: { kind: 'status', status: 429, resetSeconds: 0 },
    });
    const retries: number[] = [];
    const okta = new OktaSessions({
      orgUrl: emu.url,
      apiToken: emu.apiToken,
      onRetry: (info) => retries.push(info.status ?? 0),
    });
    const started = performance.now();
    expect((await okta.getSession(id)).id).toBe(id);
    expect(retries).toEqual([429, 429]);
    // reset − Date + 1 s each time, as Okta documents the wait.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1500);
  });
});

describe('the HTTP admin API', () => {
  test('scripts, lists and clears faults with the admin token', async () => {
    const { id } = await newSession(emu);
    const added = await admin(emu.url, 'POST', 'faults', [
      { operationId: 'getSession', times: 2, action: { kind: 'status', status: 503 } },
      { path: sessionPath(id), action: { kind: 'concurrency' } },
    ]);
    expect(added.status).toBe(200);
    expect(added.headers.get('cache-control')).toBe('no-store');
    expect(added.json.faults).toHaveLength(2);
    expect((await get(id)).status).toBe(503);
    expect((await admin(emu.url, 'GET', 'faults')).json.faults[0].times).toBe(1);
    expect((await admin(emu.url, 'DELETE', 'faults')).status).toBe(204);
    expect((await get(id)).status).toBe(200);
  });

  test('an unknown operation id is 400 and names the ones there are', async () => {
    const reply = await admin(emu.url, 'POST', 'faults', {
      operationId: 'getSesion',
      action: { kind: 'concurrency' },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.message).toMatch(/^fault\.operationId "getSesion" is none of /);
    for (const id of ['getSession', 'revokeUserSessions', 'token', 'primaryAuthentication'])
      expect(reply.json.message).toContain(id);
  });

  test('a bad fault is 400 and adds nothing, not even the good ones beside it', async () => {
    const reply = await admin(emu.url, 'POST', 'faults', [
      { action: { kind: 'concurrency' } },
      { action: { kind: 'status', status: 200 } },
    ]);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      error: 'invalid_fault',
      message: 'fault.action.status must be one of 401, 403, 404, 429, 500, 502, 503, 504',
    });
    expect(emu.faults.list()).toEqual([]);
    expect((await admin(emu.url, 'POST', 'faults', 'not json', null)).status).toBe(401);
  });

  test.each([
    ['no Authorization', null],
    ['the API token', 'SSWS faults-token'],
    ['a wrong admin token', `Bearer ${ADMIN_TOKEN}x`],
    ['the token under another scheme', `SSWS ${ADMIN_TOKEN}`],
  ])('refuses %s with 401 and never echoes a token', async (_, auth) => {
    const reply = await admin(emu.url, 'POST', 'faults', { action: { kind: 'concurrency' } }, auth);
    expect(reply.status).toBe(401);
    expect(reply.json.error).toBe('unauthorized');
    expect(reply.text).not.toContain(ADMIN_TOKEN);
    expect(emu.faults.list()).toEqual([]);
  });

  test('unknown admin paths are 404 and wrong methods 405', async () => {
    expect((await admin(emu.url, 'GET', 'nothing-here')).status).toBe(404);
    const wrong = await admin(emu.url, 'PUT', 'faults', {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  test('is absent without an admin token: 404 like any unknown path, even with a Bearer', async () => {
    const plain = await startEmulator({ apiToken: 'faults-token' });
    try {
      for (const auth of [null, `Bearer ${ADMIN_TOKEN}`]) {
        const reply = await admin(plain.url, 'POST', 'faults', { action: { kind: 'reset' } }, auth);
        const unknown = await call(plain.url, 'POST', '/no/such/path', SSWS);
        expect(reply.status).toBe(404);
        expect(reply.json.errorCode).toBe('E0000007');
        expect(reply.json.errorSummary).toBe(
          'Not found: Resource not found: /__emulator/faults (URI)',
        );
        expect(unknown.json.errorCode).toBe('E0000007');
      }
      expect(plain.faults.list()).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  test('refuses an admin token shorter than 8 characters', async () => {
    await expect(startEmulator({ adminToken: 'short' })).rejects.toThrow(RangeError);
  });
});
