// okta.revokeUserSessions: end to end against the emulator, on the wire next to the official
// Node SDK, and its checks before any I/O, retries and rate-limit bucket.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@okta/okta-sdk-nodejs';
import {
  OktaConfigError,
  OktaNotFoundError,
  OktaSessions,
  OktaValidationError,
  type RateLimitStore,
} from '../src/index.js';
import { API_TOKEN, T, dateAt, harness, rateLimited, rejection } from './helpers/fetch-harness.js';
import { clockedHarness } from './helpers/clocked-client.js';
import { valueOf } from './helpers/faults-expect.js';
import { rsaKey } from './helpers/oauth-jwt.js';
import { twoUsersSignedIn } from './helpers/two-users.js';
import { slot } from './helpers/slots.js';

const USER_ID = '00u1abcdEFGHijklm0h7';
const noContent = () => new Response(null, { status: 204 });

describe('end to end against the emulator', () => {
  test("two users signed in through authn: exactly the first user's sessions end", async () => {
    const signedIn = await twoUsersSignedIn('e2e-token');
    try {
      const okta = new OktaSessions({ orgUrl: signedIn.emu.url, apiToken: 'e2e-token' });
      expect(await signedIn.statuses()).toEqual({ ana: [200, 200], bo: [200] });
      await expect(okta.revokeUserSessions(signedIn.anaId)).resolves.toBeUndefined();
      expect(await signedIn.statuses()).toEqual({ ana: [404, 404], bo: [200] });
      await expect(okta.getSession(signedIn.sessions.bo[0]!)).resolves.toMatchObject({
        userId: signedIn.boId,
      });
      const unknown = await rejection(okta.revokeUserSessions('00uNobody'));
      expect(unknown).toBeInstanceOf(OktaNotFoundError);
      expect(unknown).toMatchObject({ errorCode: 'E0000007' });
    } finally {
      await signedIn.emu.close();
    }
  });
});

describe('on the wire, as the official Node SDK sends it', () => {
  interface Seen {
    method: string | undefined;
    url: string | undefined;
    authorization: string | undefined;
  }
  let server: Server;
  let orgUrl: string;
  const seen: Seen[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      res.writeHead(204, {
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '599',
        'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 60),
      });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    orgUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test.each([
    ['no options', {}],
    ['oauthTokens: true', { oauthTokens: true }],
    ['both options', { oauthTokens: false, forgetDevices: false }],
    ['both options, the other way', { oauthTokens: true, forgetDevices: true }],
  ])('%s: same method, path, query and authorization', async (_, args) => {
    const sdk = new Client({
      orgUrl,
      token: API_TOKEN,
      cacheMiddleware: null,
      testing: { disableHttpsCheck: true },
    } as never);
    const okta = new OktaSessions({ orgUrl, apiToken: API_TOKEN });
    seen.length = 0;
    await sdk.userApi.revokeUserSessions({ userId: USER_ID, ...args });
    await okta.revokeUserSessions(USER_ID, args);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]?.method).toBe('DELETE');
    expect(seen[1]?.authorization).toBe(`SSWS ${API_TOKEN}`);
  });

  test('the query holds only what the caller set, as true/false, in the official order', async () => {
    const okta = new OktaSessions({ orgUrl, apiToken: API_TOKEN });
    seen.length = 0;
    await okta.revokeUserSessions(USER_ID);
    await okta.revokeUserSessions(USER_ID, { oauthTokens: true });
    await okta.revokeUserSessions(USER_ID, { forgetDevices: false, oauthTokens: false });
    await okta.revokeUserSessions(USER_ID, { oauthTokens: undefined, forgetDevices: true });
    expect(seen.map((s) => s.url)).toEqual([
      `/api/v1/users/${USER_ID}/sessions`,
      `/api/v1/users/${USER_ID}/sessions?oauthTokens=true`,
      `/api/v1/users/${USER_ID}/sessions?oauthTokens=false&forgetDevices=false`,
      `/api/v1/users/${USER_ID}/sessions?forgetDevices=true`,
    ]);
  });
});

