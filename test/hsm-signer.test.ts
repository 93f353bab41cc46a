// A service app whose key lives in an HSM (issue #28): SoftHSM2 holds an RSA and an EC P-256
// key made inside the token, and the signers sign through PKCS#11 with pkcs11-tool
// (test/helpers/softhsm.ts). Each gets a DPoP-bound token from the emulator and reads a session;
// the ES256 key signs both ways a key service answers, raw r‖s and DER. Every assertion is
// verified with jose's jwtVerify against the public key read out of the token.
// Without softhsm2 and opensc the suite is skipped locally and fails under CI=true.
import type { JsonWebKey } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { OktaSessions, type PrivateKeySigner } from '../src/index.js';
import {
  closeAllScriptedServers,
  json,
  sessionOk,
  startScriptedServer,
} from './helpers/scripted-server.js';
import { softHsmMissing, startSoftHsm, type SoftHsm } from './helpers/softhsm.js';

const READ = 'okta.sessions.read';
const TOKEN = '/oauth2/v1/token';
const missing = softHsmMissing();
const inCi = process.env['CI'] === 'true';

if (missing.length > 0 && !inCi) {
  const reason = `SoftHSM2 signer suite skipped: no ${missing.join(', ')} (apt-get install softhsm2 opensc; under CI=true this fails)`;
  console.warn(reason);
  test.skip(reason, () => undefined);
} else {
  describe('a signer over a key in SoftHSM2 (PKCS#11)', hsmSuite);
}

function hsmSuite(): void {
  let hsm: SoftHsm;
  let emu: Emulator;
  let rsaJwk: JsonWebKey;
  let ecJwk: JsonWebKey;

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`CI=true and no ${missing.join(', ')}`);
    hsm = await startSoftHsm();
    rsaJwk = await hsm.generate('01', 'rsa:2048', 'hsm-rsa');
    ecJwk = await hsm.generate('02', 'EC:prime256v1', 'hsm-ec');
    emu = await startEmulator({
      clients: { '0oaHsm': { jwks: [rsaJwk, ecJwk], scopes: [READ], dpop: true } },
    });
  }, 60_000);
  afterAll(async () => {
    await emu?.close();
    hsm?.close();
  });
  afterEach(closeAllScriptedServers);

  /** A session read through a client that signs with `signer`, and what went over the wire. */
  async function readSession(signer: PrivateKeySigner) {
    const admin = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
    const { id } = await admin.createSession({ sessionToken: emu.issueSessionToken() });
    const assertions: string[] = [];
    const authorizations: string[] = [];
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaHsm',
      privateKey: signer,
      scopes: [READ],
      fetch: (async (request: Request) => {
        if (new URL(request.url).pathname === TOKEN) {
          const form = new URLSearchParams(await request.clone().text());
          assertions.push(form.get('client_assertion') ?? '');
        } else authorizations.push(request.headers.get('authorization') ?? '');
        return globalThis.fetch(request);
      }) as typeof globalThis.fetch,
    });
    const session = await okta.getSession(id as string);
    return { id, session, assertions, authorizations };
  }

  async function verifies(assertion: string, jwk: JsonWebKey, alg: string, tokenUrl: string) {
    const key = await importJWK(jwk as Parameters<typeof importJWK>[0], alg);
    const { protectedHeader } = await jwtVerify(assertion, key, {
      algorithms: [alg],
      issuer: '0oaHsm',
      subject: '0oaHsm',
      audience: tokenUrl,
    });
    return protectedHeader;
  }

  test('RS256: a DPoP-bound token from the emulator, and the session', async () => {
    const { signer, returned } = hsm.signer('01', 'RS256', { kid: 'hsm-rsa' });
    const { id, session, assertions, authorizations } = await readSession(signer);
    expect(session.id).toBe(id);
    expect(authorizations).toEqual([expect.stringMatching(/^DPoP /)]);
    // Without a nonce, then with it: two assertions, each signed in the token.
    expect(returned.map((s) => s.length)).toEqual([256, 256]);
    for (const assertion of assertions) {
      expect(await verifies(assertion, rsaJwk, 'RS256', `${emu.url}${TOKEN}`)).toEqual({
        alg: 'RS256',
        kid: 'hsm-rsa',
      });
    }
  });

  test.each([
    ['raw r‖s (pkcs11-tool’s own form)', false],
    ['DER (as KMS services return it)', true],
  ])('ES256 signing %s: a DPoP-bound token, and the session', async (_form, der) => {
    const { signer, returned } = hsm.signer('02', 'ES256', { kid: 'hsm-ec', der });
    const { id, session, assertions, authorizations } = await readSession(signer);
    expect(session.id).toBe(id);
    expect(authorizations).toEqual([expect.stringMatching(/^DPoP /)]);
    for (const signature of returned) {
      if (der) {
        expect(signature[0]).toBe(0x30);
        expect(signature.length).toBeGreaterThanOrEqual(68);
        expect(signature.length).toBeLessThanOrEqual(72);
      } else expect(signature.length).toBe(64);
    }
    for (const assertion of assertions) {
      expect(await verifies(assertion, ecJwk, 'ES256', `${emu.url}${TOKEN}`)).toEqual({
        alg: 'ES256',
        kid: 'hsm-ec',
      });
    }
  });

  test('PS256 (which Okta does not list, nor the emulator): the assertion verifies with jose', async () => {
    const server = await startScriptedServer([
      json(200, { token_type: 'Bearer', expires_in: 3600, access_token: 'tok-1' }),
      sessionOk('102abc'),
    ]);
    const { signer } = hsm.signer('01', 'PS256', { kid: 'hsm-rsa' });
    const okta = new OktaSessions({
      orgUrl: server.url,
      clientId: '0oaHsm',
      privateKey: signer,
      dpop: false,
    });
    await okta.getSession('102abc');
    const assertion = new URLSearchParams(server.requests[0]!.body).get('client_assertion')!;
    expect(await verifies(assertion, rsaJwk, 'PS256', `${server.url}${TOKEN}`)).toEqual({
      alg: 'PS256',
      kid: 'hsm-rsa',
    });
  });
}
