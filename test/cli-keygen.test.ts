// `okta-sessions keygen` (issue #28): a test key pair and the JWKS that the emulator takes. The
// files it writes get a token from the emulator; the private key is never printed.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/index.js';
import { OktaSessions } from '../src/index.js';
import { runCli } from './helpers/cli-run.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'okta-keygen-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** keygen in `dir`; no line of the private key it wrote may appear in its output. */
async function keygen(args: string[]) {
  const result = await runCli(['keygen', ...args], { dir, secrets: [] });
  for (const file of [join(dir, 'okta-test-key.pem'), join(dir, 'k.pem')]) {
    let pem = '';
    try {
      pem = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of pem.split('\n').filter((l) => l.length > 40)) {
      expect(result.stdout + result.stderr).not.toContain(line);
    }
  }
  return result;
}

const jwksOf = (file: string) =>
  JSON.parse(readFileSync(join(dir, file), 'utf8')) as { keys: Record<string, unknown>[] };

test('by default an RS256 pair: PKCS#8 PEM readable by its owner only, and a public JWKS', async () => {
  const { code, stdout } = await keygen([]);
  expect(code).toBe(0);
  const pemFile = join(dir, 'okta-test-key.pem');
  expect(statSync(pemFile).mode & 0o777).toBe(0o600);
  const pem = readFileSync(pemFile, 'utf8');
  expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  const privateKey = createPrivateKey(pem);
  expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  const { keys } = jwksOf('okta-test-key.jwks.json');
  expect(keys).toHaveLength(1);
  const [jwk] = keys as [Record<string, unknown>];
  expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  // The kid is the RFC 7638 thumbprint, as `jose.calculateJwkThumbprint` computes it.
  const { calculateJwkThumbprint } = await import('jose');
  expect(jwk['kid']).toBe(await calculateJwkThumbprint(jwk as never));
  // The pair: what the private key signs, the public JWK verifies.
  const signature = sign('sha256', Buffer.from('x'), privateKey);
  const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
  expect(verify('sha256', Buffer.from('x'), publicKey, signature)).toBe(true);
  expect(stdout).toContain(`Wrote a RS256 key pair for tests (kid ${String(jwk['kid'])})`);
  expect(stdout).toContain(`--jwks-file ${join(dir, 'okta-test-key.jwks.json')}`);
});

test.each(['ES256', 'ES384', 'ES512'])(
  '%s with --kid and --out: the client gets a DPoP-bound token from the emulator with them',
  async (alg) => {
    const { code, stdout } = await keygen([
      '--alg',
      alg,
      '--kid',
      'test-1',
      '--out',
      'k',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      alg,
      kid: 'test-1',
      privateKeyFile: join(dir, 'k.pem'),
      jwksFile: join(dir, 'k.jwks.json'),
    });
    const { keys } = jwksOf('k.jwks.json');
    expect(keys[0]).toMatchObject({ kty: 'EC', kid: 'test-1', alg });
    expect(keys[0]).not.toHaveProperty('d');
    const emu = await startEmulator({
      clients: { '0oaTest': { jwks: keys, scopes: ['okta.sessions.read'], dpop: true } },
    });
    try {
      const admin = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
      const { id } = await admin.createSession({ sessionToken: emu.issueSessionToken() });
      const okta = new OktaSessions({
        orgUrl: emu.url,
        clientId: '0oaTest',
        privateKey: readFileSync(join(dir, 'k.pem'), 'utf8'),
        keyId: 'test-1',
        scopes: ['okta.sessions.read'],
      });
      expect((await okta.getSession(id as string)).id).toBe(id);
    } finally {
      await emu.close();
    }
  },
);

test('existing files are kept unless --force', async () => {
  writeFileSync(join(dir, 'okta-test-key.jwks.json'), 'mine');
  const refused = await keygen([]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe(
    `error: ${join(dir, 'okta-test-key.jwks.json')} exists; pass --force to overwrite it\n`,
  );
  expect(readFileSync(join(dir, 'okta-test-key.jwks.json'), 'utf8')).toBe('mine');
  writeFileSync(join(dir, 'okta-test-key.pem'), 'old', { mode: 0o644 });
  expect((await keygen(['--force'])).code).toBe(0);
  expect(jwksOf('okta-test-key.jwks.json').keys).toHaveLength(1);
  // An overwritten key file is made owner-only too.
  expect(statSync(join(dir, 'okta-test-key.pem')).mode & 0o777).toBe(0o600);
});

test.each([
  [['--alg', 'HS256'], 'error: --alg must be one of RS256, RS384, RS512, ES256, ES384, ES512\n'],
  [['--kid', ''], 'error: --kid must not be empty\n'],
  [['extra'], 'error: too many arguments; usage: okta-sessions keygen [options]\n'],
])('keygen %j is a usage error', async (args, message) => {
  const { code, stderr } = await keygen(args);
  expect({ code, stderr }).toEqual({ code: 2, stderr: message });
});

test('keygen --help, and the main help lists it', async () => {
  const help = await keygen(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Write a key pair for tests/);
  expect(help.stdout).toContain('--alg ALG');
  const main = await runCli(['--help'], { dir, secrets: [] });
  expect(main.stdout).toMatch(/keygen +write a service app's key pair for tests/);
});
