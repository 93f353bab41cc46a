// OAuth 2.0 service apps in the client: key formats, the token request and its client
// assertion and DPoP proof on the wire (scripted server), the token cache, OktaOAuthError, and
// the client against the emulator end to end in DPoP and Bearer modes.
import { spawn } from 'node:child_process';
import { createPublicKey, createSecretKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { resolveConfig } from '../src/config/options.js';
import { platform } from '../src/platform/node.js';
import { readPrivateKey } from '../src/oauth/keys.js';
import { expiresAtOf, TokenCache } from '../src/oauth/token-cache.js';
import {
  OktaApiError,
  OktaConfigError,
  OktaInvalidResponseError,
  OktaSessions,
  OktaTimeoutError,
  type OktaSessionsOptions,
  type OktaWarning,
} from '../src/index.js';
import { OktaOAuthError } from '../src/errors/oauth-error.js';
import { ath, decodeJwt, ecKey, rsaKey, type TestKey } from './helpers/oauth-jwt.js';
import {
  closeAllScriptedServers,
  empty,
  json,
  neverAnswer,
  sessionOk,
  startScriptedServer,
  text,
  type RecordedRequest,
} from './helpers/scripted-server.js';
import * as fetchHarness from './helpers/fetch-harness.js';
import { ORG, SESSION_ID, ok } from './helpers/fetch-harness.js';

const READ = 'okta.sessions.read';
const MANAGE = 'okta.sessions.manage';
const appKey = rsaKey('kid-1');
const pkcs8 = appKey.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;

afterEach(closeAllScriptedServers);

function form(request: RecordedRequest): URLSearchParams {
  return new URLSearchParams(request.body);
}

/** Checks a JWS signature with node:crypto against the JWK in its own header (DPoP proofs). */
function signedByItsJwk(jwt: string): boolean {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const { header } = decodeJwt(jwt);
  const key = createPublicKey({ key: header['jwk'] as never, format: 'jwk' });
  return verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
}

const tokenBody = (type: 'DPoP' | 'Bearer', token = 'tok-1', expiresIn = 3600) =>
  json(200, { token_type: type, expires_in: expiresIn, access_token: token, scope: READ });

describe('keys', () => {
  const rsaPkcs1 = appKey.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
  const ec = (curve: string) => ecKey('e', curve).privateKey;

  const keyCases: [string, unknown, string][] = [
    ['PEM PKCS#8 RSA', pkcs8, 'RS256'],
    ['PEM PKCS#1 RSA', rsaPkcs1, 'RS256'],
    ['PEM SEC1 EC P-256', ec('P-256').export({ format: 'pem', type: 'sec1' }), 'ES256'],
    ['PEM PKCS#8 EC P-384', ec('P-384').export({ format: 'pem', type: 'pkcs8' }), 'ES384'],
    ['PEM SEC1 EC P-521', ec('P-521').export({ format: 'pem', type: 'sec1' }), 'ES512'],
    ['a JWK object', appKey.privateKey.export({ format: 'jwk' }), 'RS256'],
    ['a JWK JSON string', JSON.stringify(ec('P-384').export({ format: 'jwk' })), 'ES384'],
    [
      'a JWK with alg RS512',
      { ...appKey.privateKey.export({ format: 'jwk' }), alg: 'RS512' },
      'RS512',
    ],
    ['a KeyObject', ec('P-521'), 'ES512'],
  ];
  test.each(keyCases.map(([name, key, alg]) => ({ name, key, alg })))(
    '$name → $alg',
    ({ key, alg }) => {
      expect(readPrivateKey(key, undefined).alg).toBe(alg);
    },
  );

  test('the kid: keyId wins, else the JWK kid', () => {
    const jwk = { ...appKey.privateKey.export({ format: 'jwk' }), kid: 'from-jwk' };
    expect(readPrivateKey(jwk, undefined).kid).toBe('from-jwk');
    expect(readPrivateKey(jwk, 'given').kid).toBe('given');
    expect(readPrivateKey(pkcs8, undefined).kid).toBeUndefined();
  });

  const refusals: [string, unknown, RegExp][] = [
    ['a public PEM', appKey.publicKey.export({ format: 'pem', type: 'spki' }), /public key/],
    [
      'a PKCS#1 public PEM',
      appKey.publicKey.export({ format: 'pem', type: 'pkcs1' }),
      /public key/,
    ],
    ['a public JWK', appKey.publicJwk, /public JWK/],
    ['a symmetric JWK', { kty: 'oct', k: 'c2VjcmV0c2VjcmV0c2VjcmV0' }, /symmetric/],
    ['a public KeyObject', appKey.publicKey, /public KeyObject/],
    ['a secret KeyObject', createSecretKey(Buffer.alloc(32, 1)), /secret KeyObject/],
    ['garbage', 'not a key', /not PEM or JWK/],
    ['broken JSON', '{"kty": "RSA", "d": "AAAA', /does not parse/],
    ['broken PEM', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', /cannot read/],
    ['a 1024-bit RSA key', rsaKey('x', 1024).privateKey, /2048/],
    ['an Ed25519 key', generateKeyPairSync('ed25519').privateKey, /ed25519/],
    ['an EC key on secp256k1', ec('secp256k1'), /curve/],
    [
      'a JWK whose alg does not fit',
      { ...appKey.privateKey.export({ format: 'jwk' }), alg: 'ES256' },
      /does not fit/,
    ],
    ['an empty string', '', /missing or empty/],
  ];
  test.each(refusals.map(([name, key, problem]) => ({ name, key, problem })))(
    '$name is refused with the formats expected',
    ({ key, problem }) => {
      const attempt = () =>
        new OktaSessions({
          orgUrl: 'https://acme.okta.com',
          clientId: '0oa1',
          privateKey: key as string,
        });
      expect(attempt).toThrow(OktaConfigError);
      expect(attempt).toThrow(problem);
      expect(attempt).toThrow(/Pass the private key as PEM .* JWK .* KeyObject/);
    },
  );

  // Each refusal's whole message: what is wrong, then the formats accepted (never the key).
  const EXPECTED =
    'Pass the private key as PEM ("-----BEGIN PRIVATE KEY-----", "BEGIN RSA PRIVATE KEY" or "BEGIN EC PRIVATE KEY"), as a private JWK (object or JSON string, with "d"), as a private KeyObject, or a signer ({ alg, keyId, sign(data) }) for a key in a KMS or HSM';
  const rsaJwk = appKey.privateKey.export({ format: 'jwk' });
  const exactRefusals: [string, unknown, string][] = [
    ['an object that is not a JWK', { key: pkcs8 }, 'privateKey is an object but not a JWK'],
    ['a JWK with a non-string kty', { ...rsaJwk, kty: 1 }, 'privateKey is an object but not a JWK'],
    [
      'a private JWK node:crypto cannot read',
      { kty: 'RSA', d: 'AAAA', n: 'AAAA', e: 'AQAB' },
      'privateKey is a JWK that node:crypto cannot read (kty RSA)',
    ],
    [
      'a JWK whose d is no string',
      { ...rsaJwk, d: 1 },
      'privateKey is a public JWK (no "d"); the private key is needed',
    ],
    ['whitespace only', ' \n\t ', 'privateKey is missing or empty'],
    ['a number', 42, 'privateKey is missing or empty'],
    ['null', null, 'privateKey is missing or empty'],
    [
      'a certificate',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      'privateKey is a public key or certificate; the private key is needed',
    ],
    [
      'an encrypted PEM',
      appKey.privateKey.export({
        format: 'pem',
        type: 'pkcs8',
        cipher: 'aes-256-cbc',
        passphrase: 'pw',
      }),
      'privateKey is encrypted; decrypt it first',
    ],
    ['a PEM-like text of no key', '-----BEGIN KEY-----\nAAAA', 'privateKey is not PEM or JWK'],
    [
      'a secret KeyObject',
      createSecretKey(Buffer.alloc(32, 1)),
      'privateKey is a secret KeyObject; a private key is needed',
    ],
    [
      'an Ed25519 key',
      generateKeyPairSync('ed25519').privateKey,
      'privateKey is a ed25519 key; Okta accepts RSA and EC (P-256, P-384, P-521) keys',
    ],
    [
      'an EC key on secp256k1',
      ec('secp256k1'),
      'privateKey is an EC key on a curve Okta does not accept (use P-256, P-384 or P-521)',
    ],
    [
      'an RSA JWK with an EC alg',
      { ...rsaJwk, alg: 'ES256' },
      'privateKey is a JWK whose "alg" "ES256" does not fit its RSA key',
    ],
    [
      'an EC JWK with an RSA alg',
      { ...ec('P-256').export({ format: 'jwk' }), alg: 'RS256' },
      'privateKey is a JWK whose "alg" "RS256" does not fit its EC key',
    ],
    [
      'a JWK with an alg Okta does not know',
      { ...rsaJwk, alg: 'RS999' },
      'privateKey is a JWK whose "alg" "RS999" does not fit its RSA key',
    ],
    [
      'a JWK with a numeric alg',
      { ...rsaJwk, alg: 256 },
      'privateKey is a JWK whose "alg" 256 does not fit its RSA key',
    ],
    [
      'an EC JWK whose alg is for another curve',
      { ...ec('P-256').export({ format: 'jwk' }), alg: 'ES384' },
      'privateKey has "alg" ES384 but its curve needs ES256',
    ],
  ];
  test.each(exactRefusals.map(([name, key, problem]) => ({ name, key, problem })))(
    '$name: the whole message',
    ({ key, problem }) => {
      expect(() => readPrivateKey(key, undefined)).toThrow(
        new OktaConfigError(`${problem}. ${EXPECTED}`),
      );
    },
  );

  test.each([
    ['RS256', 'rsa'],
    ['RS384', 'rsa'],
    ['RS512', 'rsa'],
    ['ES256', 'P-256'],
    ['ES384', 'P-384'],
    ['ES512', 'P-521'],
  ])('a JWK may declare alg %s for its %s key', (alg, kind) => {
    const jwk = kind === 'rsa' ? rsaJwk : ec(kind).export({ format: 'jwk' });
    expect(readPrivateKey({ ...jwk, alg }, undefined).alg).toBe(alg);
  });

  test('PEM and JSON are read with the whitespace around them', () => {
    expect(readPrivateKey(`\n  ${pkcs8}\n\n`, undefined).alg).toBe('RS256');
    const jwk = ec('P-384').export({ format: 'jwk' });
    expect(readPrivateKey(`\n\t ${JSON.stringify({ ...jwk, kid: 'k' })}`, undefined)).toMatchObject(
      {
        alg: 'ES384',
        kid: 'k',
      },
    );
  });

  test('the key read: its private JWK with the alg chosen, frozen; a JWK kid only if it is a string', () => {
    const read = readPrivateKey({ ...rsaJwk, alg: 'RS384', kid: 7 }, undefined);
    expect(read).toEqual({ jwk: { ...rsaJwk, alg: 'RS384' }, alg: 'RS384', kid: undefined });
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read.jwk)).toBe(true);
    const ecRead = readPrivateKey(ec('P-521'), 'kid-9');
    expect(ecRead.jwk).toMatchObject({ kty: 'EC', crv: 'P-521', alg: 'ES512' });
    expect(typeof ecRead.jwk['d']).toBe('string');
    expect(ecRead.kid).toBe('kid-9');
  });
});

