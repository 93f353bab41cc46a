import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { run } from '../src/cli/run.js';
import { commandName, emulatorBanner } from '../src/cli/emulator-banner.js';
import { VERSION } from '../src/model/version.js';
import { buildCli, type CliBinary } from './helpers/cli-binary.js';
import { runCli } from './helpers/cli-run.js';
import { twoUsersSignedIn, type SignedIn } from './helpers/two-users.js';

const API_TOKEN = 'cli-SECRET-token-123';
let emu: Emulator;
let bin: CliBinary;
// No real ~/.okta/okta.yaml or ./okta.yaml reaches the in-process runs.
const emptyHome = mkdtempSync(join(tmpdir(), 'okta-cli-home-'));
beforeAll(async () => {
  [emu, bin] = await Promise.all([startEmulator({ port: 0, apiToken: API_TOKEN }), buildCli()]);
}, 60_000);
afterAll(async () => {
  await emu.close();
  bin.remove();
  rmSync(emptyHome, { recursive: true, force: true });
});

/** The built command as a process; it never echoes the credential it was given either. */
async function cliBin(args: string[], options: Parameters<CliBinary['run']>[1] = {}) {
  const result = await bin.run(args, options);
  expect(result.stdout + result.stderr).not.toContain(API_TOKEN);
  return result;
}

const cli = (argv: string[], env: Record<string, string> = {}) =>
  runCli(argv, { env, dir: emptyHome, secrets: [API_TOKEN] });

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
  // ...and the line says why, so it does not read as a bug.
  expect(me.stdout).toMatch(
    /id\s+\[REDACTED\] \(the id is the cookie's value: never printed\)\n\s+login\s+cli@example\.com/,
  );
  // A by-id call shows the id: no cookie was given, so nothing to explain.
  expect(got.stdout).toMatch(new RegExp(`id\\s+${session.id}\\n`));
  expect(got.stdout).not.toContain('never printed');
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
  [['get'], /missing <sessionId>; usage: okta-sessions get <sessionId>/],
  [['get', 'a', 'b', '--org-url', 'https://acme.okta.com'], /too many arguments/],
  [
    ['create'],
    /--session-token is required; usage: okta-sessions create --session-token T \(or: okta-sessions create --username U \[--password-stdin\]\)/,
  ],
  [['get', 'abc', '--org-url', 'http://acme.okta.com', '--api-token', API_TOKEN], /https/],
  [
    ['get', '..', '--org-url', 'https://acme.okta.com', '--api-token', API_TOKEN],
    /Invalid sessionId/,
  ],
  [[], /Usage: okta-sessions <command>/],
])('usage and configuration errors exit 2: %j', async (argv, message) => {
  const { code, stdout, stderr } = await cli(argv);
  expect(code).toBe(2);
  expect(stdout + stderr).toMatch(message);
});

