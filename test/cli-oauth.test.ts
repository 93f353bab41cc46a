// The CLI with OAuth 2.0 service apps: `okta-sessions emulator --client-id --jwks-file` serves a
// token endpoint, and the API commands authenticate with --client-id/--private-key-file (or the
// OKTA_CLIENT_* variables) without ever printing the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/run.js';
import { runCli } from './helpers/cli-run.js';
import { rsaKey } from './helpers/oauth-jwt.js';

const key = rsaKey('cli-kid');
const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const keyLines = pem.split('\n').filter((line) => line.length > 40);
let dir: string;
let stop: AbortController;
let served: Promise<number>;
let url = '';
let apiToken = '';
let banner = '';

// The key directory doubles as home and working directory: it holds no okta.yaml.
const cli = (argv: string[], env: Record<string, string> = {}) =>
  runCli(argv, { env, dir, secrets: keyLines });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'okta-cli-oauth-'));
  writeFileSync(join(dir, 'key.pem'), pem);
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [key.publicJwk] }));
  stop = new AbortController();
  let ready: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  served = run(['emulator', '--client-id', '0oaCli', '--jwks-file', join(dir, 'jwks.json')], {
    stdout: (t) => {
      banner += t;
      if (banner.includes('Service app')) ready();
    },
    stderr: (t) => (banner += t),
    env: {},
    stop: stop.signal,
  });
  await started;
  url = /listening on (\S+)/.exec(banner)![1]!;
  apiToken = /API token: (\S+)/.exec(banner)![1]!;
});

afterAll(async () => {
  stop.abort();
  expect(await served).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function newSession(): Promise<string> {
  const sessionToken = (
    await (
      await fetch(`${url}/api/v1/authn`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          username: 'dana.lee@example.com',
          password: 'correct-horse-battery-staple',
        }),
      })
    ).json()
  ).sessionToken as string;
  const created = await cli([
    'create',
    '--session-token',
    sessionToken,
    '--json',
    '--org-url',
    url,
    '--api-token',
    apiToken,
  ]);
  return JSON.parse(created.stdout).id;
}

test('the emulator banner names the service app and its token endpoint', () => {
  expect(banner).toContain(`Service app: 0oaCli (DPoP), token endpoint ${url}/oauth2/v1/token`);
});

test('get and refresh with --client-id and --private-key-file (DPoP)', async () => {
  const id = await newSession();
  const flags = [
    '--org-url',
    url,
    '--client-id',
    '0oaCli',
    '--private-key-file',
    join(dir, 'key.pem'),
    '--key-id',
    'cli-kid',
  ];
  const got = await cli(['get', id, ...flags]);
  expect(got.code).toBe(0);
  expect(got.stdout).toContain(id);
  expect((await cli(['refresh', id, '--scopes', 'okta.sessions.manage', ...flags])).code).toBe(0);
});

test('the OKTA_CLIENT_* variables select private-key auth', async () => {
  const id = await newSession();
  const got = await cli(['get', id, '--json'], {
    OKTA_CLIENT_ORGURL: url,
    OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
    OKTA_CLIENT_CLIENTID: '0oaCli',
    OKTA_CLIENT_PRIVATEKEY: pem,
    OKTA_CLIENT_SCOPES: 'okta.sessions.read',
  });
  expect(got.code).toBe(0);
  expect(JSON.parse(got.stdout).id).toBe(id);
});

test('--private-key-file alone takes the client id, key id and scopes from the environment', async () => {
  const id = await newSession();
  const env = {
    OKTA_CLIENT_ORGURL: url,
    OKTA_CLIENT_CLIENTID: '0oaCli',
    OKTA_CLIENT_KEYID: 'cli-kid',
    OKTA_CLIENT_SCOPES: 'okta.sessions.read',
  };
  const got = await cli(['get', id, '--json', '--private-key-file', join(dir, 'key.pem')], env);
  expect(got.stderr).toBe('');
  expect(got.code).toBe(0);
  expect(JSON.parse(got.stdout).id).toBe(id);
  // An --api-token flag still replaces the environment's service app: one credential per client.
  const token = await cli(['get', id, '--json', '--api-token', apiToken], {
    ...env,
    OKTA_CLIENT_PRIVATEKEY: pem,
  });
  expect(token.stderr).toBe('');
  expect(token.code).toBe(0);
});

test('a refused client prints the OAuth error (exit 1), a bad key file a usage error (exit 2)', async () => {
  const other = rsaKey('cli-kid').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  writeFileSync(join(dir, 'other.pem'), other);
  const refused = await cli([
    'get',
    '102abc',
    '--org-url',
    url,
    '--client-id',
    '0oaCli',
    '--private-key-file',
    join(dir, 'other.pem'),
  ]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(
    /^error: HTTP 401 invalid_client: The client_assertion signature is invalid\. \(request [\w-]+\)\n$/,
  );
  for (const line of other.split('\n').filter((l) => l.length > 40))
    expect(refused.stderr).not.toContain(line);
  const json = await cli([
    'get',
    '102abc',
    '--json',
    '--org-url',
    url,
    '--client-id',
    '0oaCli',
    '--private-key-file',
    join(dir, 'other.pem'),
  ]);
  expect(JSON.parse(json.stderr).error).toMatchObject({
    name: 'OktaOAuthError',
    status: 401,
    error: 'invalid_client',
  });

  const missing = await cli([
    'get',
    '102abc',
    '--org-url',
    url,
    '--client-id',
    '0oaCli',
    '--private-key-file',
    join(dir, 'nope.pem'),
  ]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/cannot read --private-key-file .*nope\.pem \(ENOENT\)/);
  writeFileSync(join(dir, 'public.pem'), key.publicKey.export({ format: 'pem', type: 'spki' }));
  const publicKey = await cli([
    'get',
    '102abc',
    '--org-url',
    url,
    '--client-id',
    '0oaCli',
    '--private-key-file',
    join(dir, 'public.pem'),
  ]);
  expect(publicKey.code).toBe(2);
  expect(publicKey.stderr).toMatch(/public key or certificate/);
});

test('emulator flags: --client-id needs --jwks-file; a private JWK is refused', async () => {
  const io = {
    stdout: () => undefined,
    stderr: (t: string) => (err += t),
    env: {},
    stop: AbortSignal.abort(),
  };
  let err = '';
  expect(await run(['emulator', '--client-id', 'x'], io)).toBe(2);
  expect(err).toMatch(/go together/);
  writeFileSync(
    join(dir, 'private.json'),
    JSON.stringify([key.privateKey.export({ format: 'jwk' })]),
  );
  err = '';
  expect(
    await run(['emulator', '--client-id', 'x', '--jwks-file', join(dir, 'private.json')], io),
  ).toBe(2);
  expect(err).toMatch(/not a public RSA or EC JWK/);
});
