#!/usr/bin/env node
// `npm run consumers [-- <key>...]`: proves that services in other languages can generate a
// working client from spec/okta-sessions.yaml. For each consumer entry of openapitools.json it
// generates the client with the pinned openapi-generator into .consumers/<key> (git-ignored),
// builds it with the language's own toolchain, and runs the smoke program kept in
// consumers/<key>/ twice against a fresh emulator: as the emulator answers today, and with
// `unknownValues: true` (an unlisted enum value and an undeclared property in every body).
// A recording proxy in front of the emulator checks the wire: every operation answered 2xx,
// `SSWS ` on the admin operations, the /me operations sent the cookie and no Authorization, and
// revokeUserSessions sent `oauthTokens=true` and ended the user's sessions. Every smoke also
// scripts one "429, then success" through the emulator's HTTP fault API
// (OKTA_EMULATOR_URL, OKTA_EMULATOR_ADMIN_TOKEN) and retries on its own; the emulator's journal
// shows the 429 and the success after it.
// csharp is generated only: no .NET SDK is installed here.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { bundleEmulator } from './bundle-emulator.mjs';

const root = resolve(import.meta.dirname, '..');
const work = join(root, '.consumers');
const generators = JSON.parse(readFileSync(join(root, 'openapitools.json'), 'utf8'))[
  'generator-cli'
].generators;
const ALL = [
  'python',
  'go',
  'java-native',
  'java-okhttp-gson',
  'typescript-fetch',
  'rust',
  'csharp',
];
const GENERATE_ONLY = new Set(['csharp']);
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const key of chosen) {
  if (!ALL.includes(key) || !generators[key]) throw new Error(`unknown consumer ${key}`);
}

const started = performance.now();
/** @type {[string, number][]} */
const timings = [];
const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
/**
 * @template T
 * @param {string} label
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function timed(label, fn) {
  const t0 = performance.now();
  console.log(`\n▶ ${label}`);
  try {
    return await fn();
  } finally {
    timings.push([label, performance.now() - t0]);
  }
}

/**
 * Runs a command to completion, inheriting output (or, with `quiet`, keeping it to show only on
 * failure: Maven prints colour codes even in batch mode); rejects on a non-zero exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ quiet?: boolean, cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<void>}
 */
function run(cmd, args, { quiet = false, ...options } = {}) {
  return new Promise((/** @type {(value?: void) => void} */ done, fail) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      ...options,
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (code === 0) return done();
      if (output) process.stderr.write(output);
      fail(new Error(`${cmd} ${args.join(' ')}: exit ${code ?? signal}`));
    });
  });
}

// ---- generate -------------------------------------------------------------------------------
mkdirSync(work, { recursive: true });
await timed('fetch the pinned openapi-generator jar (Maven; cached)', () =>
  run(process.execPath, [join(root, 'scripts/fetch-generator.mjs')]),
);
await timed(`generate ${chosen.join(', ')} (openapi-generator)`, async () => {
  // The generator never deletes files it no longer produces: start from empty folders.
  for (const key of chosen)
    rmSync(join(root, generators[key].output), { recursive: true, force: true });
  const log = join(work, 'generate.log');
  let output;
  try {
    output = execFileSync(
      join(root, 'node_modules/.bin/openapi-generator-cli'),
      ['generate', '--generator-key', ...chosen],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = /** @type {{ stdout?: string, stderr?: string }} */ (
      error
    );
    writeFileSync(log, `${stdout}${stderr}`);
    throw new Error(`openapi-generator failed; its output is in ${log}`);
  }
  writeFileSync(log, output);
  // Show the generators' warnings, counted (rust repeats its renames once per response).
  const warnings = new Map();
  for (const line of output.split('\n')) {
    const match = /^\[\[([\w-]+)\][^\]]*\] \[main\] WARN\s+(.*)$/.exec(line);
    if (match)
      warnings.set(`${match[1]}: ${match[2]}`, (warnings.get(`${match[1]}: ${match[2]}`) ?? 0) + 1);
  }
  for (const [text, count] of warnings) console.log(`  warning ×${count} ${text}`);
  console.log(`  (full output: ${log})`);
});

