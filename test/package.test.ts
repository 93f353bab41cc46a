// Packs the package as npm would publish it, installs the tarball into an empty project and
// uses it the ways our three kinds of users do: require, import, the bin, the types and the spec.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { VERSION } from '../src/model/version.js';
import { DEMO_USER } from '../src/cli/emulator-banner.js';
import { npmInstalledPackages, packageAt } from '../scripts/installed-packages.cjs';

const root = join(__dirname, '..');
let project: string;
let installed: InstalledPackage[];

type InstalledPackage = ReturnType<typeof packageAt>;

/**
 * A package and everything it depends on (dependencies and the optional ones present), found in
 * `node_modules` folders the way Node resolves them from each package's own folder.
 */
function dependencyClosure(name: string, from: string): InstalledPackage[] {
  const seen = new Map<string, InstalledPackage>();
  const visit = (wanted: string, start: string) => {
    let dir = start;
    let found: string | undefined;
    for (;;) {
      const candidate = join(dir, 'node_modules', wanted);
      if (existsSync(join(candidate, 'package.json'))) {
        found = realpathSync(candidate);
        break;
      }
      if (dirname(dir) === dir) return; // an optional dependency not installed here
      dir = dirname(dir);
    }
    if (seen.has(found)) return;
    seen.set(found, packageAt(found));
    const manifest = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      visit(dep, found);
    }
  };
  visit(name, from);
  return [...seen.values()];
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'okta-sessions-pack-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true }\n');
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent', join(project, packed)],
    { cwd: project, stdio: 'inherit' },
  );
  // Measured now, before a test below adds the optional peers to the project.
  installed = npmInstalledPackages(project);
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const node = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8' });

/**
 * Adds the optional peers (jose for private-key auth, yaml for okta.yaml) to the project, as a
 * user who needs them installs them: copied from ours (neither has dependencies of its own).
 */
function addOptionalPeers(): void {
  for (const name of ['jose', 'yaml']) {
    cpSync(join(root, 'node_modules', name), join(project, 'node_modules', name), {
      recursive: true,
    });
  }
}

test("package.json's exports hold only conditions and paths (a stray key such as typesVersions is neither)", () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const CONDITIONS = new Set(['import', 'require', 'types', 'default', 'node', 'browser']);
  const stray: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === 'string') return;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (!CONDITIONS.has(key) || (typeof inner !== 'string' && typeof inner !== 'object')) {
        stray.push(`${at}.${key}`);
      } else walk(inner, `${at}.${key}`);
    }
  };
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    walk(target, `exports["${subpath}"]`);
  }
  expect(stray).toEqual([]);
});

test('package.json and src/model/version.ts agree on the version', () => {
  expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version).toBe(VERSION);
});

test('the install adds at most 6 packages and at most 0.15 times the bytes of the official Node SDK', () => {
  const ours = installed;
  // The official SDK (a dev dependency, for comparisons) as installed here: it and its
  // dependency closure.
  const official = dependencyClosure('@okta/okta-sdk-nodejs', realpathSync(root));
  const total = (list: InstalledPackage[]) => list.reduce((sum, p) => sum + p.bytes, 0);
  expect(ours.map((p) => p.name)).toContain('okta-sessions');
  expect(official.map((p) => p.name)).toContain('@okta/okta-sdk-nodejs');
  expect(official.length).toBeGreaterThan(20);
  const share = total(ours) / total(official);
  // The numbers ride along in the expectation, so that a failure shows them.
  const measured = `${ours.length} packages, ${total(ours)} B: ${share.toFixed(3)} of ${total(official)} B`;
  expect({ measured, packages: ours.length <= 6, bytes: share <= 0.15 }).toEqual({
    measured,
    packages: true,
    bytes: true,
  });
});

test('require() gets the CommonJS build', () => {
  const out = node([
    '-e',
    `const m = require('okta-sessions');
     const okta = new m.OktaSessions({ orgUrl: 'https://acme.okta.com', apiToken: 't' });
     console.log(typeof okta.getSession, m.VERSION, new m.OktaNotFoundError({ status: 404, errorCauses: [], method: 'GET', url: 'https://a.b/c' }) instanceof m.OktaApiError);
     console.log(typeof require('okta-sessions/emulator').startEmulator);`,
  ]);
  expect(out.trim().split('\n')).toEqual([`function ${VERSION} true`, 'function']);
});