describe('the DPoP key', () => {
  test('signs proofs on every supported Node without a deprecation (DEP0204 on Node 24)', async () => {
    // A plain Node process with --throw-deprecation: jest's own process may have warned already.
    const esbuild = await import('esbuild');
    const root = resolve(__dirname, '..');
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'okta-sessions-dpop-'));
    try {
      const bundle = join(dir, 'dpop.mjs');
      await esbuild.build({
        stdin: {
          contents: "export { DpopKey } from './src/oauth/dpop.ts';",
          resolveDir: root,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: bundle,
        logLevel: 'silent',
        packages: 'external',
      });
      const script = join(dir, 'script.mjs');
      writeFileSync(
        script,
        `import { DpopKey } from ${JSON.stringify(pathToFileURL(bundle).href)};
const key = DpopKey.generate();
const target = { method: 'GET', url: 'https://acme.okta.com/api/v1/sessions/x', accessToken: 't' };
console.log(key.proof(target).split('.').length);`,
      );
      const child = spawn(process.execPath, ['--throw-deprecation', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise((done) => child.on('exit', done));
      expect({ code, out }).toEqual({ code: 0, out: '3\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  const base = { orgUrl: 'https://acme.okta.com', clientId: '0oa1', privateKey: pkcs8 };

  test('exactly one credential', () => {
    expect(() => new OktaSessions({ ...base, apiToken: 'x'.repeat(40) })).toThrow(
      /Pass exactly one credential/,
    );
    expect(() => new OktaSessions({ ...base, accessToken: 'x'.repeat(40) })).toThrow(
      /Pass exactly one credential/,
    );
    expect(() => new OktaSessions({ orgUrl: base.orgUrl, clientId: '0oa1' })).toThrow(
      /without privateKey/,
    );
    expect(() => new OktaSessions({ orgUrl: base.orgUrl, privateKey: pkcs8 })).toThrow(/clientId/);
    expect(() => new OktaSessions({ ...base, authorizationMode: 'PrivateKey' })).not.toThrow();
    const bearer = { orgUrl: base.orgUrl, authorizationMode: 'Bearer' } as const;
    expect(new OktaSessions({ ...bearer, accessToken: 'x'.repeat(40) }).toJSON().auth).toBe(
      'oauth2',
    );
    expect(() => new OktaSessions({ ...bearer, apiToken: 'x'.repeat(40) })).toThrow(
      /authorizationMode "Bearer" needs an OAuth 2.0 access token\. Pass it as accessToken/,
    );
    expect(() => new OktaSessions({ ...base, authorizationMode: 'Weird' as never })).toThrow(
      /unknown/,
    );
    expect(() => new OktaSessions({ ...base, scopes: [] })).toThrow(/scopes/);
    expect(() => new OktaSessions({ ...base, scopes: ['a b'] })).toThrow(/scopes/);
  });

  test('default scopes are the ones the spec declares', () => {
    const config = resolveConfig(base, platform);
    expect(config.credential?.token).toBeUndefined();
    const app = (config.credential as { serviceApp: { scopes: readonly string[] } }).serviceApp;
    expect([...app.scopes].sort()).toEqual([MANAGE, READ]);
  });

  test('a browser refuses private-key auth with OktaConfigError', () => {
    expect(() => resolveConfig(base, { ...platform, isBrowser: true })).toThrow(OktaConfigError);
    expect(() => resolveConfig(base, { ...platform, isBrowser: true })).toThrow(
      /never belongs in a page/,
    );
  });

  test('createSession needs an API token: OktaConfigError before any I/O', async () => {
    const server = await startScriptedServer([]);
    const okta = new OktaSessions({ ...base, orgUrl: server.url });
    const error = await okta
      .createSession({ sessionToken: 'x'.repeat(30) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaConfigError);
    expect((error as Error).message).toMatch(
      /createSession needs an API token \(apiToken\), but this client has an OAuth 2.0 service app/,
    );
    expect(server.attempts).toBe(0);
  });

  test('fromEnv reads the official SDK variables', () => {
    const okta = OktaSessions.fromEnv({
      OKTA_CLIENT_ORGURL: 'https://acme.okta.com',
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      OKTA_CLIENT_CLIENTID: '0oa1',
      OKTA_CLIENT_PRIVATEKEY: pkcs8,
      OKTA_CLIENT_KEYID: 'kid-1',
      OKTA_CLIENT_SCOPES: `${READ}  ${MANAGE}`,
    });
    expect(okta.toJSON()).toEqual({ orgUrl: 'https://acme.okta.com', auth: 'privateKey' });
    expect(() =>
      OktaSessions.fromEnv({
        OKTA_CLIENT_ORGURL: 'https://acme.okta.com',
        OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
        OKTA_CLIENT_CLIENTID: '0oa1',
      }),
    ).toThrow(/OKTA_CLIENT_PRIVATEKEY/);
  });
});

describe('a service app spread over configuration layers', () => {
  const other = ecKey('old', 'P-256').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const env = {
    OKTA_CLIENT_CLIENTID: '0oaEnv',
    OKTA_CLIENT_KEYID: 'kid-env',
    OKTA_CLIENT_SCOPES: READ,
  };
  const assertionOf = (request: RecordedRequest) =>
    decodeJwt(form(request).get('client_assertion')!);

  test('a private key on top combines with the client id, key id and scopes below it', async () => {
    const server = await startScriptedServer([tokenBody('Bearer'), sessionOk()]);
    const okta = OktaSessions.fromEnv(
      { ...env, OKTA_CLIENT_ORGURL: server.url },
      { privateKey: pkcs8 },
    );
    await okta.getSession('102abc');
    const { header, claims } = assertionOf(server.requests[0]!);
    expect(claims['iss']).toBe('0oaEnv');
    expect(header['kid']).toBe('kid-env');
    expect(form(server.requests[0]!).get('scope')).toBe(READ);
  });

  test('a new private key drops the key id of the key it replaces; a keyId on top keeps the key below', async () => {
    const server = await startScriptedServer([
      tokenBody('Bearer'),
      sessionOk(),
      tokenBody('Bearer'),
      sessionOk(),
    ]);
    const below = { ...env, OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_PRIVATEKEY: other };
    await OktaSessions.fromEnv(below, { privateKey: pkcs8 }).getSession('102abc');
    expect(assertionOf(server.requests[0]!).header['kid']).toBeUndefined();
    await OktaSessions.fromEnv(below, { keyId: 'kid-2' }).getSession('102abc');
    const { header } = assertionOf(server.requests[2]!);
    expect(header['kid']).toBe('kid-2');
    expect(header['alg']).toBe('ES256');
  });

  test('another credential on top still replaces the whole service app, and the other way round', async () => {
    const server = await startScriptedServer([sessionOk(), sessionOk()]);
    const below = { ...env, OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_PRIVATEKEY: pkcs8 };
    await OktaSessions.fromEnv(below, { apiToken: 'a'.repeat(40) }).getSession('102abc');
    expect(server.requests[0]!.headers['authorization']).toBe(`SSWS ${'a'.repeat(40)}`);
    await OktaSessions.fromEnv(
      { OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_TOKEN: 'b'.repeat(40) },
      { accessToken: 'c'.repeat(40) },
    ).getSession('102abc');
    expect(server.requests[1]!.headers['authorization']).toBe(`Bearer ${'c'.repeat(40)}`);
    const app = OktaSessions.fromEnv(
      { OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_TOKEN: 'b'.repeat(40) },
      { clientId: '0oaX', privateKey: pkcs8 },
    );
    expect(app.toJSON().auth).toBe('privateKey');
  });
});

describe('the token request on the wire', () => {
  const client = (url: string, extra: Partial<OktaSessionsOptions> = {}) =>
    new OktaSessions({
      orgUrl: url,
      clientId: '0oaX',
      privateKey: pkcs8,
      keyId: 'kid-1',
      scopes: [READ],
      ...extra,
    });

  test('assertion and proof on the first request; use_dpop_nonce retried once with the nonce, a new jti and a new assertion', async () => {
    const server = await startScriptedServer([
      json(
        400,
        {
          error: 'use_dpop_nonce',
          error_description: 'Authorization server requires nonce in DPoP proof.',
        },
        { headers: { 'DPoP-Nonce': 'n-1' } },
      ),
      tokenBody('DPoP'),
      sessionOk('102abc'),
      sessionOk('102abc'),
    ]);
    const okta = client(server.url);
    await okta.getSession('102abc');
    await okta.getSession('102abc');
    const [first, second, api, api2] = server.requests as [
      RecordedRequest,
      RecordedRequest,
      RecordedRequest,
      RecordedRequest,
    ];
    const tokenUrl = `${server.url}/oauth2/v1/token`;
    for (const request of [first, second]) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/oauth2/v1/token');
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.headers['accept']).toBe('application/json');
      const fields = form(request);
      expect([...fields.keys()].sort()).toEqual([
        'client_assertion',
        'client_assertion_type',
        'grant_type',
        'scope',
      ]);
      expect(fields.get('grant_type')).toBe('client_credentials');
      expect(fields.get('scope')).toBe(READ);
      expect(fields.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      const { header, claims } = decodeJwt(fields.get('client_assertion')!);
      expect(header).toEqual({ alg: 'RS256', kid: 'kid-1' });
      expect(claims).toEqual({
        iss: '0oaX',
        sub: '0oaX',
        aud: tokenUrl,
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.any(String),
      });
      expect((claims['exp'] as number) - (claims['iat'] as number)).toBeLessThanOrEqual(300);
      expect(claims['iat']).toBeLessThanOrEqual(Date.now() / 1000);
      const dpop = decodeJwt(String(request.headers['dpop']));
      expect(dpop.header['typ']).toBe('dpop+jwt');
      expect(dpop.header['alg']).toBe('ES256');
      expect(Object.keys(dpop.header['jwk'] as object).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      // No `ath` on the token request: there is no access token yet.
      expect(dpop.claims).toEqual({
        htm: 'POST',
        htu: tokenUrl,
        iat: expect.any(Number),
        jti: expect.any(String),
        ...(request === second ? { nonce: 'n-1' } : {}),
      });
      expect(signedByItsJwk(String(request.headers['dpop']))).toBe(true);
    }
    const proofOf = (r: RecordedRequest) => decodeJwt(String(r.headers['dpop']));
    expect(proofOf(first).claims['nonce']).toBeUndefined();
    expect(proofOf(second).claims['nonce']).toBe('n-1');
    expect(proofOf(second).claims['jti']).not.toBe(proofOf(first).claims['jti']);
    expect(form(second).get('client_assertion')).not.toBe(form(first).get('client_assertion'));
    expect(decodeJwt(form(second).get('client_assertion')!).claims['jti']).not.toBe(
      decodeJwt(form(first).get('client_assertion')!).claims['jti'],
    );

    // API calls: Authorization: DPoP, a fresh proof per request with ath, the same proof key.
    for (const request of [api, api2]) {
      expect(request.headers['authorization']).toBe('DPoP tok-1');
      const proof = proofOf(request);
      expect(proof.claims).toEqual({
        htm: 'GET',
        htu: `${server.url}/api/v1/sessions/102abc`,
        iat: expect.any(Number),
        jti: expect.any(String),
        ath: ath('tok-1'),
      });
      expect(proof.header['jwk']).toEqual(proofOf(first).header['jwk']);
      expect(signedByItsJwk(String(request.headers['dpop']))).toBe(true);
    }
    expect(proofOf(api).claims['jti']).not.toBe(proofOf(api2).claims['jti']);
    expect(server.attempts).toBe(4); // one token, reused
  });

  test('the proof key is not the client key, even when that is an EC P-256 key', async () => {
    const ec = ecKey('e', 'P-256');
    const server = await startScriptedServer([tokenBody('DPoP'), sessionOk()]);
    await client(server.url, { privateKey: ec.privateKey }).getSession('102abc');
    const jwk = decodeJwt(String(server.requests[0]!.headers['dpop'])).header['jwk'] as {
      x: string;
    };
    expect(jwk.x).not.toBe(ec.publicJwk.x);
    expect(decodeJwt(form(server.requests[0]!).get('client_assertion')!).header['alg']).toBe(
      'ES256',
    );
  });

  test('a Bearer token is sent as Bearer without a proof; dpop: false sends no proof at all', async () => {
    const server = await startScriptedServer([tokenBody('Bearer'), sessionOk()]);
    await client(server.url).getSession('102abc');
    expect(server.requests[1]!.headers['authorization']).toBe('Bearer tok-1');
    expect(server.requests[1]!.headers['dpop']).toBeUndefined();
    const plain = await startScriptedServer([tokenBody('Bearer'), sessionOk()]);
    await client(plain.url, { dpop: false }).getSession('102abc');
    expect(plain.requests[0]!.headers['dpop']).toBeUndefined();
  });

  test('expires_in is seconds: a 2 s token is reused by the next call and renewed at half its life', async () => {
    const server = await startScriptedServer([
      tokenBody('Bearer', 'tok-1', 2),
      sessionOk(),
      sessionOk(),
      tokenBody('Bearer', 'tok-2', 2),
      sessionOk(),
    ]);
    const okta = client(server.url);
    await okta.getSession('102abc');
    await okta.getSession('102abc');
    // Half of 2 s after the token arrived it is renewed (less than 60 s to live: half its life).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await okta.getSession('102abc');
    expect(server.requests.map((r) => r.headers['authorization'] ?? r.url)).toEqual([
      '/oauth2/v1/token',
      'Bearer tok-1',
      'Bearer tok-1',
      '/oauth2/v1/token',
      'Bearer tok-2',
    ]);
  });

  test('a second use_dpop_nonce is not retried again', async () => {
    const nonce = (n: string) =>
      json(
        400,
        { error: 'use_dpop_nonce', error_description: 'nonce' },
        { headers: { 'DPoP-Nonce': n } },
      );
    const server = await startScriptedServer([nonce('a'), nonce('b')]);
    const error = await client(server.url)
      .getSession('102abc')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaOAuthError);
    expect((error as OktaOAuthError).error).toBe('use_dpop_nonce');
    expect(server.attempts).toBe(2);
  });

  test('503 and 429 at the token endpoint are retried with a new assertion and proof; onRetry names the token request', async () => {
    const retries: unknown[] = [];
    const server = await startScriptedServer([
      json(503, { errorCode: 'E0000009' }),
      json(
        429,
        { errorCode: 'E0000047' },
        { headers: { 'X-Rate-Limit-Reset': String(Math.floor(Date.now() / 1000)) } },
      ),
      tokenBody('DPoP'),
      sessionOk(),
    ]);
    await client(server.url, { onRetry: (info) => retries.push(info) }).getSession('102abc');
    expect(server.attempts).toBe(4);
    const assertions = server.requests.slice(0, 3).map((r) => form(r).get('client_assertion'));
    const proofs = server.requests.slice(0, 3).map((r) => r.headers['dpop']);
    expect(new Set(assertions).size).toBe(3);
    expect(new Set(proofs).size).toBe(3);
    expect(retries).toEqual([
      expect.objectContaining({
        operationId: 'getAccessToken',
        attempt: 1,
        status: 503,
        reason: 'server-error',
      }),
      expect.objectContaining({
        operationId: 'getAccessToken',
        attempt: 2,
        status: 429,
        reason: 'rate-limit',
      }),
    ]);
  });

  test('invalid_client becomes OktaOAuthError with Okta-like message; not retried, not cached', async () => {
    const refused = json(
      401,
      {
        error: 'invalid_client',
        error_description: 'The client_assertion token has an invalid audience.',
      },
      { requestId: 'req-1' },
    );
    const server = await startScriptedServer([refused, refused]);
    const okta = client(server.url);
    const error = (await okta.getSession('102abc').catch((e: unknown) => e)) as OktaOAuthError;
    expect(error).toBeInstanceOf(OktaOAuthError);
    expect(error).toBeInstanceOf(OktaApiError);
    expect(error.name).toBe('OktaOAuthError');
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_client');
    expect(error.errorDescription).toBe('The client_assertion token has an invalid audience.');
    expect(error.requestId).toBe('req-1');
    expect(error.message).toBe(
      'Okta OAuth 401 invalid_client: The client_assertion token has an invalid audience. (POST /oauth2/v1/token, request req-1)',
    );
    expect(server.attempts).toBe(1);
    await expect(okta.getSession('102abc')).rejects.toThrow(OktaOAuthError);
    expect(server.attempts).toBe(2);
  });

  test('a malformed token response is OktaInvalidResponseError', async () => {
    const server = await startScriptedServer([
      json(200, { token_type: 'Bearer', expires_in: 3600 }),
    ]);
    await expect(
      client(server.url, { retry: { maxRetries: 0 } }).getSession('102abc'),
    ).rejects.toThrow(OktaInvalidResponseError);
  });

  const TOKEN_RESPONSES: [string, string, string][] = [
    ['not JSON', 'tok', 'the token response is not JSON'],
    ['null', 'null', 'the token response has no usable access_token'],
    [
      'an empty access_token',
      '{"token_type":"Bearer","expires_in":60,"access_token":""}',
      'the token response has no usable access_token',
    ],
    [
      'a numeric access_token',
      '{"token_type":"Bearer","expires_in":60,"access_token":7}',
      'the token response has no usable access_token',
    ],
    [
      'an access_token no header can carry',
      '{"token_type":"Bearer","expires_in":60,"access_token":"a\\nb"}',
      'the token response has no usable access_token',
    ],
    [
      'no token_type',
      '{"expires_in":60,"access_token":"tok"}',
      'the token response has a token_type other than Bearer or DPoP',
    ],
    [
      'token_type N_A',
      '{"token_type":"N_A","expires_in":60,"access_token":"tok"}',
      'the token response has a token_type other than Bearer or DPoP',
    ],
    [
      'expires_in as a string',
      '{"token_type":"Bearer","expires_in":"60","access_token":"tok"}',
      'the token response has no positive expires_in',
    ],
    [
      'expires_in 0',
      '{"token_type":"Bearer","expires_in":0,"access_token":"tok"}',
      'the token response has no positive expires_in',
    ],
    [
      'no expires_in',
      '{"token_type":"Bearer","access_token":"tok"}',
      'the token response has no positive expires_in',
    ],
  ];
  test.each(TOKEN_RESPONSES.map(([name, body, problem]) => ({ name, body, problem })))(
    'a token response with $name is OktaInvalidResponseError: "$problem"',
    async ({ body, problem }) => {
      const server = await startScriptedServer([
        text(200, body, { headers: { 'Content-Type': 'application/json' } }),
      ]);
      const error = await client(server.url, { retry: { maxRetries: 0 } })
        .getSession('102abc')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OktaInvalidResponseError);
      expect((error as Error).message).toContain(problem);
      expect(server.attempts).toBe(1);
    },
  );

  test.each([
    ['bearer', 'Bearer'],
    ['BEARER', 'Bearer'],
    ['dpop', 'DPoP'],
    ['DPOP', 'DPoP'],
  ])('token_type %s is read as %s, whatever its case', async (type, scheme) => {
    const server = await startScriptedServer([
      json(200, { token_type: type, expires_in: 60, access_token: 'tok-case' }),
      sessionOk('102abc'),
    ]);
    await client(server.url).getSession('102abc');
    expect(server.requests[1]!.headers['authorization']).toBe(`${scheme} tok-case`);
  });

  test('a DPoP-Nonce on another token error is no reason to ask again', async () => {
    const server = await startScriptedServer([
      json(
        400,
        { error: 'invalid_client', error_description: 'no' },
        { headers: { 'DPoP-Nonce': 'n-x' } },
      ),
      tokenBody('DPoP'),
    ]);
    const error = await client(server.url, { retry: { maxRetries: 0 } })
      .getSession('102abc')
      .catch((e: unknown) => e);
    expect((error as OktaOAuthError).error).toBe('invalid_client');
    expect(server.attempts).toBe(1);
  });

  test("a resource's use_dpop_nonce for a Bearer token is not repeated", async () => {
    const server = await startScriptedServer([
      tokenBody('Bearer'),
      json(
        401,
        { error: 'use_dpop_nonce', error_description: 'nonce' },
        {
          headers: {
            'DPoP-Nonce': 'n-r',
            'WWW-Authenticate': 'DPoP error="use_dpop_nonce"',
          },
        },
      ),
      sessionOk('102abc'),
    ]);
    const error = await client(server.url, { retry: { maxRetries: 0 } })
      .getSession('102abc')
      .catch((e: unknown) => e);
    expect((error as OktaOAuthError).error).toBe('use_dpop_nonce');
    expect(server.attempts).toBe(2);
  });

  test('several scopes go in one space-separated scope field', async () => {
    const server = await startScriptedServer([tokenBody('Bearer'), sessionOk('102abc')]);
    await client(server.url, { scopes: [READ, MANAGE] }).getSession('102abc');
    expect(form(server.requests[0]!).getAll('scope')).toEqual([`${READ} ${MANAGE}`]);
  });

  test('an oversized token response is OktaInvalidResponseError, not a network error', async () => {
    const server = await startScriptedServer([
      json(200, { token_type: 'Bearer', expires_in: 3600, access_token: 'x'.repeat(70_000) }),
    ]);
    const error = await client(server.url, { retry: { maxRetries: 0 } })
      .getSession('102abc')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaInvalidResponseError);
    expect((error as Error).message).toMatch(/larger than/);
  });

  test('the token request keeps timeoutMs', async () => {
    const server = await startScriptedServer([neverAnswer()]);
    const error = await client(server.url, { timeoutMs: 200, retry: { maxRetries: 0 } })
      .getSession('102abc')
      .catch((e: unknown) => e);
    // The call's attempt and the token request it waits for share timeoutMs: either may end first.
    expect(error).toBeInstanceOf(OktaTimeoutError);
    expect(server.attempts).toBe(1);
  });

  test('a token request that outlives its timeoutMs is an OktaTimeoutError naming it', async () => {
    const server = await startScriptedServer([neverAnswer()]);
    const okta = client(server.url, { timeoutMs: 200, retry: { maxRetries: 0 } });
    const error = await okta.getSession('102abc', { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaTimeoutError);
    expect((error as Error).message).toMatch(/POST \/oauth2\/v1\/token/);
  });

  test("the caller's signal ends a call waiting for its token", async () => {
    const server = await startScriptedServer([neverAnswer()]);
    const controller = new AbortController();
    const pending = client(server.url, { timeoutMs: 10_000 }).getSession('102abc', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const started = Date.now();
    await expect(pending).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a resource 400 with WWW-Authenticate and an empty body is OktaOAuthError, not repeated', async () => {
    const server = await startScriptedServer([
      tokenBody('DPoP'),
      empty(400, {
        headers: {
          'WWW-Authenticate':
            'DPoP algs="ES256", error="invalid_dpop_proof", error_description="DPoP proof \\"ath\\" is invalid", resource="/api/v1/sessions/102abc"',
        },
        requestId: 'req-2',
      }),
    ]);
    const error = (await client(server.url)
      .getSession('102abc')
      .catch((e: unknown) => e)) as OktaOAuthError;
    expect(error).toBeInstanceOf(OktaOAuthError);
    expect(error.status).toBe(400);
    expect(error.error).toBe('invalid_dpop_proof');
    expect(error.errorDescription).toBe('DPoP proof "ath" is invalid');
    expect(error.message).toBe(
      'Okta OAuth 400 invalid_dpop_proof: DPoP proof "ath" is invalid (GET /api/v1/sessions/102abc, request req-2)',
    );
    expect(server.attempts).toBe(2);
  });

  test("a resource's use_dpop_nonce is retried once with its nonce, which later calls reuse", async () => {
    const wantNonce = (n: string) =>
      empty(401, {
        headers: {
          'WWW-Authenticate':
            'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
          'DPoP-Nonce': n,
        },
      });
    const server = await startScriptedServer([
      tokenBody('DPoP'),
      wantNonce('r-1'),
      sessionOk(),
      sessionOk(),
      wantNonce('r-2'),
      wantNonce('r-3'),
    ]);
    const okta = client(server.url);
    await okta.getSession('102abc');
    await okta.getSession('102abc');
    const nonces = server.requests
      .slice(1)
      .map((r) => decodeJwt(String(r.headers['dpop'])).claims['nonce']);
    expect(nonces).toEqual([undefined, 'r-1', 'r-1']);
    const error = (await okta.getSession('102abc').catch((e: unknown) => e)) as OktaOAuthError;
    expect(error.error).toBe('use_dpop_nonce');
    expect(server.attempts).toBe(6); // one repeat, not two
  });

  test('a 401 drops the token, fetches a new one and repeats the call once', async () => {
    const invalid = json(
      401,
      { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
      {
        headers: {
          'WWW-Authenticate':
            'DPoP error="invalid_token", error_description="The access token is invalid."',
        },
      },
    );
    const server = await startScriptedServer([
      tokenBody('DPoP', 'tok-1'),
      invalid,
      tokenBody('DPoP', 'tok-2'),
      invalid,
    ]);
    const error = (await client(server.url)
      .getSession('102abc')
      .catch((e: unknown) => e)) as OktaOAuthError;
    expect(error).toBeInstanceOf(OktaOAuthError);
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_token');
    expect(error.errorCode).toBe('E0000011');
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual([
      undefined,
      'DPoP tok-1',
      undefined,
      'DPoP tok-2',
    ]);
  });

  test("a new token's proof carries the new token's ath, not the old one's", async () => {
    const invalid = json(
      401,
      { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
      { headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' } },
    );
    const server = await startScriptedServer([
      tokenBody('DPoP', 'tok-1'),
      invalid,
      tokenBody('DPoP', 'tok-2'),
      sessionOk(),
    ]);
    await client(server.url).getSession('102abc');
    const aths = [server.requests[1]!, server.requests[3]!].map(
      (r) => decodeJwt(String(r.headers['dpop'])).claims['ath'],
    );
    expect(aths).toEqual([ath('tok-1'), ath('tok-2')]);
  });

  test("okta.raw with a caller's query: the proof's htu is scheme, host and path only", async () => {
    const server = await startScriptedServer([tokenBody('DPoP'), sessionOk()]);
    await client(server.url).raw.GET('/api/v1/sessions/{sessionId}', {
      params: { path: { sessionId: '102abc' } },
      // The spec declares no query; a caller's own serializer can still add one.
      querySerializer: () => 'expand=user#part',
    });
    const api = server.requests[1]!;
    expect(api.url).toBe('/api/v1/sessions/102abc?expand=user');
    expect(decodeJwt(String(api.headers['dpop'])).claims['htu']).toBe(
      `${server.url}/api/v1/sessions/102abc`,
    );
  });
});

describe("token_type against the client's DPoP setting", () => {
  // Each case has a token endpoint written for it: it answers the token_type under test and
  // records what the client sent, and the API answers with a Session.
  const client = (url: string, extra: Partial<OktaSessionsOptions> = {}) =>
    new OktaSessions({
      orgUrl: url,
      clientId: '0oaX',
      privateKey: pkcs8,
      scopes: [READ],
      ...extra,
    });
  const UNBOUND =
    'The token endpoint answered a token request carrying a DPoP proof with a Bearer token: the app does not require DPoP, so its tokens are not bound to this client. The client uses them as Bearer tokens. Turn on "Require Demonstrating Proof of Possession (DPoP) header in token requests" for the app in Okta, or set dpop: false to stop sending proofs';

  test('an unknown token_type is OktaInvalidResponseError, and no API request is sent', async () => {
    const server = await startScriptedServer([
      json(200, { token_type: 'MAC', expires_in: 3600, access_token: 'tok-mac' }),
    ]);
    const error = await client(server.url, { retry: { maxRetries: 0 } })
      .getSession('102abc')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaInvalidResponseError);
    expect((error as Error).message).toContain(
      'the token response has a token_type other than Bearer or DPoP',
    );
    expect(server.attempts).toBe(1);
  });

  test('a DPoP token to a client without a DPoP key: OktaInvalidResponseError saying to enable dpop, never sent', async () => {
    const server = await startScriptedServer([
      tokenBody('DPoP', 'tok-d'),
      tokenBody('DPoP', 'tok-d2'),
    ]);
    const okta = client(server.url, { dpop: false, retry: { maxRetries: 0 } });
    for (let call = 1; call <= 2; call++) {
      const error = await okta.getSession('102abc').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OktaInvalidResponseError);
      expect((error as Error).message).toMatch(
        /^Okta HTTP 200 with an unusable body: the token endpoint issued a DPoP token to a token request without a DPoP proof, and a DPoP token needs one on every request: enable dpop \(leave it out or set dpop: true\), as the app requires DPoP \(POST \/oauth2\/v1\/token, request req-/,
      );
    }
    // Each call asked again (nothing was cached), and no request ever carried the token.
    expect(server.requests.map((r) => [r.url, r.headers['dpop']])).toEqual([
      ['/oauth2/v1/token', undefined],
      ['/oauth2/v1/token', undefined],
    ]);
  });

  test('a Bearer token answered to a proof is used as Bearer and reported once through onWarning', async () => {
    const unauthorized = json(401, { errorCode: 'E0000011', errorSummary: 'Invalid token' });
    const server = await startScriptedServer([
      tokenBody('Bearer', 'tok-b1'),
      sessionOk('102abc'),
      unauthorized,
      tokenBody('Bearer', 'tok-b2'),
      sessionOk('102abc'),
    ]);
    const warnings: OktaWarning[] = [];
    const okta = client(server.url, { onWarning: (w) => warnings.push(w) });
    await okta.getSession('102abc');
    // A 401 drops the token: the second token request, with its own proof, gets Bearer again.
    await okta.getSession('102abc');
    const [token1, api1, api2, token2, api3] = server.requests as RecordedRequest[] as [
      RecordedRequest,
      RecordedRequest,
      RecordedRequest,
      RecordedRequest,
      RecordedRequest,
    ];
    expect([token1, token2].every((r) => typeof r.headers['dpop'] === 'string')).toBe(true);
    expect([api1, api2, api3].map((r) => [r.headers['authorization'], r.headers['dpop']])).toEqual([
      ['Bearer tok-b1', undefined],
      ['Bearer tok-b1', undefined],
      ['Bearer tok-b2', undefined],
    ]);
    expect(warnings).toEqual([{ code: 'OKTA_SESSIONS_DPOP_NOT_BOUND', message: UNBOUND }]);
  });

  test('no warning when no proof was sent (dpop: false) or when the token is DPoP', async () => {
    const server = await startScriptedServer([
      tokenBody('Bearer'),
      sessionOk('102abc'),
      tokenBody('DPoP'),
      sessionOk('102abc'),
    ]);
    const warnings: OktaWarning[] = [];
    await client(server.url, { dpop: false, onWarning: (w) => warnings.push(w) }).getSession(
      '102abc',
    );
    await client(server.url, { onWarning: (w) => warnings.push(w) }).getSession('102abc');
    expect(server.requests[3]!.headers['authorization']).toBe('DPoP tok-1');
    expect(typeof server.requests[3]!.headers['dpop']).toBe('string');
    expect(warnings).toEqual([]);
  });
});

describe('token lifetime, on a manual clock', () => {
  const SECOND = 1000;
  const T0 = Date.parse('2026-11-29T10:00:00Z');

  /** A cache on a clock the test moves; each fetch issues a token living `expiresInS` from then. */
  function clocked(expiresInS: number) {
    let now = T0;
    let fetches = 0;
    const cache = new TokenCache(
      async () => {
        fetches += 1;
        return {
          accessToken: `tok-${fetches}`,
          tokenType: 'Bearer',
          expiresAt: expiresAtOf(now, expiresInS),
        };
      },
      () => now,
    );
    /** The token a call made `ms` after T0 gets. */
    const at = async (ms: number) => {
      now = T0 + ms;
      return (await cache.get()).accessToken;
    };
    return { at };
  }

  test('expiresAtOf reads expires_in as seconds and keeps 60 s, or half the life if shorter', () => {
    expect(expiresAtOf(T0, 3600) - T0).toBe(3540 * SECOND);
    expect(expiresAtOf(T0, 121) - T0).toBe(61 * SECOND);
    expect(expiresAtOf(T0, 100) - T0).toBe(50 * SECOND);
    expect(expiresAtOf(T0, 1) - T0).toBe(SECOND / 2);
  });

  test('an hour-long token is reused 61 s before it expires and renewed 59 s before', async () => {
    const { at } = clocked(3600);
    expect(await at(0)).toBe('tok-1');
    expect(await at((3600 - 61) * SECOND)).toBe('tok-1');
    expect(await at((3600 - 59) * SECOND)).toBe('tok-2');
    expect(await at((3600 - 58) * SECOND)).toBe('tok-2');
  });

  test('a token with 100 s to live is renewed at half its life (50 s)', async () => {
    const { at } = clocked(100);
    expect(await at(0)).toBe('tok-1');
    expect(await at(50 * SECOND - 1)).toBe('tok-1');
    expect(await at(50 * SECOND)).toBe('tok-2');
  });
});

describe('end to end against the emulator', () => {
  let skew = 0;
  let emu: Emulator;
  const dpopKey = appKey;
  const ecApp: TestKey = ecKey('ec-kid', 'P-384');
  beforeAll(async () => {
    emu = await startEmulator({
      now: () => Date.now() + skew,
      accessTokenTtlSeconds: 240,
      clients: {
        '0oaDpop': {
          jwks: [dpopKey.publicJwk, ecApp.publicJwk],
          scopes: [READ, MANAGE],
          dpop: true,
        },
        '0oaBearer': { jwks: [dpopKey.publicJwk], scopes: [READ, MANAGE] },
        '0oaRead': { jwks: [dpopKey.publicJwk], scopes: [READ], dpop: true },
      },
    });
  });
  afterAll(() => emu.close());
  afterEach(() => {
    skew = 0;
  });

  const admin = () => new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
  const newSession = async () =>
    (await admin().createSession({ sessionToken: emu.issueSessionToken() })).id as string;

  /** A fetch that counts token requests and API requests, then sends them for real. */
  function counting() {
    const counts = { token: 0, api: 0, authorizations: [] as string[] };
    const fetch = ((request: Request) => {
      if (new URL(request.url).pathname === '/oauth2/v1/token') counts.token++;
      else {
        counts.api++;
        counts.authorizations.push(request.headers.get('authorization') ?? '');
      }
      return globalThis.fetch(request);
    }) as typeof globalThis.fetch;
    return { counts, fetch };
  }

  test('DPoP: every session operation, and okta.raw, with DPoP-bound tokens', async () => {
    const id = await newSession();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: pkcs8,
      keyId: 'kid-1',
    });
    expect((await okta.getSession(id)).id).toBe(id);
    expect((await okta.refreshSession(id)).id).toBe(id);
    const raw = await okta.raw.GET('/api/v1/sessions/{sessionId}', {
      params: { path: { sessionId: id } },
    });
    expect(raw.data?.id).toBe(id);
    await okta.revokeSession(id);
    await expect(okta.getSession(id)).rejects.toMatchObject({ status: 404 });
  });

  test('DPoP with an EC P-384 client key (ES384 assertion) from a JWK string', async () => {
    const id = await newSession();
    const jwk = JSON.stringify({ ...ecApp.privateKey.export({ format: 'jwk' }), kid: 'ec-kid' });
    const okta = new OktaSessions({ orgUrl: emu.url, clientId: '0oaDpop', privateKey: jwk });
    expect((await okta.getSession(id)).id).toBe(id);
  });

  test('Bearer: an app without DPoP issues Bearer tokens, with or without our proof', async () => {
    const id = await newSession();
    for (const dpop of [true, false]) {
      const { counts, fetch } = counting();
      const warnings: string[] = [];
      const okta = new OktaSessions({
        orgUrl: emu.url,
        clientId: '0oaBearer',
        privateKey: pkcs8,
        dpop,
        fetch,
        onWarning: (w) => warnings.push(w.code),
      });
      expect((await okta.getSession(id)).id).toBe(id);
      expect(counts.authorizations[0]).toMatch(/^Bearer /);
      // Our proof went unanswered: said once, and only when a proof was sent.
      expect(warnings).toEqual(dpop ? ['OKTA_SESSIONS_DPOP_NOT_BOUND'] : []);
    }
  });

  test('50 concurrent first calls make one token request', async () => {
    const id = await newSession();
    const { counts, fetch } = counting();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: pkcs8,
      keyId: 'kid-1',
      fetch,
    });
    const sessions = await Promise.all(Array.from({ length: 50 }, () => okta.getSession(id)));
    expect(sessions.every((s) => s.id === id)).toBe(true);
    // One token request: answered use_dpop_nonce once (a new client has no nonce), then repeated.
    expect(counts.token).toBe(2);
    expect(counts.api).toBe(50);
    expect(new Set(counts.authorizations).size).toBe(1);
    const bearer = counting();
    const plain = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaBearer',
      privateKey: pkcs8,
      fetch: bearer.fetch,
    });
    await Promise.all(Array.from({ length: 50 }, () => plain.getSession(id)));
    expect(bearer.counts.token).toBe(1);
  });

  test('50 concurrent first calls on the built-in transport all succeed', async () => {
    const id = await newSession();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: pkcs8,
      keyId: 'kid-1',
    });
    const sessions = await Promise.all(Array.from({ length: 50 }, () => okta.getSession(id)));
    expect(sessions.every((s) => s.id === id)).toBe(true);
  });

  test('a revoked token is refetched once and the call repeated', async () => {
    const id = await newSession();
    const { counts, fetch } = counting();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: pkcs8,
      keyId: 'kid-1',
      fetch,
    });
    await okta.getSession(id);
    expect(counts.token).toBe(2); // without, then with the nonce
    emu.revokeAccessTokens();
    await okta.getSession(id);
    expect(counts.token).toBe(3); // the nonce is remembered
    expect(counts.api).toBe(3);
    expect(counts.authorizations[1]).toBe(counts.authorizations[0]);
    expect(counts.authorizations[2]).not.toBe(counts.authorizations[0]);
  });

  test("a token expired by the emulator's clock is refetched once", async () => {
    const id = await newSession();
    const { counts, fetch } = counting();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: pkcs8,
      keyId: 'kid-1',
      fetch,
    });
    await okta.getSession(id);
    // The emulator's clock runs 250 s ahead: past the 240 s token lifetime there, while the
    // client (renewing 60 s early by its own clock) still holds the token as fresh.
    skew = 250_000;
    await okta.getSession(id);
    expect(counts.token).toBe(3);
    expect(counts.api).toBe(3);
    expect(counts.authorizations[2]).not.toBe(counts.authorizations[0]);
  });

  test('a nonce rotation mid-run: the next token request is answered use_dpop_nonce and retried', async () => {
    const id = await newSession();
    const { counts, fetch } = counting();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: pkcs8,
      keyId: 'kid-1',
      fetch,
    });
    await okta.getSession(id);
    const first = counts.token;
    emu.rotateDpopNonce();
    emu.revokeAccessTokens();
    await okta.getSession(id);
    expect(first).toBe(2); // no nonce, then with nonce
    expect(counts.token).toBe(4); // stale nonce, then the new one
  });

  test('scopes outside the app grant fail with invalid_scope; read-only scopes cannot refresh', async () => {
    const id = await newSession();
    const tooMuch = new OktaSessions({ orgUrl: emu.url, clientId: '0oaRead', privateKey: pkcs8 });
    await expect(tooMuch.getSession(id)).rejects.toMatchObject({
      name: 'OktaOAuthError',
      status: 400,
      error: 'invalid_scope',
    });
    const readOnly = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaRead',
      privateKey: pkcs8,
      scopes: [READ],
    });
    expect((await readOnly.getSession(id)).id).toBe(id);
    await expect(readOnly.refreshSession(id)).rejects.toMatchObject({
      status: 403,
      error: 'insufficient_scope',
    });
  });

  test('a wrong key is invalid_client from the emulator', async () => {
    const okta = new OktaSessions({
      orgUrl: emu.url,
      clientId: '0oaDpop',
      privateKey: rsaKey('kid-1').privateKey,
      keyId: 'kid-1',
    });
    await expect(okta.getSession('102abc')).rejects.toMatchObject({
      name: 'OktaOAuthError',
      status: 401,
      error: 'invalid_client',
      errorDescription: 'The client_assertion signature is invalid.',
    });
  });

  test("the resource server's nonce (RFC 9449 §9) end to end", async () => {
    const strict = await startEmulator({
      dpopResourceNonce: true,
      clients: { app: { jwks: [dpopKey.publicJwk], scopes: [READ], dpop: true } },
    });
    try {
      const id = (
        await new OktaSessions({ orgUrl: strict.url, apiToken: strict.apiToken }).createSession({
          sessionToken: strict.issueSessionToken(),
        })
      ).id as string;
      const { counts, fetch } = counting();
      const okta = new OktaSessions({
        orgUrl: strict.url,
        clientId: 'app',
        privateKey: pkcs8,
        scopes: [READ],
        fetch,
      });
      await okta.getSession(id);
      await okta.getSession(id);
      expect(counts.api).toBe(3);
    } finally {
      await strict.close();
    }
  });
});