// ---- build ----------------------------------------------------------------------------------
const cargoTarget = join(work, 'cargo-target'); // one target dir for every rust build
/** Per language: build, then say how to run the smoke (`[command, args]`). */
/** @type {Record<string, () => Promise<[string, string[]]>>} */
const builders = {
  python: async () => {
    const venv = join(work, 'venv');
    if (!existsSync(join(venv, 'bin', 'python'))) await run('python3', ['-m', 'venv', venv]);
    await run(join(venv, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      join(root, generators.python.output),
    ]);
    return [join(venv, 'bin', 'python'), [join(root, 'consumers/python/smoke.py')]];
  },
  go: async () => {
    const dir = join(root, 'consumers/go');
    await run('go', ['mod', 'tidy'], { cwd: dir });
    const bin = join(work, 'bin', 'go-smoke');
    await run('go', ['build', '-o', bin, '.'], { cwd: dir });
    return [bin, []];
  },
  ...Object.fromEntries(
    ['java-native', 'java-okhttp-gson'].map((key) => [
      key,
      async () => {
        const dir = join(root, generators[key].output);
        await run(
          'mvn',
          [
            '-q',
            '-B',
            '-DskipTests',
            '-Dmaven.javadoc.skip=true',
            'package',
            'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath',
            '-Dmdep.outputFile=classpath.txt',
          ],
          { cwd: dir, quiet: true },
        );
        const cp = [join(dir, 'target/classes'), readFileSync(join(dir, 'classpath.txt'), 'utf8')];
        const classes = join(dir, 'target/smoke');
        await run('javac', ['-cp', cp.join(':'), '-d', classes, `consumers/${key}/Smoke.java`]);
        return ['java', ['-cp', [classes, ...cp].join(':'), 'Smoke']];
      },
    ]),
  ),
  'typescript-fetch': async () => {
    await run(join(root, 'node_modules/.bin/tsc'), ['-p', 'consumers/typescript-fetch']);
    const out = join(work, 'typescript-fetch-build');
    // The repository is "type": "module"; tsc emitted CommonJS here.
    writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
    return [process.execPath, [join(out, 'consumers/typescript-fetch/smoke.js')]];
  },
  rust: async () => {
    const env = { ...process.env, CARGO_TARGET_DIR: cargoTarget };
    const manifest = ['--manifest-path', join(root, 'consumers/rust/Cargo.toml')];
    await run('cargo', ['build', '--quiet', ...manifest], { env });
    return [join(cargoTarget, 'debug', 'okta-sessions-smoke'), []];
  },
};

// Rust's build is the slowest by far: start it first and build the others meanwhile.
const runnable = chosen.filter((key) => !GENERATE_ONLY.has(key));
/** @type {Map<string, [string, string[]]>} */
const smokes = new Map();
/** @param {string} key */
const builderOf = (key) => {
  const builder = builders[key];
  if (builder === undefined) throw new Error(`no builder for ${key}`);
  return builder;
};
const pending = runnable.includes('rust')
  ? timed('build rust (cargo, in the background)', builderOf('rust')).then((cmd) =>
      smokes.set('rust', cmd),
    )
  : Promise.resolve();
pending.catch(() => {}); // awaited below
for (const key of runnable.filter((k) => k !== 'rust')) {
  smokes.set(key, await timed(`build ${key}`, builderOf(key)));
}
await pending;

// ---- smoke against the emulator -------------------------------------------------------------
const emulatorModule = join(work, 'emulator.mjs');
await bundleEmulator(emulatorModule);
const { startEmulator } = await import(pathToFileURL(emulatorModule).href);

// Operations from the spec: literal paths (the /me ones) win over templated ones.
const spec = parse(readFileSync(join(root, 'spec/okta-sessions.yaml'), 'utf8'));
const routes = Object.entries(spec.paths)
  .flatMap(([path, item]) =>
    ['get', 'post', 'delete'].flatMap((method) =>
      item[method]
        ? [
            {
              id: item[method].operationId,
              method: method.toUpperCase(),
              templated: path.includes('{'),
              cookieOnly: (item[method].security ?? spec.security ?? []).length === 0,
              pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
            },
          ]
        : [],
    ),
  )
  .sort((a, b) => Number(a.templated) - Number(b.templated));
const operationOf = (/** @type {string} */ method, /** @type {string} */ path) =>
  routes.find((r) => r.method === method && r.pattern.test(path.split('?')[0] ?? ''));

/**
 * @typedef {{ op: string | undefined, authorization: string | undefined,
 *   cookie: string | undefined, query: string, status: number }} Seen
 */

/**
 * A proxy in front of the emulator that records what each client really sends.
 * @param {string} target
 */