test("require() picks the platform by the runtime's conditions, as import does (dist/cjs/package.json imports)", () => {
  const platformOf = (conditions: string[]) =>
    node([
      ...conditions.flatMap((c) => ['-C', c]),
      '-e',
      `require('okta-sessions');
       console.log(Object.keys(require.cache).map((f) => /platform[\\\\/](node|fetch-server|edge|web)\\.js$/.exec(f)?.[1]).filter(Boolean).join());`,
    ]).trim();
  expect(platformOf([])).toBe('node');
  expect(platformOf(['worker'])).toBe('edge');
  expect(platformOf(['workerd'])).toBe('edge');
  expect(platformOf(['deno'])).toBe('fetch-server');
  expect(platformOf(['browser'])).toBe('web');
});

test('okta-sessions/redis loads without ioredis (an optional peer); its first use says to install it', () => {
  const script = (load: string) => `
    const { redisRateLimitStore } = ${load};
    const store = redisRateLimitStore({
      url: 'redis://127.0.0.1:1',
      onFallback: () => console.log('fallback'),
    });
    Promise.resolve(store.reserve({ orgUrl: 'https://acme.okta.com', group: 'sessions', key: 'k' }, { maxWaitMs: 1000 }))
      .then(() => console.log('no error'), (e) => console.log(e.name, /npm install ioredis/.test(e.message)));`;
  const cjs = node(['-e', script("require('okta-sessions/redis')")]);
  const esm = node(['--input-type=module', '-e', script("await import('okta-sessions/redis')")]);
  expect(cjs.trim().split('\n')).toEqual(['OktaConfigError true']);
  expect(esm.trim().split('\n')).toEqual(['OktaConfigError true']);
});

test('import gets the ESM build, and errors from both builds are recognised by both', () => {
  const out = node([
    '--input-type=module',
    '-e',
    `import { OktaNotFoundError, isOktaError } from 'okta-sessions';
     import { createRequire } from 'node:module';
     const cjs = createRequire(import.meta.url)('okta-sessions');
     const fromCjs = new cjs.OktaNotFoundError({ status: 404, errorCauses: [], method: 'GET', url: 'https://a.b/c' });
     console.log(cjs.OktaSessions !== (await import('okta-sessions')).OktaSessions, fromCjs instanceof OktaNotFoundError, isOktaError(fromCjs));`,
  ]);
  expect(out.trim()).toBe('true true true');
});

test('API-token clients never load jose: they work without it (an optional peer)', () => {
  expect(existsSync(join(project, 'node_modules', 'jose'))).toBe(false);
  const script = (load: string) => `${load}
     (async () => {
       const emu = await startEmulator();
       const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
       const { id } = await okta.createSession({ sessionToken: emu.issueSessionToken() });
       console.log((await okta.getSession(id)).id === id);
       await emu.close();
     })();`;
  expect(
    node([
      '-e',
      script(`const { OktaSessions } = require('okta-sessions');
              const { startEmulator } = require('okta-sessions/emulator');`),
    ]).trim(),
  ).toBe('true');
  expect(
    node([
      '--input-type=module',
      '-e',
      script(`import { OktaSessions } from 'okta-sessions';
              import { startEmulator } from 'okta-sessions/emulator';`),
    ]).trim(),
  ).toBe('true');
});

test('`npx okta-sessions demo` in a project with only the package (no dev dependencies, no jose): exit 0, the service-app steps skipped with one line', () => {
  expect(existsSync(join(project, 'node_modules', 'jose'))).toBe(false);
  // Only the tarball and its dependencies: none of our dev dependencies.
  expect(installed.map((p) => p.name)).not.toContain('typescript');
  const npx = (args: string[]) =>
    spawnSync('npx', ['--no', 'okta-sessions', 'demo', ...args], {
      cwd: project,
      encoding: 'utf8',
    });
  const human = npx([]);
  expect({ status: human.status, stderr: human.stderr }).toEqual({ status: 0, stderr: '' });
  expect(human.stdout).toContain(
    '• service app steps skipped: jose is not installed: npm install jose to see private-key JWT with DPoP\n',
  );
  expect(human.stdout).toMatch(/getSession\(id\) after revoke → OktaNotFoundError\s+GET\s+404/);
  expect(human.stdout).toContain('Demo complete');
  const json = npx(['--json']);
  expect(json.status).toBe(0);
  const report = JSON.parse(json.stdout) as { ok: boolean; steps: Array<{ status: unknown }> };
  expect(report.ok).toBe(true);
  expect(report.steps.filter((step) => step.status === 'skipped')).toHaveLength(2);
});