describe('secrets', () => {
  test('a service app shows its client id and DPoP mode only', async () => {
    // ServiceApp imported directly: the client keeps it in a private field, out of inspect's
    // reach, so only its own inspect can be asked. Imported inside the test, as the class (its
    // inspect key too) is made at import and Stryker's per-test coverage only sees the test.
    let ServiceApp!: typeof import('../src/oauth/service-app.js').ServiceApp;
    await jest.isolateModulesAsync(async () => {
      ({ ServiceApp } = await import('../src/oauth/service-app.js'));
    });
    const key = readPrivateKey(pkcs8, 'kid-1');
    const send = () => Promise.reject(new Error('no token request here'));
    for (const dpop of [true, false]) {
      const clock = { now: () => 0, setTimeout: () => undefined, clearTimeout: () => undefined };
      const config = { clientId: '0oa1', key, scopes: [READ], dpop, ungranted: {} };
      const app = new ServiceApp(config, send, ORG, clock, () => undefined);
      expect(inspect(app)).toBe(`ServiceApp { clientId: '0oa1', dpop: ${dpop} }`);
    }
  });

  test('no key, assertion, token or proof in errors, messages, stacks, inspect, JSON or onRetry', async () => {
    const jwk = appKey.privateKey.export({ format: 'jwk' });
    // A server that echoes everything it gets back in its error descriptions and headers.
    const echo =
      (status: number, extra: Record<string, string> = {}) =>
      ({
        req,
        res,
        request,
      }: {
        req: import('node:http').IncomingMessage;
        res: import('node:http').ServerResponse;
        request: RecordedRequest;
      }) => {
        const fields = new URLSearchParams(request.body);
        const said = `${fields.get('client_assertion') ?? ''} ${req.headers['dpop'] ?? ''} ${req.headers['authorization'] ?? ''}`;
        const body = JSON.stringify({
          error: 'invalid_client',
          error_description: said,
          errorSummary: said,
        });
        res.writeHead(status, {
          'Content-Type': 'application/json',
          'WWW-Authenticate': `DPoP error="invalid_token", error_description="${said.replace(/"/g, '')}"`,
          ...extra,
        });
        res.end(body);
      };
    const seen: string[] = [];
    const retries: unknown[] = [];
    const server = await startScriptedServer([
      echo(503),
      echo(401),
      tokenBody('DPoP', 'tok-secret-123456'),
      echo(401),
      tokenBody('DPoP', 'tok-secret-abcdef'),
      echo(400),
    ]);
    const okta = new OktaSessions({
      orgUrl: server.url,
      clientId: '0oaX',
      privateKey: jwk,
      onRetry: (i) => retries.push(i),
    });
    /** What the constructor throws for a bad private key; the test fails if it accepts it. */
    const refusal = (privateKey: unknown): unknown => {
      let refused: unknown = 'accepted';
      try {
        new OktaSessions({ orgUrl: server.url, clientId: '0oaX', privateKey: privateKey as never });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(OktaConfigError);
      return refused;
    };
    const errors: unknown[] = [
      await okta.getSession('102abc').catch((e: unknown) => e), // 503 retried, then 401 at the token endpoint
      await okta.getSession('102abc').catch((e: unknown) => e), // 401 at the resource, refetch, 400
      refusal('not a key'),
      refusal({ ...jwk, kty: 'oct' }),
      refusal(appKey.publicJwk),
      refusal(JSON.stringify(jwk).slice(0, -5)),
    ];
    expect(errors.map((e) => (e as Error).constructor.name)).toEqual([
      'OktaOAuthError',
      'OktaOAuthError',
      'OktaConfigError',
      'OktaConfigError',
      'OktaConfigError',
      'OktaConfigError',
    ]);
    for (const error of errors) {
      const e = error as Error & { cause?: unknown };
      seen.push(
        e.message,
        String(e.stack),
        inspect(e, { depth: 10 }),
        JSON.stringify(e),
        inspect(e.cause, { depth: 10 }),
      );
    }
    seen.push(inspect(okta, { depth: 10 }), JSON.stringify(okta), JSON.stringify(retries));
    const secrets = [
      jwk.d!,
      ...pkcs8.split('\n').filter((line) => line.length > 40),
      'tok-secret-123456',
      'tok-secret-abcdef',
      ...server.requests.flatMap((r) => [
        new URLSearchParams(r.body).get('client_assertion'),
        r.headers['dpop'] as string | undefined,
      ]),
    ].filter((s): s is string => typeof s === 'string' && s.length > 0);
    expect(secrets.length).toBeGreaterThan(8);
    const all = seen.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).toContain('[REDACTED]');
    expect((errors[1] as OktaOAuthError).status).toBe(400);
  });
});

