// Security gaps of the emulator found in review (issue #30), each closed: a redirectUrl that
// cannot be a Location header, a client assertion not valid yet, and a DPoP proof signed with
// the app's own authentication key. (The Host header gap: emulator-public-url.test.ts.)
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { call } from './helpers/emulator-http.js';
import {
  ASSERTION_TYPE,
  assertion,
  ecKey,
  proof,
  rsaKey,
  tokenForm,
  type TestKey,
} from './helpers/oauth-jwt.js';

const rsaApp = rsaKey('gaps-rsa');
const ecApp = ecKey('gaps-ec');
const proofKey = ecKey('gaps-proof');
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    apiToken: 'gaps-token',
    corsOrigins: ['http://app.example'],
    clients: {
      '0oaBearer': { jwks: [rsaApp.publicJwk], scopes: ['okta.sessions.read'] },
      '0oaDpop': { jwks: [ecApp.publicJwk], scopes: ['okta.sessions.read'], dpop: true },
    },
  });
});
afterAll(() => emu.close());

const tokenUrl = () => `${emu.url}/oauth2/v1/token`;
const token = (clientAssertion: string, dpop?: string) =>
  call(emu.url, 'POST', '/oauth2/v1/token', {
    contentType: 'application/x-www-form-urlencoded',
    ...(dpop ? { headers: { DPoP: dpop } } : {}),
    body: tokenForm({
      grant_type: 'client_credentials',
      scope: 'okta.sessions.read',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
    }),
  });

test.each([
  ['CR LF', '/home\r\nSet-Cookie: injected=1'],
  ['a lone LF', '/home\nX: y'],
  ['NUL', '/home\u0000'],
])('a redirectUrl with %s is 400 E0000001 before the session token is spent', async (_, tail) => {
  const sessionToken = emu.issueSessionToken();
  const redirectUrl = encodeURIComponent(`http://app.example${tail}`);
  const refused = await call(
    emu.url,
    'GET',
    `/login/sessionCookieRedirect?token=${sessionToken}&redirectUrl=${redirectUrl}`,
    { redirect: 'manual' },
  );
  expect([refused.status, refused.json?.errorCode]).toEqual([400, 'E0000001']);
  expect(refused.headers.get('set-cookie')).toBeNull();
  const created = await call(emu.url, 'POST', '/api/v1/sessions', {
    auth: 'SSWS gaps-token',
    contentType: 'application/json',
    body: JSON.stringify({ sessionToken }),
  });
  expect(created.status).toBe(200);
});

test('a client assertion whose nbf is in the future is refused (invalid_client)', async () => {
  const now = Math.floor(Date.now() / 1000);
  const early = await token(assertion(rsaApp, '0oaBearer', tokenUrl(), { nbf: now + 600 }));
  expect([early.status, early.json.error]).toEqual([401, 'invalid_client']);
  expect(early.json.error_description).toBe('The client_assertion token is not valid yet (nbf).');
  const bad = await token(assertion(rsaApp, '0oaBearer', tokenUrl(), { nbf: 'soon' }));
  expect(bad.status).toBe(401);
  const fine = await token(assertion(rsaApp, '0oaBearer', tokenUrl(), { nbf: now }));
  expect(fine.status).toBe(200);
});

describe('a DPoP proof signed with a key of the client JWKS', () => {
  const ecAssertion = () => assertion(ecApp, '0oaDpop', tokenUrl(), {}, { alg: 'ES256' });

  /** The token endpoint's answer to a proof by `key`, with the nonce it asks for. */
  async function withProofKey(key: TestKey) {
    const first = await token(ecAssertion(), proof(key, 'POST', tokenUrl()));
    expect(first.json.error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce')!;
    return token(ecAssertion(), proof(key, 'POST', tokenUrl(), { nonce }));
  }

  test('is refused: 400 invalid_dpop_proof (the emulator choice)', async () => {
    const reply = await withProofKey(ecApp);
    expect([reply.status, reply.json.error]).toEqual([400, 'invalid_dpop_proof']);
    expect(reply.json.error_description).toMatch(/key of the client's JWKS/);
  });

  test('a separate proof key gets the token', async () => {
    const reply = await withProofKey(proofKey);
    expect([reply.status, reply.json.token_type]).toEqual([200, 'DPoP']);
  });
});