test('without the optional peers, private-key auth and okta.yaml fail with an OktaConfigError naming the fix, before any I/O', () => {
  for (const name of ['jose', 'yaml']) {
    expect(existsSync(join(project, 'node_modules', name))).toBe(false);
  }
  const script = (load: string) => `${load}
    const { generateKeyPairSync } = await import('node:crypto');
    const { createServer } = await import('node:net');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    let connections = 0;
    const server = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const okta = new OktaSessions({
      orgUrl: 'http://127.0.0.1:' + server.address().port,
      clientId: 'app', privateKey, keyId: 'k', retry: { maxRetries: 0 },
    });
    const keyError = await okta.getSession('s1').catch((e) => e);
    console.log(keyError instanceof OktaConfigError, keyError.cause === undefined, connections);
    console.log(keyError.message);
    server.close();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-yaml-'));
    fs.writeFileSync(path.join(dir, 'okta.yaml'), 'okta:\\n  client:\\n    token: secret-in-yaml\\n', { mode: 0o600 });
    const yamlError = await OktaSessions.fromConfig({}, { cwd: dir, homeDir: dir, env: {} }).catch((e) => e);
    console.log(yamlError instanceof OktaConfigError, yamlError.cause === undefined);
    console.log(yamlError.message.replace(dir, '<dir>'));
    fs.rmSync(dir, { recursive: true });`;
  const expected = [
    'true true 0',
    'Private-key auth needs the optional dependency jose: npm install jose',
    'true true',
    'Reading <dir>/okta.yaml needs the optional dependency yaml: npm install yaml',
  ];
  const cjs = node([
    '-e',
    `(async () => { ${script("const { OktaSessions, OktaConfigError } = require('okta-sessions');")} })();`,
  ]);
  expect(cjs.trim().split('\n')).toEqual(expected);
  const esm = node([
    '--input-type=module',
    '-e',
    script("const { OktaSessions, OktaConfigError } = await import('okta-sessions');"),
  ]);
  expect(esm.trim().split('\n')).toEqual(expected);
});

test('private-key auth from the CommonJS build: a real import() of ESM-only jose, DPoP end to end', () => {
  addOptionalPeers();
  const out = node([
    '-e',
    `const { generateKeyPairSync } = require('node:crypto');
     const { OktaSessions } = require('okta-sessions');
     const { startEmulator } = require('okta-sessions/emulator');
     (async () => {
       const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
       const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k' };
       const emu = await startEmulator({ clients: { app: { jwks: [jwk], scopes: ['okta.sessions.read'], dpop: true } } });
       const admin = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
       const { id } = await admin.createSession({ sessionToken: emu.issueSessionToken() });
       const okta = new OktaSessions({ orgUrl: emu.url, clientId: 'app', privateKey, keyId: 'k', scopes: ['okta.sessions.read'] });
       console.log((await okta.getSession(id)).id === id);
       await emu.close();
     })();`,
  ]);
  expect(out.trim()).toBe('true');
  const cjs = readFileSync(
    join(project, 'node_modules/okta-sessions/dist/cjs/src/oauth/jose.js'),
    'utf8',
  );
  expect(cjs).toContain("import('jose')");
  expect(cjs).not.toContain('require(');
});

test('the bin runs the whole demo against the bundled emulator', () => {
  const out = execFileSync(join(project, 'node_modules', '.bin', 'okta-sessions'), ['demo'], {
    cwd: project,
    encoding: 'utf8',
  });
  expect(out).toContain('Demo complete');
  expect(out).toMatch(/getSession\(id\) after revoke → OktaNotFoundError\s+GET\s+404/);
});

