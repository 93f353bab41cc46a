import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { run } from '../src/cli/run.js';

const API_TOKEN = 'cli-SECRET-token-123';
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, apiToken: API_TOKEN });
});
afterAll(() => emu.close());

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    stop: new AbortController().signal,
  });
  // No command ever echoes a credential it was given.
  expect(stdout + stderr).not.toContain(API_TOKEN);
  return { code, stdout, stderr };
}

const conn = () => ['--org-url', emu.url, '--api-token', API_TOKEN];

test('create, get, refresh, me, revoke against the emulator (flags), then get fails with exit 1', async () => {
  const sessionToken = emu.issueSessionToken({ login: 'cli@example.com' });
  const created = await cli(['create', '--session-token', sessionToken, '--json', ...conn()]);
  expect(created.code).toBe(0);
  const session = JSON.parse(created.stdout) as { id: string; login: string; expiresAt: string };
  expect(session.login).toBe('cli@example.com');
  expect(created.stdout).not.toContain(sessionToken);

  const got = await cli(['get', session.id, ...conn()]);
  expect(got.code).toBe(0);
  expect(got.stdout).toMatch(/login\s+cli@example\.com/);

  expect((await cli(['refresh', session.id, ...conn()])).code).toBe(0);
  const me = await cli(['me', '--cookie', `sid=${session.id}`, '--org-url', emu.url]);
  expect(me.code).toBe(0);
  // The session id is the cookie's value: a secret of this invocation, never printed.
  expect(me.stdout).not.toContain(session.id);
  expect(me.stdout).toMatch(/id\s+\[REDACTED\]\n\s+login\s+cli@example\.com/);
  expect((await cli(['revoke', session.id, ...conn()])).stdout).toBe('done (revoke)\n');

  const gone = await cli(['get', session.id, ...conn()]);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toMatch(/HTTP 404 E0000007 .*\(request [\w-]+\)/);
  const goneJson = await cli(['get', session.id, '--json', ...conn()]);
  expect(JSON.parse(goneJson.stderr).error).toMatchObject({ status: 404, errorCode: 'E0000007' });
});

test('the OKTA_CLIENT_* variables work in place of flags', async () => {
  const env = { OKTA_CLIENT_ORGURL: emu.url, OKTA_CLIENT_TOKEN: API_TOKEN };
  const created = await cli(['create', '--session-token', emu.issueSessionToken(), '--json'], env);
  expect(created.code).toBe(0);
  const { id } = JSON.parse(created.stdout) as { id: string };
  expect((await cli(['me-refresh', '--cookie', `sid=${id}`], env)).code).toBe(0);
  expect((await cli(['me-close', '--cookie', `sid=${id}`], env)).code).toBe(0);
  expect((await cli(['me', '--cookie', `sid=${id}`], env)).code).toBe(1);
});

test.each([
  [['get'], /expected <sessionId>/],
  [['get', 'a', 'b', '--org-url', 'https://acme.okta.com'], /expected <sessionId>/],
  [['create'], /--session-token is required/],
  [['get', 'abc'], /orgUrl is required/],
  [['get', 'abc', '--org-url', 'http://acme.okta.com', '--api-token', API_TOKEN], /https/],
  [
    ['get', '..', '--org-url', 'https://acme.okta.com', '--api-token', API_TOKEN],
    /Invalid sessionId/,
  ],
  [['frobnicate'], /unknown command/],
  [['get', 'a', '--bogus'], /Unknown option/],
  [[], /Usage: okta-sessions <command>/],
])('usage and configuration errors exit 2: %j', async (argv, message) => {
  const { code, stdout, stderr } = await cli(argv);
  expect(code).toBe(2);
  expect(stdout + stderr).toMatch(message);
});

test.each([
  ['--help'],
  ['get', '--help'],
  ['me', '--help'],
  ['emulator', '--help'],
  ['demo', '--help'],
])('%s prints help and exits 0', async (...argv) => {
  const { code, stdout } = await cli(argv);
  expect(code).toBe(0);
  expect(stdout).toMatch(/Usage: okta-sessions/);
});

