// Interop: the official Okta Node SDK, in PrivateKey mode, gets a token from the emulator's
// authorization server and calls getSession with it, so the emulator is proven against an
// OAuth client we did not write (an app without DPoP: the SDK's DPoP support is broken, see
// okta-oauth-facts.md).
import { Client } from '@okta/okta-sdk-nodejs';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { rsaKey } from './helpers/oauth-jwt.js';

const key = rsaKey('sdk-kid');
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    clients: { '0oaSdkApp': { jwks: [key.publicJwk], scopes: ['okta.sessions.read'] } },
  });
});
afterAll(() => emu.close());

function sdkClient(scopes: string[]) {
  return new Client({
    orgUrl: emu.url,
    authorizationMode: 'PrivateKey',
    clientId: '0oaSdkApp',
    scopes,
    privateKey: key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    keyId: 'sdk-kid',
    // The SDK insists on https:// unless told it is being tested.
    testing: { disableHttpsCheck: true },
  } as never);
}

test('the official SDK (PrivateKey mode) gets a token and reads a session', async () => {
  const created = await fetch(`${emu.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { Authorization: `SSWS ${emu.apiToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sessionToken: emu.issueSessionToken({ login: 'dana@example.com' }) }),
  });
  const { id } = (await created.json()) as { id: string };
  const sdk = sdkClient(['okta.sessions.read']);
  const session = await sdk.sessionApi.getSession({ sessionId: id });
  expect(session.id).toBe(id);
  expect(session.login).toBe('dana@example.com');
  // The same cached token serves a second call.
  expect((await sdk.sessionApi.getSession({ sessionId: id })).id).toBe(id);
});
