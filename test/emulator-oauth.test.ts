// Contract tests of the emulator's org authorization server: every check of POST
// /oauth2/v1/token and of its tokens on the session endpoints, with JWTs built by hand
// (test/helpers/oauth-jwt.ts), never by our client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { sendRaw, type RawReply } from './helpers/emulator-http.js';
import {
  ASSERTION_TYPE,
  assertion,
  ath,
  ecKey,
  proof,
  rsaKey,
  signJwt,
  tokenForm,
  type TestKey,
} from './helpers/oauth-jwt.js';

/** One request with node:http, so a header can be sent twice. */

const READ = 'okta.sessions.read';
const MANAGE = 'okta.sessions.manage';
const FORM = 'application/x-www-form-urlencoded';

let clock = 0;
let emu: Emulator;
let tokenUrl: string;
let sessionId: string;
const appKey = rsaKey('app-key');
const ecAppKey = ecKey('app-ec', 'P-384');
const otherKey = rsaKey('app-key');
const dpopKey = ecKey('dpop');
const otherDpopKey = ecKey('dpop-2');

beforeAll(async () => {
  emu = await startEmulator({
    now: () => Date.now() + clock,
    clients: {
      '0oaBearer': { jwks: [appKey.publicJwk, ecAppKey.publicJwk], scopes: [READ, MANAGE] },
      '0oaDpop': { jwks: [appKey.publicJwk], scopes: [READ], dpop: true },
    },
  });
  tokenUrl = `${emu.url}/oauth2/v1/token`;
  const created = await fetch(`${emu.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { Authorization: `SSWS ${emu.apiToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sessionToken: emu.issueSessionToken() }),
  });
  sessionId = ((await created.json()) as { id: string }).id;
});
afterAll(() => emu.close());
afterEach(() => {
  clock = 0;
});

function tokenRequest(
  fields: Record<string, string | undefined>,
  headers: Record<string, string | string[]> = {},
): Promise<RawReply> {
  return sendRaw(tokenUrl, 'POST', { 'Content-Type': FORM, ...headers }, tokenForm(fields));
}

function clientCredentials(jwt: string, scope: string | undefined = READ) {
  return {
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: jwt,
  };
}

/** A Bearer token for the app without DPoP. */
async function bearerToken(scope = `${READ} ${MANAGE}`): Promise<string> {
  const reply = await tokenRequest(
    clientCredentials(assertion(appKey, '0oaBearer', tokenUrl), scope),
  );
  expect(reply.status).toBe(200);
  return reply.json.access_token;
}

/** A DPoP-bound token for the DPoP app, through the nonce dance. */
async function dpopToken(key: TestKey = dpopKey): Promise<string> {
  const first = await tokenRequest(clientCredentials(assertion(appKey, '0oaDpop', tokenUrl)), {
    DPoP: proof(key, 'POST', tokenUrl),
  });
  expect(first.status).toBe(400);
  const nonce = first.headers['dpop-nonce'] as string;
  const second = await tokenRequest(clientCredentials(assertion(appKey, '0oaDpop', tokenUrl)), {
    DPoP: proof(key, 'POST', tokenUrl, { nonce }),
  });
  expect(second.status).toBe(200);
  expect(second.json.token_type).toBe('DPoP');
  return second.json.access_token;
}

function expectOAuthError(reply: RawReply, status: number, error: string, description?: RegExp) {
  expect(reply.status).toBe(status);
  expect(reply.json?.error).toBe(error);
  if (description) expect(reply.json.error_description).toMatch(description);
  expect(reply.headers['cache-control']).toBe('no-store');
}

