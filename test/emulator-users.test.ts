// The emulator's revokeUserSessions: sessions belong to users, and ending a user's sessions
// ends those and no other; unknown users answer 404; the query is recorded, not modelled; the
// users endpoints have their own rate-limit bucket.
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { call, newSession, sessionPath, type Reply } from './helpers/emulator-http.js';

const ANA = { login: 'ana@example.com', password: 'ana-password', userId: '00uAna' };
const BO = { login: 'bo@example.com', password: 'bo-password' };

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ apiToken: 'users-token', users: [ANA, BO] });
});
afterEach(() => emu.close());

const SSWS = { auth: 'SSWS users-token' };

/** Signs `user` in through /api/v1/authn and exchanges the token: a session id and its user id. */
async function signIn(user: { login: string; password: string }) {
  const authn = await call(emu.url, 'POST', '/api/v1/authn', {
    contentType: 'application/json',
    body: JSON.stringify({ username: user.login, password: user.password }),
  });
  const created = await call(emu.url, 'POST', '/api/v1/sessions', {
    ...SSWS,
    contentType: 'application/json',
    body: JSON.stringify({ sessionToken: authn.json.sessionToken }),
  });
  return { id: created.json.id as string, userId: created.json.userId as string };
}

const revoke = (userId: string, query = ''): Promise<Reply> =>
  call(emu.url, 'DELETE', `/api/v1/users/${encodeURIComponent(userId)}/sessions${query}`, SSWS);
const statusOf = async (id: string) => (await call(emu.url, 'GET', sessionPath(id), SSWS)).status;

test("ends every session of the user, and none of anyone else's", async () => {
  const ana1 = await signIn(ANA);
  const ana2 = await signIn(ANA);
  const bo = await signIn(BO);
  expect([ana1.userId, ana2.userId]).toEqual(['00uAna', '00uAna']);
  expect(bo.userId).toMatch(/^00u/);

  const reply = await revoke('00uAna');
  expect([reply.status, reply.text]).toEqual([204, '']);
  expect(await Promise.all([ana1, ana2, bo].map((s) => statusOf(s.id)))).toEqual([404, 404, 200]);
  expect(emu.userSessionsRevocations()).toEqual([
    { userId: '00uAna', oauthTokens: undefined, forgetDevices: undefined, ended: 2 },
  ]);
  // Ending them again finds none; the user is still known.
  expect((await revoke('00uAna')).status).toBe(204);
  expect(emu.userSessionsRevocations()[1]?.ended).toBe(0);
});

test('records oauthTokens and forgetDevices as sent, without modelling them', async () => {
  await signIn(BO);
  const { userId } = await signIn(BO);
  expect((await revoke(userId, '?oauthTokens=true&forgetDevices=false')).status).toBe(204);
  expect(emu.userSessionsRevocations()).toEqual([
    { userId, oauthTokens: 'true', forgetDevices: 'false', ended: 2 },
  ]);
});

test('users of `users` who never signed in, and the logins issueSessionToken makes up, are known', async () => {
  expect((await revoke('00uAna')).status).toBe(204);
  const made = await newSession(emu); // a made-up user<n>@example.com
  const userId = made.reply.json.userId as string;
  expect((await revoke(userId)).status).toBe(204);
  expect(await statusOf(made.id)).toBe(404);
});

test('a user id it never issued answers 404 E0000007 naming a User, and ends nothing', async () => {
  const ana = await signIn(ANA);
  const reply = await revoke('00uNobody');
  expect(reply.status).toBe(404);
  expect(reply.json).toMatchObject({
    errorCode: 'E0000007',
    errorSummary: 'Not found: Resource not found: 00uNobody (User)',
  });
  expect(await statusOf(ana.id)).toBe(200);
  expect(emu.userSessionsRevocations()).toEqual([]);
});

test('the users endpoints have a rate-limit bucket of their own, as on Okta', async () => {
  const limited = await startEmulator({
    apiToken: 'users-token',
    users: [ANA],
    rateLimit: { limit: 2, windowSeconds: 60 },
  });
  try {
    const path = '/api/v1/users/00uAna/sessions';
    const first = await call(limited.url, 'DELETE', path, SSWS);
    const second = await call(limited.url, 'DELETE', path, SSWS);
    const third = await call(limited.url, 'DELETE', path, SSWS);
    expect([first.status, second.status, third.status]).toEqual([204, 204, 429]);
    expect(third.json.errorCode).toBe('E0000047');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('1');
    // The sessions bucket is untouched by them.
    const other = await call(limited.url, 'GET', sessionPath('102none'), SSWS);
    expect([other.status, other.headers.get('x-rate-limit-remaining')]).toEqual([404, '1']);
  } finally {
    await limited.close();
  }
});