describe('the built command guides a new user', () => {
  test('nothing configured: the error names the flag and the variable, not an options object', async () => {
    const { code, stderr } = await cliBin(['get', 'abc']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--org-url/);
    expect(stderr).toMatch(/OKTA_CLIENT_ORGURL/);
    expect(stderr).toMatch(/^error: --org-url \(OKTA_CLIENT_ORGURL\) is required/);
    expect(stderr).not.toMatch(/\{ orgUrl/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('an org URL but no token: says which flag or variable gives the credential', async () => {
    const { code, stderr } = await cliBin(['get', 'abc', '--org-url', emu.url]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/get needs --api-token T \(or OKTA_CLIENT_TOKEN.*--access-token T/);
    const create = await cliBin(['create', '--session-token', 'x', '--org-url', emu.url]);
    expect(create.stderr).toMatch(/create needs --api-token T/);
    expect(create.stderr).not.toMatch(/access-token/);
  });

  test.each([['abc'], ['1.5'], ['0'], ['-5']])(
    '--timeout-ms %s is a usage error',
    async (value) => {
      const { code, stderr } = await cliBin([
        'get',
        'abc',
        '--org-url',
        emu.url,
        '--api-token',
        API_TOKEN,
        `--timeout-ms=${value}`,
      ]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--timeout-ms must be a whole number of milliseconds/);
    },
  );

  test('a token passed to --org-url by mistake is not echoed back', async () => {
    const { code, stderr } = await cliBin(['get', 'abc', '--org-url', API_TOKEN]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--org-url \(OKTA_CLIENT_ORGURL\) is not a URL/);
  });

  test.each([
    [
      ['gett', 'abc'],
      /unknown command "gett" \(did you mean "get"\?\); run "okta-sessions --help"/,
    ],
    [['frobnicate'], /unknown command "frobnicate"; run "okta-sessions --help"/],
    // Two neighbours swapped count as one slip (OSA distance), not two edits.
    [['gte', 'abc'], /unknown command "gte" \(did you mean "get"\?\)/],
    [['me-clsoe'], /unknown command "me-clsoe" \(did you mean "me-close"\?\)/],
    [['get', 'a', '--org-rul', 'x'], /unknown option --org-rul \(did you mean "--org-url"\?\)/],
    [
      ['get', 'a', '--bogus'],
      /unknown option --bogus; run "okta-sessions get --help" for its options/,
    ],
    [['get', 'a', '--org-ulr', 'x'], /unknown option --org-ulr \(did you mean "--org-url"\?\)/],
    [
      ['me', '--cookie', 'sid=x', '--api-token', 'x'],
      /unknown option --api-token; run "okta-sessions me --help"/,
    ],
    [['get', 'a', '--org-url'], /--org-url needs a value \(--org-url URL\)/],
    [['--verison'], /unknown option "--verison" \(did you mean "--version"\?\)/],
  ])(
    'unknown or malformed input: a short message with a pointer to help: %j',
    async (argv, message) => {
      const { code, stdout, stderr } = await cliBin(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  test.each([['-v'], ['--version']])('%s prints the version', async (flag) => {
    const { code, stdout } = await cliBin([flag]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${VERSION}\n`);
  });

  test.each([
    ['get', '--help', '--bogus'],
    ['get', '--bogus', '-h'],
    ['create', '--username', 'u', '--help'],
    ['me', '--cookie', '--help'],
  ])('asking for help shows it, whatever else is on the line: %j', async (...argv) => {
    const { code, stdout, stderr } = await cliBin(argv);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^Usage: okta-sessions ${argv[0]}`, 'm'));
  });

  test('create --help shows both ways in: a session token, or --username with --password-stdin', async () => {
    const { code, stdout } = await cliBin(['create', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Usage: okta-sessions create --session-token T [options]\n       okta-sessions create --username U [--password-stdin] [options]\n',
    );
    expect(stdout).toMatch(/^ {2}--username U +or sign in as this user first/m);
    expect(stdout).toMatch(/^ {2}--password-stdin +read the user's password from stdin/m);
  });

  test('the top-level help fits 100 columns, the create line included', async () => {
    const { stdout } = await cliBin(['--help']);
    const create = stdout.split('\n').find((line) => /^ {2}create /.test(line));
    expect(create).toMatch(/--session-token T .*--username U/);
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  test('me --help lists only the flags me uses, each described, aligned', async () => {
    const { code, stdout } = await cliBin(['me', '--help']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/--api-token|--access-token/);
    expect(stdout).toMatch(/--cookie C/);
    const get = (await cliBin(['get', '--help'])).stdout;
    expect(get).toMatch(/--api-token T/);
    expect(get).toMatch(/--access-token T/);
    expect(get).not.toMatch(/--cookie/);
    const create = (await cliBin(['create', '--help'])).stdout;
    expect(create).toMatch(/--api-token T/);
    expect(create).not.toMatch(/--access-token/); // createSession takes an API token only
  });

  test.each([
    ['--help'],
    ['get', '--help'],
    ['me', '--help'],
    ['create', '--help'],
    ['revoke-user', '--help'],
    ['emulator', '--help'],
    ['demo', '--help'],
  ])('help is aligned, described and lower-case throughout: %s', async (...argv) => {
    const { stdout } = await cliBin(argv);
    const section = stdout
      .split(/^(?:Commands|Options):\n/m)
      .slice(1)
      .map((s) => s.split('\n\n')[0]!);
    expect(section.length).toBeGreaterThan(0);
    for (const block of section) {
      const lines = block.split('\n').filter(Boolean);
      // Every line has a description, starting in the same column, in lower case.
      const starts = lines.map((line) => /^ {2}\S.*?\S {2,}(\S)/.exec(line)?.index ?? -1);
      const columnsAt = lines.map((line) => line.search(/(?<=\S {2,})\S/));
      expect(starts.every((s) => s === 0)).toBe(true);
      expect(new Set(columnsAt).size).toBe(1);
      for (const line of lines) expect(line.slice(columnsAt[0])).toMatch(/^[a-z"(]/);
    }
  });

  test('demo | head -2 ends quietly', async () => {
    const { code, stderr, stdout } = await cliBin([], { shell: '$CLI demo | head -2' });
    expect(stdout).toMatch(/^Okta Sessions emulator at \S+\n\n$/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  test('demo --json prints one JSON document of the steps', async () => {
    const { code, stdout } = await cliBin(['demo', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      steps: Array<{ operation: string; ok: boolean; status: number }>;
    };
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.operation)).toEqual([
      'createSession',
      'getSession',
      // The service app (private-key JWT, DPoP): a token request, then the cached token.
      'getSession',
      'refreshSession',
      'refreshSession',
      'getCurrentSession',
      'revokeSession',
      'getSession',
    ]);
    expect(report.steps.at(-1)).toMatchObject({ status: 404, ok: true });
  });

  test('demo without jose (an optional peer): skips the service-app steps with one line saying how to get them, exit 0', async () => {
    const noJose = await buildCli('src/cli/main.ts', { external: ['jose'] });
    try {
      const human = await noJose.run(['demo']);
      expect(human.stderr).toBe('');
      expect(human.code).toBe(0);
      const skipLines = human.stdout.split('\n').filter((line) => line.includes('jose'));
      expect(skipLines).toEqual([
        '• service app steps skipped: jose is not installed: npm install jose to see private-key JWT with DPoP',
      ]);
      expect(human.stdout).not.toContain('service app: getSession');
      expect(human.stdout).toMatch(
        /Demo complete: the lifecycle worked \(service-app steps skipped/,
      );
      const json = await noJose.run(['demo', '--json']);
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout) as {
        ok: boolean;
        steps: Array<{ call: string; status: number | string; ok: boolean; skipped?: string }>;
      };
      expect(report.ok).toBe(true);
      const skipped = report.steps.filter((step) => step.status === 'skipped');
      expect(skipped.map((step) => step.call)).toEqual([
        'service app: getSession(id) (token + DPoP)',
        'service app: refreshSession(id) (cached token)',
      ]);
      for (const step of skipped) expect(step.skipped).toMatch(/npm install jose/);
      expect(report.steps).toHaveLength(8);
    } finally {
      noJose.remove();
    }
  }, 30_000);

  test('demo: the refresh visibly moves expiresAt, and the table rows align', async () => {
    const { code, stdout } = await cliBin(['demo']);
    expect(code).toBe(0);
    const [, before, after] = /expiresAt (\S+) → (\S+)/.exec(stdout)!;
    expect(Date.parse(after!) - Date.parse(before!)).toBeGreaterThanOrEqual(30 * 60_000);
    const rows = stdout.split('\n').filter((line) => /^[✔✘] /.test(line));
    expect(rows).toHaveLength(8);
    // The method column starts, and the status and time columns end, at the same place.
    expect(new Set(rows.map((row) => row.search(/ (GET|POST|DELETE) /))).size).toBe(1);
    expect(new Set(rows.map((row) => row.search(/\d{3}  /))).size).toBe(1);
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
  });

  test('emulator --port in use: one line, exit 2', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await cliBin(['emulator', '--port', String(port)]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `error: port ${port} is already in use on 127.0.0.1; pick another --port (0 picks a free one)\n`,
      );
    } finally {
      taken.close();
    }
  });

  test('--json errors name the class once, in name', async () => {
    const { code, stderr } = await cliBin([
      'get',
      '..',
      '--json',
      '--org-url',
      emu.url,
      '--api-token',
      API_TOKEN,
    ]);
    expect(code).toBe(2);
    const { error } = JSON.parse(stderr) as { error: { name: string; message: string } };
    expect(error.name).toBe('OktaValidationError');
    expect(error.message).not.toContain('OktaValidationError');
    expect(error.message).toMatch(/^Invalid sessionId/);
  });

  test('me without a sid/idx cookie fails before any request, naming the cookie Okta needs', async () => {
    const { code, stderr } = await cliBin([
      'me',
      '--cookie',
      'JSESSIONID=abc',
      '--org-url',
      'https://unreachable.invalid',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: Invalid cookie: has no sid=… or idx=… cookie/);
  });

  test('validation, configuration and API errors print alike: "error: " and the message, no class name', async () => {
    const validation = await cliBin(['get', '..', ...conn()]);
    const config = await cliBin(['get', 'abc', '--org-url', 'http://acme.okta.com']);
    const api = await cliBin(['get', 'no-such-session', ...conn()]);
    expect([validation.code, config.code, api.code]).toEqual([2, 2, 1]);
    expect(validation.stderr).toBe('error: Invalid sessionId: ".." is not a session id\n');
    expect(config.stderr).toMatch(/^error: --org-url \(OKTA_CLIENT_ORGURL\) must use https/);
    expect(api.stderr).toMatch(/^error: HTTP 404 E0000007 /);
    for (const { stderr } of [validation, config, api]) expect(stderr).not.toMatch(/Okta\w*Error/);
  });

  test('https:// to the plain-HTTP emulator: says TLS is not spoken and suggests http://, no OpenSSL text', async () => {
    const https = emu.url.replace('http://', 'https://');
    const get = await cliBin(['get', 'abc', '--org-url', https, '--api-token', API_TOKEN]);
    expect(get.code).toBe(1);
    expect(get.stderr).toBe(
      'error: Okta request failed: the server does not speak TLS; did you mean http://? (GET /api/v1/sessions/abc)\n',
    );
    // The sign-in of create --username goes through the same words.
    const login = await cliBin([], {
      env: { OKTA_CLIENT_TOKEN: API_TOKEN },
      shell: `printf pw | $CLI create --username u@example.com --password-stdin --org-url ${https}`,
    });
    expect(login.stderr).toBe(
      'error: Okta request failed: the server does not speak TLS; did you mean http://? (POST /api/v1/authn)\n',
    );
    for (const { stderr } of [get, login]) {
      expect(stderr).not.toMatch(/ssl3_get_record|wrong version number|SSL routines/i);
    }
  });

  test('okta.yaml in the working directory configures the command; a shared one is warned about', async () => {
    const project = mkdtempSync(join(tmpdir(), 'okta-cli-project-'));
    try {
      const file = join(project, 'okta.yaml');
      writeFileSync(file, `okta:\n  client:\n    orgUrl: ${emu.url}\n    token: ${API_TOKEN}\n`);
      chmodSync(file, 0o644);
      const sessionToken = emu.issueSessionToken({ login: 'yaml@example.com' });
      const { code, stdout, stderr } = await cliBin(
        ['create', '--session-token', sessionToken, '--json'],
        { cwd: project },
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ login: 'yaml@example.com' });
      expect(stderr).toMatch(/^warning: .*okta\.yaml holds a credential .*chmod 600/);
      // Flags beat the file.
      mkdirSync(join(project, 'sub'));
      const flagged = await cliBin(['get', 'abc', '--org-url', 'http://acme.okta.com'], {
        cwd: project,
      });
      expect(flagged.stderr).toMatch(/--org-url \(OKTA_CLIENT_ORGURL\) must use https/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

test("an okta.yaml others can write: refused in the working directory (exit 2), a warning in HOME's", async () => {
  const project = mkdtempSync(join(tmpdir(), 'okta-cli-project-'));
  const home = join(project, 'home');
  try {
    const file = join(project, 'okta.yaml');
    writeFileSync(file, `okta:\n  client:\n    orgUrl: ${emu.url}\n`);
    chmodSync(file, 0o666);
    const refused = await cliBin(['get', 'abc', '--api-token', API_TOKEN], { cwd: project });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `error: Refusing ${file}: other users can write to it (mode 0666), and whoever can change it chooses the org your credentials are sent to. Run: chmod go-w ${file}\n`,
    );
    rmSync(file);
    mkdirSync(join(home, '.okta'), { recursive: true });
    const homeFile = join(home, '.okta', 'okta.yaml');
    writeFileSync(homeFile, `okta:\n  client:\n    orgUrl: ${emu.url}\n`);
    chmodSync(homeFile, 0o666);
    const warned = await cliBin(['get', 'no-such-session', '--api-token', API_TOKEN], {
      cwd: project,
      env: { HOME: home },
    });
    // Read, and warned about: the call went to the emulator the file names.
    expect(warned.code).toBe(1);
    expect(warned.stderr).toMatch(
      new RegExp(`^warning: ${homeFile}: other users can write to it \\(mode 0666\\).*chmod go-w`),
    );
    expect(warned.stderr).toMatch(/\nerror: HTTP 404 E0000007/);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
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
  expect(stdout).toMatch(/after revoke → OktaNotFoundError\s+GET\s+404/);
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
  // Nothing says how it was run: the plain command name.
  expect(stdout).toContain('\n  okta-sessions create --username dana.lee@example.com ');
});

test('the banner suggests the command as the user can type it: npx from a local install or npx', () => {
  const local = '/home/dana/app/node_modules/.bin/okta-sessions';
  expect(commandName(local, {})).toBe('npx okta-sessions');
  expect(commandName('C:\\app\\node_modules\\.bin\\okta-sessions', {})).toBe('npx okta-sessions');
  // npx of a package not installed runs it from npm's cache, with npm_command=exec.
  expect(commandName('/root/.npm/_npx/1/okta-sessions', { npm_command: 'exec' })).toBe(
    'npx okta-sessions',
  );
  // A global install's link is on the PATH, outside any node_modules/.bin.
  expect(commandName('/usr/local/bin/okta-sessions', {})).toBe('okta-sessions');
  expect(commandName('/usr/local/bin/okta-sessions', { npm_command: 'run-script' })).toBe(
    'okta-sessions',
  );
  expect(commandName(undefined, {})).toBe('okta-sessions');
  const banner = emulatorBanner('http://127.0.0.1:1', 't', 'npx okta-sessions');
  expect(banner).toContain('\n  npx okta-sessions create --username dana.lee@example.com ');
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

describe('revoke-user', () => {
  let signedIn: SignedIn;
  const TOKEN = 'cli-users-SECRET-token';
  const userCli = (argv: string[]) =>
    runCli([...argv, '--org-url', signedIn.emu.url, '--api-token', TOKEN], {
      dir: emptyHome,
      secrets: [TOKEN],
    });
  beforeEach(async () => {
    signedIn = await twoUsersSignedIn(TOKEN);
  });
  afterEach(() => signedIn.emu.close());

  test("ends exactly the first user's sessions, sending only the flags given", async () => {
    expect(await signedIn.statuses()).toEqual({ ana: [200, 200], bo: [200] });
    const done = await userCli(['revoke-user', signedIn.anaId]);
    expect([done.code, done.stdout, done.stderr]).toEqual([0, 'done (revoke-user)\n', '']);
    expect(await signedIn.statuses()).toEqual({ ana: [404, 404], bo: [200] });
    const json = await userCli([
      'revoke-user',
      signedIn.boId,
      '--oauth-tokens',
      '--keep-devices',
      '--json',
    ]);
    expect([json.code, JSON.parse(json.stdout)]).toEqual([0, { ok: true }]);
    expect(await signedIn.statuses()).toEqual({ ana: [404, 404], bo: [404] });
    expect(signedIn.emu.userSessionsRevocations()).toEqual([
      { userId: signedIn.anaId, oauthTokens: undefined, forgetDevices: undefined, ended: 2 },
      { userId: signedIn.boId, oauthTokens: 'true', forgetDevices: 'false', ended: 1 },
    ]);
  });

  test('an unknown user exits 1 with the 404; a bad id or no id exits 2 before any request', async () => {
    const unknown = await userCli(['revoke-user', '00uNobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/HTTP 404 E0000007 .*\(User\)/);
    const me = await userCli(['revoke-user', 'me']);
    expect([me.code, me.stderr]).toEqual([2, 'error: Invalid userId: "me" is not a user id\n']);
    expect((await userCli(['revoke-user'])).stderr).toMatch(
      /missing <userId>; usage: okta-sessions revoke-user <userId> \[--oauth-tokens\] \[--keep-devices\]/,
    );
    expect(signedIn.emu.userSessionsRevocations()).toEqual([]);
    expect(await signedIn.statuses()).toEqual({ ana: [200, 200], bo: [200] });
  });

  test('help lists the command, and its own help its switches', async () => {
    const main = (await cli(['--help'])).stdout;
    // The top-level list leaves switches out, to fit 100 columns.
    expect(main).toMatch(
      /\n {2}revoke-user <userId> +end every Okta session of a user, by user id/,
    );
    const help = await cli(['revoke-user', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /okta-sessions revoke-user <userId> \[--oauth-tokens\] \[--keep-devices\]/,
    );
    expect(help.stdout).toMatch(
      /--oauth-tokens +also revoke the user's OAuth access and refresh tokens/,
    );
    expect(help.stdout).toMatch(/--keep-devices +keep the factors their devices remember/);
    expect(help.stdout).toMatch(/--api-token T/);
    expect(help.stdout).toMatch(/--client-id ID/);
    expect(help.stdout).not.toMatch(/--cookie/);
  });
});