describe('POST /oauth2/v1/token: the request', () => {
  test('answers 200 with token_type, expires_in 3600, access_token, scope, no-store and no-cache', async () => {
    const reply = await tokenRequest(
      clientCredentials(assertion(appKey, '0oaBearer', tokenUrl), `${READ} ${MANAGE}`),
    );
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: expect.stringMatching(/^[\w-]{20,}$/),
      scope: `${READ} ${MANAGE}`,
    });
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['pragma']).toBe('no-cache');
    expect(reply.headers['x-okta-request-id']).toBeTruthy();
  });

  test('a body that is not form-encoded is invalid_request', async () => {
    const body = JSON.stringify(clientCredentials(assertion(appKey, '0oaBearer', tokenUrl)));
    const reply = await sendRaw(tokenUrl, 'POST', { 'Content-Type': 'application/json' }, body);
    expectOAuthError(reply, 400, 'invalid_request');
  });

  test('a missing grant_type is invalid_request; another grant is unsupported_grant_type', async () => {
    const jwt = assertion(appKey, '0oaBearer', tokenUrl);
    expectOAuthError(
      await tokenRequest({ ...clientCredentials(jwt), grant_type: undefined }),
      400,
      'invalid_request',
    );
    expectOAuthError(
      await tokenRequest({ ...clientCredentials(jwt), grant_type: 'password' }),
      400,
      'unsupported_grant_type',
    );
  });

  test('another assertion type, or none, is invalid_client', async () => {
    const jwt = assertion(appKey, '0oaBearer', tokenUrl);
    expectOAuthError(
      await tokenRequest({ ...clientCredentials(jwt), client_assertion_type: 'urn:x' }),
      401,
      'invalid_client',
    );
    expectOAuthError(
      await tokenRequest({ ...clientCredentials(jwt), client_assertion: undefined }),
      401,
      'invalid_client',
    );
  });

  test('other methods are refused with Allow: POST', async () => {
    const reply = await sendRaw(tokenUrl, 'GET', {});
    expect(reply.status).toBe(405);
    expect(reply.headers['allow']).toBe('POST');
  });
});

describe('POST /oauth2/v1/token: the client assertion', () => {
  const refused = (jwt: string) => tokenRequest(clientCredentials(jwt));

  test('a JWT that does not parse is invalid_client', async () => {
    expectOAuthError(await refused('not.a.jwt'), 401, 'invalid_client', /invalid/);
    expectOAuthError(await refused('abc'), 401, 'invalid_client');
  });

  test.each(['none', 'HS256', 'PS256', 'EdDSA'])('alg %s is refused', async (alg) => {
    const jwt = assertion(appKey, '0oaBearer', tokenUrl, {}, { alg });
    expectOAuthError(await refused(jwt), 401, 'invalid_client', /algorithm/);
  });

  test('alg none with an empty signature is refused', async () => {
    const [h, p] = assertion(appKey, '0oaBearer', tokenUrl).split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expectOAuthError(await refused(`${none}.${p}.`), 401, 'invalid_client');
    expect(h).toBeTruthy();
  });

  test('an unknown kid is refused', async () => {
    const jwt = assertion(appKey, '0oaBearer', tokenUrl, {}, { kid: 'nope' });
    expectOAuthError(await refused(jwt), 401, 'invalid_client', /kid/);
  });

  test('a signature by another key (same kid) is refused', async () => {
    const jwt = assertion(otherKey, '0oaBearer', tokenUrl);
    expectOAuthError(await refused(jwt), 401, 'invalid_client', /signature is invalid/);
  });

  test('an EC key on P-384 signs with ES384, and its alg must fit the key', async () => {
    const ok = assertion(ecAppKey, '0oaBearer', tokenUrl, {}, { alg: 'ES384' });
    expect((await refused(ok)).status).toBe(200);
    const wrong = signJwt(
      { alg: 'ES256', kid: 'app-ec' },
      { iss: '0oaBearer', sub: '0oaBearer', aud: tokenUrl, exp: Date.now() / 1000 + 60 },
      ecAppKey.privateKey,
    );
    expectOAuthError(await refused(wrong), 401, 'invalid_client', /signature/);
  });

  test('without a kid: accepted when the app has one key, refused when it has several', async () => {
    // The DPoP app has one key: past client authentication, it asks for a proof.
    const one = assertion(appKey, '0oaDpop', tokenUrl, {}, { kid: undefined });
    expectOAuthError(await refused(one), 400, 'invalid_dpop_proof');
    const several = assertion(appKey, '0oaBearer', tokenUrl, {}, { kid: undefined });
    expectOAuthError(await refused(several), 401, 'invalid_client', /kid/);
  });

  test('iss must equal sub and name a registered client', async () => {
    expectOAuthError(
      await refused(assertion(appKey, '0oaBearer', tokenUrl, { sub: '0oaOther' })),
      401,
      'invalid_client',
      /issuer or subject/,
    );
    expectOAuthError(
      await refused(assertion(appKey, '0oaUnknown', tokenUrl)),
      401,
      'invalid_client',
      /issuer or subject/,
    );
  });

  test.each([
    ['a trailing slash', (u: string) => `${u}/`],
    ['another path', (u: string) => u.replace('/v1/token', '/default/v1/token')],
    ['the bare origin', (u: string) => new URL(u).origin],
  ])('aud with %s is refused', async (_name, bend) => {
    const jwt = assertion(appKey, '0oaBearer', tokenUrl, { aud: bend(tokenUrl) });
    expectOAuthError(await refused(jwt), 401, 'invalid_client', /audience/);
  });

  test('exp is required, in the future, and at most an hour ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectOAuthError(
      await refused(assertion(appKey, '0oaBearer', tokenUrl, { exp: undefined })),
      401,
      'invalid_client',
      /expiration/,
    );
    expectOAuthError(
      await refused(assertion(appKey, '0oaBearer', tokenUrl, { iat: now - 100, exp: now - 1 })),
      401,
      'invalid_client',
      /expired/,
    );
    expectOAuthError(
      await refused(assertion(appKey, '0oaBearer', tokenUrl, { exp: now + 3700 })),
      401,
      'invalid_client',
      /too far/,
    );
    expect(
      (await refused(assertion(appKey, '0oaBearer', tokenUrl, { exp: now + 3500 }))).status,
    ).toBe(200);
  });

  test('iat must not be in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = assertion(appKey, '0oaBearer', tokenUrl, { iat: now + 120 });
    expectOAuthError(await refused(jwt), 401, 'invalid_client', /future/);
  });

  test('a jti is single-use', async () => {
    const jwt = assertion(appKey, '0oaBearer', tokenUrl);
    expect((await refused(jwt)).status).toBe(200);
    expectOAuthError(await refused(jwt), 401, 'invalid_client', /already been used/);
  });

  test('checks use the emulator clock', async () => {
    clock = 10 * 60_000;
    const jwt = assertion(appKey, '0oaBearer', tokenUrl);
    expectOAuthError(await refused(jwt), 401, 'invalid_client', /expired/);
  });
});

