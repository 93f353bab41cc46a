// The emulator's controllable clock (emu.clock.advance, POST /__emulator/clock): sessions, session
// tokens, access tokens and rate windows follow it; client assertions and DPoP proofs stay on
// real time, so a service app keeps working after an advance.
import { generateKeyPairSync } from 'node:crypto';
import { OktaSessions } from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { ADMIN_TOKEN, admin } from './helpers/emulator-admin.js';
import { call, newSession, sessionPath } from './helpers/emulator-http.js';

const HOUR = 3600_000;
let emu: Emulator;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

beforeEach(async () => {
  emu = await startEmulator({
    apiToken: 'clock-token',
    adminToken: ADMIN_TOKEN,
    rateLimit: { limit: 2, windowSeconds: 60 },
    clients: {
      '0oaClock': {
        jwks: [{ ...publicKey.export({ format: 'jwk' }), kid: 'clock-kid' }],
        scopes: ['okta.sessions.read'],
        dpop: true,
      },
    },
  });
});
afterEach(() => emu.close());

const SSWS = { auth: 'SSWS clock-token' };
const get = (id: string) => call(emu.url, 'GET', sessionPath(id), SSWS);

test('sessions expire, session tokens lapse and Date moves when the clock advances', async () => {
  const { id } = await newSession(emu);
  const token = emu.issueSessionToken();
  const before = Date.parse((await get(id)).headers.get('date')!);
  // Sessions keep whole seconds: two seconds short of the 2 h lifetime is safely before it.
  emu.clock.advance(2 * HOUR - 2000);
  const later = await get(id);
  expect(later.status).toBe(200);
  expect(Date.parse(later.headers.get('date')!) - before).toBeGreaterThanOrEqual(2 * HOUR - 3000);
  emu.clock.advance(2000);
  expect((await get(id)).status).toBe(404);
  emu.clock.advance(60_000); // a new rate-limit window (limit 2 in this file)
  const create = await call(emu.url, 'POST', '/api/v1/sessions', {
    ...SSWS,
    contentType: 'application/json',
    body: JSON.stringify({ sessionToken: token }),
  });
  expect([create.status, create.json.errorCode]).toEqual([401, 'E0000004']);
});

test('a spent rate-limit window resets when the clock passes it', async () => {
  const { id } = await newSession(emu);
  expect((await get(id)).status).toBe(200);
  expect((await get(id)).status).toBe(429);
  emu.clock.advance(60_000);
  expect((await get(id)).status).toBe(200);
});

test('a DPoP service app keeps working after its token expired by the clock', async () => {
  const okta = new OktaSessions({
    orgUrl: emu.url,
    clientId: '0oaClock',
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    keyId: 'clock-kid',
    scopes: ['okta.sessions.read'],
  });
  const again = await newSession(emu);
  expect((await okta.getSession(again.id)).id).toBe(again.id);
  // An hour and a bit on: the access token has expired (1 h lifetime) and the window reset; the
  // client's new assertion and proofs carry real time and are still accepted.
  emu.clock.advance(HOUR + 60_000);
  expect((await okta.getSession(again.id)).id).toBe(again.id);
  const tokenRequests = emu.requests().filter((r) => r.operationId === 'token');
  // The first one learns the DPoP nonce (400 use_dpop_nonce, as Okta); none is refused after.
  expect(tokenRequests.map((r) => r.status)).toEqual([400, 200, 200]);
  expect(tokenRequests.every((r) => r.credential === 'clientAssertion' && r.dpopProof)).toBe(true);
  // No client assertion or DPoP proof (JWTs: `eyJ…`) in the journal, only their kinds.
  expect(JSON.stringify(emu.requests())).not.toMatch(/eyJ/);
});

test("advances add to the `now` option's time, which keeps moving on its own", async () => {
  let base = Date.parse('2026-11-29T10:00:00.000Z');
  const own = await startEmulator({ now: () => base });
  try {
    own.clock.advance(5000);
    expect(own.clock.now()).toBe(base + 5000);
    base += 1000;
    expect(own.clock.now()).toBe(Date.parse('2026-11-29T10:00:06.000Z'));
    expect(() => own.clock.advance(-1)).toThrow(RangeError);
    expect(() => own.clock.advance(1.5)).toThrow(RangeError);
    own.reset();
    expect(own.clock.now()).toBe(base);
  } finally {
    await own.close();
  }
});

test('POST /__emulator/clock advances it over HTTP; GET reads it', async () => {
  const start = Date.parse((await admin(emu.url, 'GET', 'clock')).json.now);
  const reply = await admin(emu.url, 'POST', 'clock', { advanceMs: 2 * HOUR });
  expect(reply.status).toBe(200);
  expect(Date.parse(reply.json.now) - start).toBeGreaterThanOrEqual(2 * HOUR);
  expect(Date.parse(reply.json.now) - start).toBeLessThan(2 * HOUR + 5000);
  const bad = await admin(emu.url, 'POST', 'clock', { advanceMs: -5 });
  expect([bad.status, bad.json.error]).toEqual([400, 'invalid_clock']);
  expect((await admin(emu.url, 'POST', 'clock', {}, null)).status).toBe(401);
});
