// `okta-sessions emulator` as a real process, the way a fixture in another language starts it:
// --json's one start line, the admin API from OKTA_EMULATOR_ADMIN_TOKEN (never printed), and
// --unknown-values.
import { spawn, type ChildProcess } from 'node:child_process';
import { buildCli, type CliBinary } from './helpers/cli-binary.js';
import { ADMIN_TOKEN, admin } from './helpers/emulator-admin.js';
import { call } from './helpers/emulator-http.js';

let cli: CliBinary;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli.remove());

interface Started {
  child: ChildProcess;
  /** The first stdout line, parsed. */
  line: Record<string, any>;
  /** Everything printed so far, and at exit. */
  output: () => string;
  stop: () => Promise<number | null>;
}

/** Starts the emulator command and waits for its first line. */
function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [cli.file, 'emulator', ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: cli.home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const before = out;
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0 || before.includes('\n')) return;
      try {
        resolve({
          child,
          line: JSON.parse(out.slice(0, newline)) as Record<string, any>,
          output: () => out,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      } catch (error) {
        child.kill();
        reject(new Error(`not a JSON start line: ${out}`, { cause: error }));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

test('--json prints one JSON line when ready, and nothing else; the admin token from the environment', async () => {
  const emu = await start(['--port', '0', '--json', '--api-token', 'cli-kit-token'], {
    OKTA_EMULATOR_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  try {
    expect(emu.line).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      publicUrl: emu.line['url'],
      apiToken: 'cli-kit-token',
      demoUser: { login: 'dana.lee@example.com', password: 'correct-horse-battery-staple' },
      admin: true,
    });
    const faults = await admin(emu.line['url'], 'POST', 'faults', {
      operationId: 'primaryAuthentication',
      action: { kind: 'status', status: 503 },
    });
    expect(faults.status).toBe(200);
    const authn = await call(emu.line['url'], 'POST', '/api/v1/authn', {
      contentType: 'application/json',
      body: JSON.stringify({ username: 'dana.lee@example.com', password: 'x' }),
    });
    expect(authn.status).toBe(503);
  } finally {
    expect(await emu.stop()).toBe(0);
  }
  expect(emu.output().trim().split('\n')).toHaveLength(1);
  expect(emu.output()).not.toContain(ADMIN_TOKEN);
});

test('without an admin token the admin API is absent; --unknown-values widens every body', async () => {
  const emu = await start(['--json', '--unknown-values']);
  try {
    expect(emu.line['admin']).toBe(false);
    expect((await admin(emu.line['url'], 'GET', 'faults')).status).toBe(404);
    const authn = await call(emu.line['url'], 'POST', '/api/v1/authn', {
      contentType: 'application/json',
      body: JSON.stringify({ username: 'nobody@example.com', password: 'wrong' }),
    });
    expect(authn.status).toBe(401);
    expect(authn.json.unlistedProperty).toEqual({ since: '2099.01.0', values: [1, 'two', null] });
  } finally {
    await emu.stop();
  }
});

test('--admin-token works too, and is never printed; --public-url names the origin', async () => {
  const child = await start([
    '--admin-token',
    ADMIN_TOKEN,
    '--json',
    '--public-url',
    'http://okta-emulator:8080',
  ]);
  try {
    expect(child.line['publicUrl']).toBe('http://okta-emulator:8080');
    expect((await admin(child.line['url'], 'GET', 'faults')).json).toEqual({ faults: [] });
  } finally {
    await child.stop();
  }
  expect(child.output()).not.toContain(ADMIN_TOKEN);
});