describe('the service app token cache', () => {
  const { json } = fetchHarness; // test/helpers/fetch-harness.ts's own
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const unauthorized = (): Response =>
    json(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' });

  /**
   * A service app client (Bearer tokens) whose fetch issues tok-1, tok-2, … living `expiresIn`
   * seconds, and answers API calls with `api` (by default 200 with a Session).
   */
  function serviceApp(
    expiresIn: number,
    api: (authorization: string | null) => Response | Promise<Response> = ok,
  ) {
    const tokenRequests: number[] = [];
    const apiCalls: (string | null)[] = [];
    const fetch = (async (request: Request) => {
      if (new URL(request.url).pathname === '/oauth2/v1/token') {
        tokenRequests.push(Date.now());
        return json(200, {
          token_type: 'Bearer',
          expires_in: expiresIn,
          access_token: `tok-${tokenRequests.length}`,
          scope: 'okta.sessions.read',
        });
      }
      const authorization = request.headers.get('authorization');
      apiCalls.push(authorization);
      return api(authorization);
    }) as typeof globalThis.fetch;
    const okta = new OktaSessions({
      orgUrl: ORG,
      clientId: '0oa1',
      privateKey: pem,
      dpop: false,
      throttle: false,
      fetch,
    });
    return { okta, tokenRequests, apiCalls };
  }

  test('a token of 60 s is reused at once (renewed at half its life, not 60 s before expiry)', async () => {
    const app = serviceApp(60);

    await app.okta.getSession(SESSION_ID);
    await app.okta.getSession(SESSION_ID);

    expect(app.tokenRequests).toHaveLength(1);
    expect(app.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });

  test('a token of 1 s is renewed after half a second', async () => {
    const app = serviceApp(1);

    await app.okta.getSession(SESSION_ID);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await app.okta.getSession(SESSION_ID);

    expect(app.tokenRequests).toHaveLength(2);
    expect(app.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  // A 401 drops the token the refused request carried (attempt.ts keeps it beside the error),
  // not whichever token is cached when the answer arrives. Before, a 401 that arrived after
  // another call had fetched a new token dropped the new one (a token request per refused call
  // under a burst); one that arrived while that fetch was in flight found no token and was not
  // repeated.
  function revokedWithTwoCallsInFlight() {
    const held: ((response: Response) => void)[] = [];
    const app = serviceApp(3600, (authorization) =>
      authorization === 'Bearer tok-1'
        ? new Promise<Response>((resolve) => held.push(resolve))
        : ok(),
    );
    const first = app.okta.getSession(SESSION_ID);
    const second = app.okta.getSession(SESSION_ID);
    const bothSent = async () => {
      while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    return { ...app, held, first, second, bothSent };
  }

  test('a 401 for an old token does not drop the newer one another call fetched meanwhile', async () => {
    const run = revokedWithTwoCallsInFlight();
    await run.bothSent();

    // The first 401 drops tok-1 and its repeat fetches tok-2.
    run.held[0]!(unauthorized());
    expect((await run.first).id).toBe(SESSION_ID);
    // The second call's 401 was for tok-1: tok-2 stays, and its repeat uses it.
    run.held[1]!(unauthorized());
    expect((await run.second).id).toBe(SESSION_ID);

    expect(run.tokenRequests).toHaveLength(2);
    expect(run.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2']);
  });

  test('two calls refused at the same moment are both repeated, sharing one new token', async () => {
    const run = revokedWithTwoCallsInFlight();
    await run.bothSent();

    run.held[0]!(unauthorized());
    run.held[1]!(unauthorized());
    const settled = await Promise.allSettled([run.first, run.second]);

    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(run.tokenRequests).toHaveLength(2);
    expect(run.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2']);
  });
});