test("the README's quickstart runs as written, as an ES module in the consumer project", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const quickstart = /## Quickstart\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)![1]!;
  writeFileSync(join(project, 'quickstart.mjs'), quickstart);
  const out = node(['quickstart.mjs']);
  expect(out).toMatch(/^\S+@example\.com ACTIVE \d{4}-\d\d-\d\dT[\d:.]+Z\ntrue\n$/);
});

test("docs/emulator.md's jest example type-checks under ts-jest's defaults (commonjs, node10)", () => {
  const readme = readFileSync(join(root, 'docs', 'emulator.md'), 'utf8');
  const example = /A test of your own code, with jest:\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  writeFileSync(join(project, 'emulator.test.ts'), example);
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsc'),
    [
      '--noEmit',
      '--strict',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node10',
      '--target',
      'es2022',
      '--types',
      'node,jest',
      '--typeRoots',
      join(root, 'node_modules', '@types'),
      'emulator.test.ts',
    ],
    { cwd: project, encoding: 'utf8' },
  );
});

test('from a shell: `okta-sessions emulator`, then `okta-sessions create --username`', async () => {
  const { spawn } = await import('node:child_process');
  const bin = join(project, 'node_modules', '.bin', 'okta-sessions');
  const server = spawn(bin, ['emulator', '--api-token', 'shell-token'], { cwd: project });
  try {
    let banner = '';
    server.stdout.on('data', (chunk: Buffer) => (banner += chunk.toString('utf8')));
    while (!banner.includes('Demo user')) await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (\S+)/.exec(banner)![1]!;
    // Run from the project's node_modules/.bin, which is not on the PATH: the banner says npx.
    expect(banner).toContain(`\n  npx okta-sessions create --username ${DEMO_USER.login} `);
    const [, username, password] = /Demo user: (\S+) \/ (\S+)/.exec(banner)!;
    const created = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        bin,
        ['create', '--username', username!, '--password-stdin', '--json'],
        {
          cwd: project,
          encoding: 'utf8',
          env: { ...process.env, OKTA_CLIENT_ORGURL: url, OKTA_CLIENT_TOKEN: 'shell-token' },
        },
        (err, out) => (err ? reject(err) : resolve(out)),
      );
      child.stdin!.end(`${password}\n`);
    });
    expect(JSON.parse(created)).toMatchObject({ login: username, status: 'ACTIVE' });
    expect(created).not.toContain(password);
  } finally {
    server.kill('SIGTERM');
  }
});

test('another service can import the generated types and read the spec', () => {
  writeFileSync(
    join(project, 'consumer.ts'),
    `import type { components, paths } from 'okta-sessions/schema';
     import type { Session } from 'okta-sessions';
     type Wire = components['schemas']['Session'];
     const link = { href: 'https://acme.okta.com/api/v1/sessions/x' };
     const links = { self: link, refresh: link, user: link };
     const wire: Wire = {
       id: 'x', login: 'a@example.com', userId: 'u', createdAt: '2026-11-29T10:00:00.000Z',
       expiresAt: '2026-11-29T12:00:00.000Z', status: 'ACTIVE', amr: ['pwd'], _links: links,
     };
     const facade: Session = {
       id: 'x', login: 'a@example.com', userId: 'u', createdAt: new Date(), expiresAt: new Date(),
       status: 'SOMETHING_NEW', amr: ['pwd', 'NEW_METHOD'], _links: links,
     };
     const id: string = facade.id; // required fields need no \`!\` under strict
     type Get = paths['/api/v1/sessions/{sessionId}']['get'];
     export const ok: [Wire, Session, Get | undefined] = [wire, facade, undefined];`,
  );
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsc'),
    [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      'false',
      'consumer.ts',
    ],
    { cwd: project, encoding: 'utf8' },
  );
  const spec = node([
    '-e',
    "console.log(require('fs').readFileSync(require.resolve('okta-sessions/spec'), 'utf8').slice(0, 14))",
  ]);
  expect(spec.trim()).toBe('openapi: 3.0.3');
  // docs/other-languages.md's ESM way to the same file.
  const esm = node([
    '--input-type=module',
    '-e',
    "import { readFileSync } from 'node:fs'; import { fileURLToPath } from 'node:url'; console.log(readFileSync(fileURLToPath(import.meta.resolve('okta-sessions/spec')), 'utf8').slice(0, 14))",
  ]);
  expect(esm.trim()).toBe('openapi: 3.0.3');
});