test('demo walks the whole lifecycle and exits 0', async () => {
  const { code, stdout } = await cli(['demo']);
  expect(code).toBe(0);
  for (const step of [
    'createSession',
    'getSession',
    'refreshSession',
    'getCurrentSession',
    'revokeSession',
  ]) {
    expect(stdout).toContain(step);
  }
  expect(stdout).toMatch(/after revoke → OktaNotFoundError\s+GET 404/);
  expect(stdout).toContain('Demo complete');
});

test('emulator serves until stopped and prints its URL, token and demo user', async () => {
  const stop = new AbortController();
  let stdout = '';
  const done = run(['emulator', '--api-token', 'emu-token'], {
    stdout: (t) => (stdout += t),
    stderr: () => undefined,
    env: {},
    stop: stop.signal,
  });
  while (!stdout.includes('Demo user')) await new Promise((r) => setTimeout(r, 10));
  const url = /listening on (\S+)/.exec(stdout)![1]!;
  const res = await fetch(`${url}/api/v1/sessions/nope`, {
    headers: { Authorization: 'SSWS emu-token' },
  });
  expect(res.status).toBe(404);
  const [, username, password] = /Demo user: (\S+) \/ (\S+)/.exec(stdout)!;
  const authn = await fetch(`${url}/api/v1/authn`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(authn.status).toBe(200);
  expect(((await authn.json()) as { status: string }).status).toBe('SUCCESS');
  stop.abort();
  expect(await done).toBe(0);
  expect(stdout).toContain('API token: emu-token');
});

describe('create --username (password from stdin or a prompt, never a flag)', () => {
  const USER = { login: 'cli-user@example.com', password: 'cli-PASSWORD-42' };
  let users: Emulator;
  beforeAll(async () => {
    users = await startEmulator({ port: 0, apiToken: API_TOKEN, users: [USER] });
  });
  afterAll(() => users.close());

  async function login(argv: string[], io: { stdin?: string; typed?: string } = {}) {
    let stdout = '';
    let stderr = '';
    const prompts: string[] = [];
    const code = await run(['create', ...argv, '--org-url', users.url, '--api-token', API_TOKEN], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: {},
      stop: new AbortController().signal,
      readStdin: async () => io.stdin ?? '',
      promptPassword: async (prompt) => {
        prompts.push(prompt);
        return io.typed;
      },
    });
    for (const secret of [API_TOKEN, USER.password]) expect(stdout + stderr).not.toContain(secret);
    return { code, stdout, stderr, prompts };
  }

  test('--password-stdin: signs in with /api/v1/authn, then creates the session', async () => {
    const out = await login(['--username', USER.login, '--password-stdin', '--json'], {
      stdin: `${USER.password}\n`,
    });
    expect(out.code).toBe(0);
    const session = JSON.parse(out.stdout) as { id: string; login: string };
    expect(session.login).toBe(USER.login);
    const got = await fetch(`${users.url}/api/v1/sessions/${session.id}`, {
      headers: { Authorization: `SSWS ${API_TOKEN}` },
    });
    expect(got.status).toBe(200);
    expect(out.prompts).toEqual([]);
  });

  test("without --password-stdin it prompts (no echo is the terminal reader's job)", async () => {
    const out = await login(['--username', USER.login], { typed: USER.password });
    expect(out.code).toBe(0);
    expect(out.prompts).toEqual([`Password for ${USER.login}: `]);
    expect(out.stdout).toMatch(/login\s+cli-user@example\.com/);
  });

  test("a wrong password exits 1 with Okta's error, and the password is not echoed", async () => {
    const out = await login(['--username', USER.login, '--password-stdin'], { stdin: 'nope' });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/HTTP 401 E0000004 Authentication failed/);
  });

  test('no terminal and no --password-stdin: exit 2 saying how to pass the password', async () => {
    const out = await login(['--username', USER.login]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--password-stdin/);
  });

  test.each([
    [['--username', 'u@example.com', '--password', 'cli-PASSWORD-42']],
    [['--username', 'u@example.com', '--password=cli-PASSWORD-42']],
    [['--password', 'cli-PASSWORD-42']],
  ])('a password flag is refused before anything else, without echoing it: %j', async (argv) => {
    const out = await login(argv);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/never taken as a flag value/);
  });
});