describe('POST /oauth2/v1/token: scopes', () => {
  test('no scope, openid, or a scope not granted is invalid_scope', async () => {
    const bearer = (scope: string | undefined) =>
      tokenRequest({ ...clientCredentials(assertion(appKey, '0oaBearer', tokenUrl)), scope });
    expectOAuthError(await bearer(undefined), 400, 'invalid_scope', /No scopes/);
    expectOAuthError(await bearer(''), 400, 'invalid_scope', /No scopes/);
    expectOAuthError(await bearer(`${READ} openid`), 400, 'invalid_scope', /openid/);
    expectOAuthError(
      await bearer('okta.users.manage'),
      400,
      'invalid_scope',
      /okta\.users\.manage/,
    );
  });
});

describe('POST /oauth2/v1/token: DPoP', () => {
  const dpopRequest = (headers: Record<string, string | string[]>, scope = READ) =>
    tokenRequest(clientCredentials(assertion(appKey, '0oaDpop', tokenUrl), scope), headers);

  async function nonce(): Promise<string> {
    const reply = await dpopRequest({ DPoP: proof(dpopKey, 'POST', tokenUrl) });
    return reply.headers['dpop-nonce'] as string;
  }

  test('a first proof without nonce gets 400 use_dpop_nonce with a DPoP-Nonce header', async () => {
    const reply = await dpopRequest({ DPoP: proof(dpopKey, 'POST', tokenUrl) });
    expectOAuthError(reply, 400, 'use_dpop_nonce', /requires nonce/);
    expect(reply.headers['dpop-nonce']).toMatch(/^[\w-]{16,}$/);
  });

  test('with the nonce: a DPoP token bound to the proof key', async () => {
    const token = await dpopToken();
    expect(token).toBeTruthy();
  });

  test('a missing DPoP header, or two, is invalid_dpop_proof', async () => {
    expectOAuthError(await dpopRequest({}), 400, 'invalid_dpop_proof', /missing/);
    const n = await nonce();
    const two = [
      proof(dpopKey, 'POST', tokenUrl, { nonce: n }),
      proof(dpopKey, 'POST', tokenUrl, { nonce: n }),
    ];
    expectOAuthError(await dpopRequest({ DPoP: two }), 400, 'invalid_dpop_proof', /one DPoP/);
  });

  test.each<[string, (n: string) => string, RegExp]>([
    [
      'typ other than dpop+jwt',
      (n) => proof(dpopKey, 'POST', tokenUrl, { nonce: n }, { typ: 'JWT' }),
      /typ/,
    ],
    ['alg HS256', (n) => proof(dpopKey, 'POST', tokenUrl, { nonce: n }, { alg: 'HS256' }), /alg/],
    ['alg none', (n) => proof(dpopKey, 'POST', tokenUrl, { nonce: n }, { alg: 'none' }), /alg/],
    ['no jwk', (n) => proof(dpopKey, 'POST', tokenUrl, { nonce: n }, { jwk: undefined }), /jwk/],
    [
      'a private member in jwk',
      (n) =>
        proof(
          dpopKey,
          'POST',
          tokenUrl,
          { nonce: n },
          {
            jwk: dpopKey.privateKey.export({ format: 'jwk' }),
          },
        ),
      /private/,
    ],
    [
      'a signature by another key than jwk',
      (n) =>
        proof(
          dpopKey,
          'POST',
          tokenUrl,
          { nonce: n },
          { jwk: { ...otherDpopKey.publicJwk, kid: undefined } },
        ),
      /signature/,
    ],
    ['htm in lowercase', (n) => proof(dpopKey, 'post', tokenUrl, { nonce: n }), /htm/],
    ['htm GET', (n) => proof(dpopKey, 'GET', tokenUrl, { nonce: n }), /htm/],
    ['htu with a query', (n) => proof(dpopKey, 'POST', `${tokenUrl}?x=1`, { nonce: n }), /htu/],
    [
      'htu with //',
      (n) => proof(dpopKey, 'POST', tokenUrl.replace('/oauth2', '//oauth2'), { nonce: n }),
      /htu/,
    ],
    ['no iat', (n) => proof(dpopKey, 'POST', tokenUrl, { nonce: n, iat: undefined }), /iat/],
    [
      'iat 6 minutes old',
      (n) =>
        proof(dpopKey, 'POST', tokenUrl, { nonce: n, iat: Math.floor(Date.now() / 1000) - 360 }),
      /expired/,
    ],
    [
      'iat 5 minutes ahead',
      (n) =>
        proof(dpopKey, 'POST', tokenUrl, { nonce: n, iat: Math.floor(Date.now() / 1000) + 300 }),
      /future/,
    ],
    ['no jti', (n) => proof(dpopKey, 'POST', tokenUrl, { nonce: n, jti: undefined }), /jti/],
  ])('a proof with %s is invalid_dpop_proof', async (_name, make, description) => {
    const n = await nonce();
    expectOAuthError(await dpopRequest({ DPoP: make(n) }), 400, 'invalid_dpop_proof', description);
  });

  test('a proof jti is single-use', async () => {
    const n = await nonce();
    const once = proof(dpopKey, 'POST', tokenUrl, { nonce: n });
    expect((await dpopRequest({ DPoP: once })).status).toBe(200);
    expectOAuthError(await dpopRequest({ DPoP: once }), 400, 'invalid_dpop_proof', /jti/);
  });

  test('a stale nonce after a rotation gets use_dpop_nonce with the new one', async () => {
    const old = await nonce();
    emu.rotateDpopNonce();
    const reply = await dpopRequest({ DPoP: proof(dpopKey, 'POST', tokenUrl, { nonce: old }) });
    expectOAuthError(reply, 400, 'use_dpop_nonce', /stale/);
    const fresh = reply.headers['dpop-nonce'] as string;
    expect(fresh).not.toBe(old);
    const ok = await dpopRequest({ DPoP: proof(dpopKey, 'POST', tokenUrl, { nonce: fresh }) });
    expect(ok.status).toBe(200);
  });

  test('an app without dpop ignores an unsolicited proof and issues a Bearer token', async () => {
    const reply = await tokenRequest(clientCredentials(assertion(appKey, '0oaBearer', tokenUrl)), {
      DPoP: 'garbage',
    });
    expect(reply.status).toBe(200);
    expect(reply.json.token_type).toBe('Bearer');
  });
});

