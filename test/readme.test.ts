// The docs' emulator examples (docs/emulator.md), run as written: documentation that users copy
// must work. Also the docs rule: the README stays at 450 lines or fewer (CONTRIBUTING.md).
import { OktaSessions, OktaNotFoundError } from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';

let emu: Emulator;
let now = Date.parse('2026-11-29T10:00:00.000Z');
beforeAll(async () => {
  emu = await startEmulator({ port: 0, apiToken: 'test-token', now: () => now });
});
afterAll(() => emu.close());

test('a session expires after two hours', async () => {
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
  const session = await okta.createSession({ sessionToken: emu.issueSessionToken() });
  now += 7200 * 1000; // the emulator's clock drives expiry, Date and rate-limit windows
  await expect(okta.getSession(session.id)).rejects.toBeInstanceOf(OktaNotFoundError);
});

test('the README is at most 450 lines: a subject that needs more gets a page in docs/', async () => {
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(`${__dirname}/../README.md`, 'utf8').trimEnd().split('\n').length;
  expect(lines).toBeLessThanOrEqual(450);
});

test('every page in docs/ has its line in the README\'s "All documentation" list', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const readme = readFileSync(`${__dirname}/../README.md`, 'utf8');
  const list = readme.slice(readme.indexOf('## All documentation'));
  const pages = readdirSync(`${__dirname}/../docs`).filter((name) => name.endsWith('.md'));
  const unlisted = pages.filter((name) => !list.includes(`](docs/${name})`));
  expect(unlisted).toEqual([]);
});

test("docs/emulator.md's curl example runs as written against `okta-sessions emulator`", async () => {
  const { readFileSync } = await import('node:fs');
  const { execFile } = await import('node:child_process');
  const { run } = await import('../src/cli/run.js');
  const readme = readFileSync(`${__dirname}/../docs/emulator.md`, 'utf8');
  const start = readme.indexOf('From a shell, or any language');
  expect(start).toBeGreaterThan(-1);
  const [, launch] = /start `(okta-sessions emulator [^`]+)`/.exec(readme.slice(start))!;
  const [, script] = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))!;
  const stop = new AbortController();
  let stdout = '';
  // The page's command, with port 0 instead of 8080 so parallel test runs cannot collide.
  const args = launch!
    .split(' ')
    .slice(1)
    .map((a) => (a === '8080' ? '0' : a));
  const serving = run(args, {
    stdout: (t) => (stdout += t),
    stderr: () => undefined,
    env: {},
    stop: stop.signal,
  });
  try {
    while (!stdout.includes('Demo user')) await new Promise((r) => setTimeout(r, 10));
    const url = /listening on (\S+)/.exec(stdout)![1]!;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', script!.replaceAll('http://127.0.0.1:8080', url)],
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
    const session = JSON.parse(output) as {
      login: string;
      status: string;
      _links: { self: { href: string } };
    };
    expect(session).toMatchObject({ login: 'dana.lee@example.com', status: 'ACTIVE' });
    expect(session._links.self.href).toBe(`${url}/api/v1/sessions/me`);
  } finally {
    stop.abort();
    await serving;
  }
});
