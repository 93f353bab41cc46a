// The SDK against the emulator: every operation, both credentials, scopes, and a real 429.
import {
  OktaAuthenticationError,
  OktaForbiddenError,
  OktaNotFoundError,
  OktaSessions,
  type RetryInfo,
} from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    apiToken: 'integration-api-token',
    accessTokens: {
      'at-read': ['okta.sessions.read'],
      'at-all': ['okta.sessions.read', 'okta.sessions.manage'],
    },
  });
});
afterAll(() => emu.close());

const admin = () => new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });

test('the whole lifecycle, by id and by cookie', async () => {
  const okta = admin();
  const created = await okta.createSession({
    sessionToken: emu.issueSessionToken({ login: 'ada@example.com' }),
  });
  expect(created).toMatchObject({ login: 'ada@example.com', status: 'ACTIVE' });
  expect(created.createdAt).toBeInstanceOf(Date);
  const id = created.id;

  expect((await okta.getSession(id)).id).toBe(id);
  const refreshed = await okta.refreshSession(id);
  expect(refreshed.expiresAt.getTime()).toBeGreaterThanOrEqual(created.expiresAt.getTime());

  const cookieOnly = new OktaSessions({ orgUrl: emu.url, credentials: 'include' });
  expect((await cookieOnly.getCurrentSession({ cookie: `sid=${id}` })).id).toBe(id);
  expect((await cookieOnly.refreshCurrentSession({ cookie: `sid=${id}` })).id).toBe(id);
  await cookieOnly.closeCurrentSession({ cookie: `sid=${id}` });
  await expect(okta.getSession(id)).rejects.toBeInstanceOf(OktaNotFoundError);
  await expect(cookieOnly.getSession(id)).rejects.toThrow(/getSession needs an API token/);
});

test('revokeSession ends a session; a session token works once', async () => {
  const okta = admin();
  const token = emu.issueSessionToken();
  const { id } = await okta.createSession({ sessionToken: token });
  await expect(okta.createSession({ sessionToken: token })).rejects.toBeInstanceOf(
    OktaAuthenticationError,
  );
  await okta.revokeSession(id!);
  await expect(okta.refreshSession(id!)).rejects.toBeInstanceOf(OktaNotFoundError);
});

test('access tokens: scopes decide, as the spec says', async () => {
  const { id } = await admin().createSession({ sessionToken: emu.issueSessionToken() });
  const reader = new OktaSessions({ orgUrl: emu.url, accessToken: 'at-read' });
  expect((await reader.getSession(id!)).id).toBe(id);
  await expect(reader.revokeSession(id!)).rejects.toBeInstanceOf(OktaForbiddenError);
  const manager = new OktaSessions({ orgUrl: emu.url, accessToken: async () => 'at-all' });
  await manager.revokeSession(id!);
  await expect(
    new OktaSessions({ orgUrl: emu.url, accessToken: 'nope' }).getSession(id!),
  ).rejects.toBeInstanceOf(OktaAuthenticationError);
});

test('a 429 from the emulator is waited out and retried with Okta retry headers', async () => {
  const limited = await startEmulator({
    port: 0,
    apiToken: 't',
    rateLimit: { limit: 2, windowSeconds: 1 },
  });
  try {
    const retries: RetryInfo[] = [];
    const okta = new OktaSessions({
      orgUrl: limited.url,
      apiToken: 't',
      onRetry: (i) => retries.push(i),
    });
    const { id } = await okta.createSession({ sessionToken: limited.issueSessionToken() });
    // Two requests per epoch-aligned second: within six calls one must meet a spent window,
    // however the calls fall across window boundaries.
    const started = Date.now();
    for (let i = 0; i < 6 && retries.length === 0; i++) {
      expect((await okta.getSession(id!)).id).toBe(id);
    }
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ reason: 'rate-limit', status: 429, attempt: 1 });
    expect(retries[0]!.delayMs).toBeGreaterThan(0);
    // (reset − Date) + 1 s: the window starts with the first request and its reset is rounded up
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(3_000);
    expect(Date.now() - started).toBeLessThan(8_000);
  } finally {
    await limited.close();
  }
});