describe('session endpoints with issued tokens', () => {
  const sessionUrl = () => `${emu.url}/api/v1/sessions/${sessionId}`;
  const get = (headers: Record<string, string | string[]>) => sendRaw(sessionUrl(), 'GET', headers);

  function expectChallenge(reply: RawReply, status: number, error: string) {
    expect(reply.status).toBe(status);
    const challenge = String(reply.headers['www-authenticate']);
    expect(challenge).toMatch(new RegExp(`error="${error}"`));
    expect(challenge).toMatch(/error_description="[^"]+"/);
    return challenge;
  }

  test('a Bearer token works with the scopes the spec requires', async () => {
    const token = await bearerToken(READ);
    expect((await get({ Authorization: `Bearer ${token}` })).status).toBe(200);
    const refresh = await sendRaw(`${sessionUrl()}/lifecycle/refresh`, 'POST', {
      Authorization: `Bearer ${token}`,
    });
    expect(refresh.status).toBe(403);
    expect(refresh.json.errorCode).toBe('E0000006');
    expectChallenge(refresh, 403, 'insufficient_scope');
  });

  test('a Bearer token sent as DPoP is invalid_token', async () => {
    const token = await bearerToken();
    const reply = await get({
      Authorization: `DPoP ${token}`,
      DPoP: proof(dpopKey, 'GET', sessionUrl(), { ath: ath(token) }),
    });
    expectChallenge(reply, 401, 'invalid_token');
  });

  test('a DPoP token with a valid proof (ath, same key) works', async () => {
    const token = await dpopToken();
    const reply = await get({
      Authorization: `DPoP ${token}`,
      DPoP: proof(dpopKey, 'GET', sessionUrl(), { ath: ath(token) }),
    });
    expect(reply.status).toBe(200);
    expect(reply.json.id).toBe(sessionId);
  });

  test('a bound token sent as Bearer: 400, WWW-Authenticate DPoP error, empty body', async () => {
    const token = await dpopToken();
    const reply = await get({ Authorization: `Bearer ${token}` });
    const challenge = expectChallenge(reply, 400, 'invalid_request');
    expect(challenge).toMatch(/^DPoP algs="/);
    expect(reply.text).toBe('');
  });

  test.each<[string, (token: string, url: string) => Record<string, string | string[]>, string]>([
    ['no proof', () => ({}), 'invalid_request'],
    [
      'a wrong ath',
      (_t, url) => ({ DPoP: proof(dpopKey, 'GET', url, { ath: ath('other') }) }),
      'invalid_dpop_proof',
    ],
    ['no ath', (_t, url) => ({ DPoP: proof(dpopKey, 'GET', url) }), 'invalid_dpop_proof'],
    [
      'another key',
      (t, url) => ({ DPoP: proof(otherDpopKey, 'GET', url, { ath: ath(t) }) }),
      'invalid_dpop_proof',
    ],
    [
      'the wrong htm',
      (t, url) => ({ DPoP: proof(dpopKey, 'POST', url, { ath: ath(t) }) }),
      'invalid_dpop_proof',
    ],
    [
      'a path template as htu',
      (t) => ({
        DPoP: proof(dpopKey, 'GET', `${emu.url}/api/v1/sessions/{sessionId}`, { ath: ath(t) }),
      }),
      'invalid_dpop_proof',
    ],
    [
      'two proofs',
      (t, url) => ({
        DPoP: [
          proof(dpopKey, 'GET', url, { ath: ath(t) }),
          proof(dpopKey, 'GET', url, { ath: ath(t) }),
        ],
      }),
      'invalid_dpop_proof',
    ],
  ])(
    'a bound token with %s: 400, WWW-Authenticate DPoP error, empty body',
    async (_n, headers, error) => {
      const token = await dpopToken();
      const reply = await get({ Authorization: `DPoP ${token}`, ...headers(token, sessionUrl()) });
      expectChallenge(reply, 400, error);
      expect(reply.text).toBe('');
    },
  );

  test('a token expires after 3600 s by the emulator clock: 401 invalid_token', async () => {
    const token = await bearerToken();
    clock = 3599_000;
    expect((await get({ Authorization: `Bearer ${token}` })).status).toBe(200);
    clock = 3600_000;
    const reply = await get({ Authorization: `Bearer ${token}` });
    expectChallenge(reply, 401, 'invalid_token');
    expect(reply.json.errorCode).toBe('E0000011');
  });

  test('revoked tokens answer 401', async () => {
    const token = await dpopToken();
    emu.revokeAccessTokens();
    const reply = await get({
      Authorization: `DPoP ${token}`,
      DPoP: proof(dpopKey, 'GET', sessionUrl(), { ath: ath(token) }),
    });
    expectChallenge(reply, 401, 'invalid_token');
  });

  test('an unknown DPoP token answers 401; an unknown Bearer token keeps the E0000011 answer', async () => {
    expectChallenge(await get({ Authorization: 'DPoP abcdefgh' }), 401, 'invalid_token');
    const bearer = await get({ Authorization: 'Bearer abcdefgh' });
    expect(bearer.status).toBe(401);
    expect(bearer.json.errorCode).toBe('E0000011');
  });

  test('the cookie-only /me operations ignore the credential', async () => {
    const token = await dpopToken();
    const reply = await sendRaw(`${emu.url}/api/v1/sessions/me`, 'GET', {
      Authorization: `DPoP ${token}`,
    });
    expect(reply.status).not.toBe(400);
  });
});

describe('options', () => {
  test('dpopResourceNonce: a proof without the nonce gets 401 use_dpop_nonce and DPoP-Nonce', async () => {
    const strict = await startEmulator({
      dpopResourceNonce: true,
      clients: { app: { jwks: [appKey.publicJwk], scopes: [READ], dpop: true } },
    });
    try {
      const url = `${strict.url}/oauth2/v1/token`;
      const form = () => tokenForm(clientCredentials(assertion(appKey, 'app', url)));
      const first = await sendRaw(
        url,
        'POST',
        { 'Content-Type': FORM, DPoP: proof(dpopKey, 'POST', url) },
        form(),
      );
      const nonce = first.headers['dpop-nonce'] as string;
      const second = await sendRaw(
        url,
        'POST',
        { 'Content-Type': FORM, DPoP: proof(dpopKey, 'POST', url, { nonce }) },
        form(),
      );
      const token = second.json.access_token as string;
      const sessionUrl = `${strict.url}/api/v1/sessions/102abc`;
      const refused = await sendRaw(sessionUrl, 'GET', {
        Authorization: `DPoP ${token}`,
        DPoP: proof(dpopKey, 'GET', sessionUrl, { ath: ath(token) }),
      });
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/error="use_dpop_nonce"/);
      const resourceNonce = refused.headers['dpop-nonce'] as string;
      const ok = await sendRaw(sessionUrl, 'GET', {
        Authorization: `DPoP ${token}`,
        DPoP: proof(dpopKey, 'GET', sessionUrl, { ath: ath(token), nonce: resourceNonce }),
      });
      expect(ok.status).toBe(404); // past auth: the session does not exist
    } finally {
      await strict.close();
    }
  });

  test('registering a private JWK or no key is refused', async () => {
    await expect(
      startEmulator({
        clients: { app: { jwks: [appKey.privateKey.export({ format: 'jwk' })], scopes: [READ] } },
      }),
    ).rejects.toThrow(/not a public RSA or EC JWK/);
    await expect(startEmulator({ clients: { app: { jwks: [], scopes: [READ] } } })).rejects.toThrow(
      /at least one/,
    );
  });
});

