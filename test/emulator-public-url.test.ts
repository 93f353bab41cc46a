// The emulator's own origin (publicUrl, default its listen URL) decides the client assertion's
// `aud`, the DPoP `htu`, session links and the sessionCookieRedirect allow-list; the Host header
// the client sends never does.
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import {
  ASSERTION_TYPE,
  assertion,
  ath,
  ecKey,
  proof,
  rsaKey,
  tokenForm,
} from './helpers/oauth-jwt.js';
import { newSession, sendRaw } from './helpers/emulator-http.js';

const appKey = rsaKey('public-url-kid');
const dpopKey = ecKey('public-url-dpop');
const CLIENTS = {
  '0oaBearer': { jwks: [appKey.publicJwk], scopes: ['okta.sessions.read'] },
  '0oaDpop': { jwks: [appKey.publicJwk], scopes: ['okta.sessions.read'], dpop: true },
};

const tokenRequest = (emu: Emulator, aud: string, host?: string, dpop?: string) =>
  sendRaw(
    `${emu.url}/oauth2/v1/token`,
    'POST',
    {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(host ? { Host: host } : {}),
      ...(dpop ? { DPoP: dpop } : {}),
    },
    tokenForm({
      grant_type: 'client_credentials',
      scope: 'okta.sessions.read',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion(appKey, dpop ? '0oaDpop' : '0oaBearer', aud),
    }),
  );

describe('by default, the listen URL', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ clients: CLIENTS, corsOrigins: ['http://app.example'] });
  });
  afterAll(() => emu.close());

  test('publicUrl is the listen URL', () => {
    expect(emu.publicUrl).toBe(emu.url);
  });

  test('an assertion for another origin is refused, whatever Host says', async () => {
    const evil = await tokenRequest(emu, 'http://evil.example/oauth2/v1/token', 'evil.example');
    expect([evil.status, evil.json.error]).toEqual([401, 'invalid_client']);
    expect(evil.json.error_description).toBe('The client_assertion token has an invalid audience.');
    const own = await tokenRequest(emu, `${emu.url}/oauth2/v1/token`, 'evil.example');
    expect(own.status).toBe(200);
  });

  test("sessionCookieRedirect does not trust the Host header's origin; the token stays usable", async () => {
    const token = emu.issueSessionToken();
    const to = (target: string, host?: string) =>
      sendRaw(
        `${emu.url}/login/sessionCookieRedirect?token=${token}&redirectUrl=${encodeURIComponent(target)}`,
        'GET',
        host ? { Host: host } : {},
      );
    const evil = await to('http://evil.example/steal', 'evil.example');
    expect([evil.status, evil.json.errorCode]).toEqual([400, 'E0000001']);
    const ok = await to('http://app.example/home');
    expect([ok.status, ok.headers['location']]).toEqual([302, 'http://app.example/home']);
  });
});

describe('with publicUrl', () => {
  const PUBLIC = 'http://okta.test:8443';
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ clients: CLIENTS, publicUrl: `${PUBLIC}/`, apiToken: 'pu-token' });
  });
  afterAll(() => emu.close());

  test('links, aud and htu name it; the listen URL is not its own any more', async () => {
    expect(emu.publicUrl).toBe(PUBLIC);
    const { id, reply } = await newSession(emu);
    expect(reply.json._links.self.href).toBe(`${PUBLIC}/api/v1/sessions/me`);

    expect((await tokenRequest(emu, `${emu.url}/oauth2/v1/token`)).status).toBe(401);
    const bearer = await tokenRequest(emu, `${PUBLIC}/oauth2/v1/token`);
    expect(bearer.status).toBe(200);

    // DPoP: first the nonce, then a token bound to the proof key; htu names the public origin.
    const tokenUrl = `${PUBLIC}/oauth2/v1/token`;
    const first = await tokenRequest(emu, tokenUrl, undefined, proof(dpopKey, 'POST', tokenUrl));
    const nonce = first.headers['dpop-nonce'] as string;
    const issued = await tokenRequest(
      emu,
      tokenUrl,
      undefined,
      proof(dpopKey, 'POST', tokenUrl, { nonce }),
    );
    expect(issued.status).toBe(200);
    const at = issued.json.access_token as string;
    const call = (htu: string) =>
      sendRaw(`${emu.url}/api/v1/sessions/${id}`, 'GET', {
        Authorization: `DPoP ${at}`,
        DPoP: proof(dpopKey, 'GET', htu, { ath: ath(at) }),
      });
    expect((await call(`${emu.url}/api/v1/sessions/${id}`)).status).toBe(400);
    expect((await call(`${PUBLIC}/api/v1/sessions/${id}`)).status).toBe(200);
  });

  test('sessionCookieRedirect may redirect to it', async () => {
    const token = emu.issueSessionToken();
    const reply = await sendRaw(
      `${emu.url}/login/sessionCookieRedirect?token=${token}&redirectUrl=${encodeURIComponent(`${PUBLIC}/app`)}`,
      'GET',
      {},
    );
    expect([reply.status, reply.headers['location']]).toEqual([302, `${PUBLIC}/app`]);
  });

  test.each(['okta.test', 'ftp://okta.test', 'http://okta.test/path', 'http://u:p@okta.test'])(
    'refuses %s as a publicUrl',
    async (publicUrl) => {
      await expect(startEmulator({ publicUrl })).rejects.toThrow(RangeError);
    },
  );
});