describe('before any I/O', () => {
  test.each([
    ['empty', '', 'must not be empty'],
    ['me (the API token owner)', 'me', '"me" is not a user id'],
    ['ME', 'ME', '"ME" is not a user id'],
    ['..', '..', '".." is not a user id'],
    ['a control character', '00u\n1', 'contains control characters'],
    ['padded', ' 00u1', 'has leading or trailing whitespace'],
    ['not a string', 42, 'expected a string, got a number'],
    ['too long', 'x'.repeat(257), 'longer than 256 characters'],
  ])('a userId that is %s is refused', async (_, userId, message) => {
    const h = harness([noContent()]);
    const err = await rejection(h.okta.revokeUserSessions(userId as string));
    expect(err).toBeInstanceOf(OktaValidationError);
    expect((err as Error).message).toBe(`Invalid userId: ${message}`);
    expect(h.requests).toHaveLength(0);
  });

  test.each([
    ['oauthTokens', { oauthTokens: 'true' }],
    ['forgetDevices', { forgetDevices: 0 }],
  ])('%s must be a boolean', async (name, args) => {
    const h = harness([noContent()]);
    const err = await rejection(h.okta.revokeUserSessions(USER_ID, args as never));
    expect(err).toBeInstanceOf(OktaValidationError);
    expect((err as Error).message).toBe(`Invalid ${name}: expected true, false or undefined`);
    expect(h.requests).toHaveLength(0);
  });

  test('a userId is encoded into one path segment', async () => {
    const h = harness([noContent()]);
    await h.okta.revokeUserSessions('a/b?c');
    expect(new URL(h.requests[0]!.url).pathname).toBe('/api/v1/users/a%2Fb%3Fc/sessions');
  });

  describe('a service app', () => {
    const key = rsaKey('users-kid');
    // The throttle's store is asked before anything is sent: a refusal must come before it too.
    const asked: string[] = [];
    const store: RateLimitStore = {
      reserve: (bucket) => {
        asked.push(bucket.group);
        return slot();
      },
      record: () => undefined,
    };
    beforeEach(() => (asked.length = 0));
    const app = (scopes?: string[]) => {
      const h = harness([noContent(), noContent()], {
        throttle: { store },
        apiToken: undefined,
        clientId: '0oaUsersApp',
        privateKey: key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
        keyId: 'users-kid',
        ...(scopes ? { scopes } : {}),
      });
      return h;
    };

    test.each([
      ['default scopes (the session operations)', undefined],
      ['scopes without okta.users.manage', ['okta.sessions.manage', 'okta.sessions.read']],
    ])('with %s is refused before any I/O, saying what to add', async (_, scopes) => {
      const h = app(scopes);
      const err = await rejection(h.okta.revokeUserSessions(USER_ID));
      expect(err).toBeInstanceOf(OktaConfigError);
      expect((err as Error).message).toMatch(
        /^revokeUserSessions needs the OAuth scope okta\.users\.manage, which this service app does not ask for \(its scopes: okta\.sessions\.\w+ okta\.sessions\.\w+\)\. Add okta\.users\.manage to scopes .* and grant it to the app in Okta/,
      );
      expect(h.requests).toHaveLength(0);
      expect(asked).toEqual([]);
    });

    test('that asks for okta.users.manage goes ahead (its token request is the first I/O)', async () => {
      const h = app(['okta.users.manage']);
      // The scripted 204 is no token answer: the call fails, but only after asking for a token.
      await rejection(h.okta.revokeUserSessions(USER_ID));
      expect(h.requests.length).toBeGreaterThan(0);
      expect(new URL(h.requests[0]!.url).pathname).toBe('/oauth2/v1/token');
      expect(new URLSearchParams(await h.requests[0]!.text()).get('scope')).toBe(
        'okta.users.manage',
      );
    });

    test("asks for the session operations' scopes by default, not okta.users.manage", async () => {
      const h = app();
      await rejection(h.okta.getSession('102abc'));
      const scope = new URLSearchParams(await h.requests[0]!.text()).get('scope');
      expect(scope?.split(' ').sort()).toEqual(['okta.sessions.manage', 'okta.sessions.read']);
    });
  });
});

describe('retries and rate limits', () => {
  test.each([
    // The 429 waits exactly reset − Date + 1 s; the 503 a jittered backoff.
    ['429', () => rateLimited({ date: dateAt(T), 'x-rate-limit-reset': String(T + 1) }), 2_000],
    ['503', () => new Response('', { status: 503, headers: { 'retry-after': '1' } }), undefined],
  ])('a %s is retried, as revokeSession is', async (_, failure, exactWait) => {
    // On the pipeline's clock, started at the 429's Date: the waits are exact, none real.
    const h = clockedHarness([failure(), noContent()], { retry: { maxDelayMs: 5_000 } }, T * 1000);
    const { outcome, waits } = await h.run((okta) =>
      okta.revokeUserSessions(USER_ID, { oauthTokens: true }),
    );
    expect(valueOf(outcome)).toBeUndefined();
    expect(h.requests).toHaveLength(2);
    expect(h.requests.map((r) => new URL(r.url).search)).toEqual([
      '?oauthTokens=true',
      '?oauthTokens=true',
    ]);
    expect(h.retries.map((r) => r.operationId)).toEqual(['revokeUserSessions']);
    expect(waits).toEqual([exactWait ?? expect.any(Number)]);
  });

  test("counts in the users bucket, apart from the sessions' bucket", async () => {
    const seen: string[] = [];
    const store: RateLimitStore = {
      reserve: (bucket) => {
        seen.push(`reserve ${bucket.group}`);
        return slot();
      },
      record: (bucket) => void seen.push(`record ${bucket.group}`),
    };
    const h = harness([noContent(), noContent()], { throttle: { store } });
    await h.okta.revokeUserSessions(USER_ID);
    await h.okta.revokeSession('102abc');
    expect(seen).toEqual(['reserve users', 'record users', 'reserve sessions', 'record sessions']);
  });
});