test("startEmulator's documented options: every option in docs/emulator.md, DPoP's default in both", () => {
  const root = join(__dirname, '..');
  const source = readFileSync(join(root, 'src', 'emulator', 'index.ts'), 'utf8');
  const block = /export interface EmulatorOptions \{([\s\S]*?)\n\}/.exec(source)![1]!;
  const options = [...block.matchAll(/^ {2}readonly (\w+)\?:/gm)].map((m) => m[1]!);
  expect(options).toEqual(expect.arrayContaining(['clients', 'accessTokenTtlSeconds', 'port']));
  const docs = readFileSync(join(root, 'docs', 'emulator.md'), 'utf8');
  expect(options.filter((option) => !docs.includes(`\`${option}\``))).toEqual([]);
  // The per-app default, which differs from the client's own dpop default (true).
  expect(docs).toContain('**DPoP is off unless an app sets\n`dpop: true`**');
  const clientsDoc = /\/\*\*([\s\S]*?)\*\/\s*readonly clients\?/.exec(source)![1]!;
  expect(clientsDoc).toMatch(/off by default \(`dpop: false`\)/);
  expect(source).toMatch(
    /Lifetime of the access tokens[\s\S]*?default 3600[\s\S]*?readonly accessTokenTtlSeconds/,
  );
});