async function recordingProxy(target) {
  /** @type {Seen[]} */
  const seen = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const entry = {
      op: operationOf(req.method ?? '', req.url ?? '')?.id,
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      query: new URL(req.url ?? '/', 'http://proxy.invalid').search,
      status: 0,
    };
    seen.push(entry);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        entry.status = up.statusCode ?? 0;
        res.writeHead(entry.status, up.rawHeaders);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise((/** @type {(value?: void) => void} */ ok) =>
    server.listen(0, '127.0.0.1', () => ok()),
  );
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

/**
 * @param {string} key
 * @param {Seen[]} seen
 * @param {{ userSessionsRevocations(): { oauthTokens?: string, ended: number }[] }} emu
 */
function checkWire(key, seen, emu) {
  const problems = [];
  // go also sends every parameter the caller left out, at its spec default (forgetDevices=true).
  const query = (/** @type {Seen} */ e) => new URLSearchParams(e.query);
  if (!seen.some((e) => e.op === 'revokeUserSessions' && query(e).get('oauthTokens') === 'true'))
    problems.push('revokeUserSessions did not send oauthTokens=true');
  if (!emu.userSessionsRevocations().some((r) => r.oauthTokens === 'true' && r.ended > 0))
    problems.push("revokeUserSessions ended none of the user's sessions");
  for (const route of routes) {
    if (!seen.some((e) => e.op === route.id && e.status >= 200 && e.status < 300))
      problems.push(`${route.id} was never answered with 2xx`);
  }
  if (!seen.some((e) => e.op === 'getSession' && e.status === 404))
    problems.push('no getSession answered 404');
  for (const e of seen.filter((e) => e.op)) {
    const route = routes.find((r) => r.id === e.op);
    if (route?.cookieOnly) {
      if (e.authorization !== undefined) problems.push(`${e.op} sent an Authorization header`);
      if (!/(^|;\s*)sid=/.test(e.cookie ?? '')) problems.push(`${e.op} sent no sid cookie`);
    } else if (!e.authorization?.startsWith('SSWS ')) {
      problems.push(`${e.op} sent no "SSWS " Authorization`);
    }
  }
  if (problems.length) throw new Error(`${key}: ${[...new Set(problems)].join('; ')}`);
}

/**
 * The journal of a smoke that scripted "429, then success" on getSession: a getSession the
 * fault answered 429, and a getSession answered 200 after it.
 * @param {string} key
 * @param {{ requests(): { operationId: string | null, status: number | null, fault: string | null }[] }} emu
 */
function checkScriptedRateLimit(key, emu) {
  const gets = emu.requests().filter((r) => r.operationId === 'getSession');
  const limited = gets.findIndex((r) => r.fault === 'status' && r.status === 429);
  if (limited < 0 || !gets.slice(limited + 1).some((r) => r.status === 200))
    throw new Error(`${key}: no scripted 429 on getSession followed by a success`);
}

for (const [key, [cmd, args]] of smokes) {
  for (const unknownValues of [false, true]) {
    const mode = unknownValues ? 'unknown-values mode' : 'plain';
    await timed(`smoke ${key} (${mode})`, async () => {
      const user = { login: 'smoke@example.com', password: randomBytes(12).toString('base64url') };
      const adminToken = randomBytes(24).toString('base64url');
      const emu = await startEmulator({ users: [user], unknownValues, adminToken });
      const proxy = await recordingProxy(emu.url);
      try {
        await run(cmd, args, {
          env: {
            ...process.env,
            OKTA_URL: proxy.url,
            OKTA_API_TOKEN: emu.apiToken,
            OKTA_USERNAME: user.login,
            OKTA_PASSWORD: user.password,
            UNKNOWN_VALUES: unknownValues ? '1' : '0',
            OKTA_EMULATOR_URL: emu.url,
            OKTA_EMULATOR_ADMIN_TOKEN: adminToken,
          },
        });
        checkWire(key, proxy.seen, emu);
        checkScriptedRateLimit(key, emu);
      } finally {
        proxy.server.closeAllConnections();
        proxy.server.close();
        await emu.close();
      }
    });
  }
}

console.log('\nconsumers: step times');
for (const [label, ms] of timings) console.log(`  ${seconds(ms).padStart(8)}  ${label}`);
console.log(`  ${seconds(performance.now() - started).padStart(8)}  total`);
console.log(
  `✔ ${runnable.join(', ')}: generated, built, smoke passed (plain and unknown values)` +
    (chosen.some((k) => GENERATE_ONLY.has(k)) ? '; csharp: generated only (no .NET SDK)' : ''),
);
