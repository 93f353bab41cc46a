// The runtime conformance suite (test/runtimes/) in Node, Deno, Bun and workerd:
//
//   node scripts/runtimes.mjs [node] [deno] [bun] [workerd]   (default: all four)
//
// Packs the package (prepack builds it) and installs the tarball into a new project, as users
// get it; starts the emulator from that install in this Node process on 127.0.0.1, with a
// recorder beside it (it answers anything and tells what it received); then runs the same suite
// in each runtime through the runtime's own resolver (`deno run --node-modules-dir=manual`,
// `bun`), and for workerd in a Worker bundled as wrangler bundles (the `workerd`, `worker` and
// `browser` conditions). The binaries come from the npm registry (.ci/run installs them into
// .cache/runtimes/); OKTA_DENO, OKTA_BUN and OKTA_WORKERD name others. A missing binary is
// reported as such (exit 2) unless CI=true, where it fails. Exit 1 when a case failed.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'runtimes');

/** Where each runtime's binary is, and how it runs the suite. */
export const RUNTIMES = {
  node: { binary: () => process.execPath },
  deno: {
    binary: () =>
      process.env.OKTA_DENO ?? join(cache, 'deno/node_modules/@deno/linux-x64-glibc/deno'),
  },
  bun: {
    binary: () =>
      process.env.OKTA_BUN ?? join(cache, 'bun/node_modules/@oven/bun-linux-x64/bin/bun'),
  },
  workerd: {
    binary: () =>
      process.env.OKTA_WORKERD ??
      join(cache, 'workerd/node_modules/@cloudflare/workerd-linux-64/bin/workerd'),
  },
};

/** The npm registry packages and versions .ci/run installs (one line each, for the shell). */
export const PACKAGES = {
  deno: '@deno/linux-x64-glibc@2.9.6',
  bun: '@oven/bun-linux-x64@1.4.4',
  workerd: '@cloudflare/workerd-linux-64@1.20261117.1',
};

/** A new project with the packed package (and the optional peers the suite uses) installed. */
function installProject() {
  const project = mkdtempSync(join(tmpdir(), 'okta-sessions-runtimes-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop();
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const version = (/** @type {string} */ name) => lock.packages[`node_modules/${name}`].version;
  const manifest = {
    name: 'runtime-suite',
    private: true,
    type: 'module',
    dependencies: {
      'okta-sessions': `file:./${packed}`,
      jose: version('jose'),
      yaml: version('yaml'),
    },
  };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent'], {
    cwd: project,
    stdio: 'inherit',
  });
  cpSync(join(root, 'test/runtimes'), join(project, 'suite'), { recursive: true });
  return project;
}

/** Answers anything (the /me path 404, the rest 204) and tells what it received last. */
async function startRecorder() {
  /** @type {{ method: string | undefined, path: string, headers: object } | null} */
  let last = null;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://recorder');
    if (url.pathname === '/__last') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(last));
    }
    if (url.pathname === '/__pause') {
      setTimeout(() => res.end(), Number(url.searchParams.get('ms') ?? 0));
      return;
    }
    last = { method: req.method, path: url.pathname, headers: req.headers };
    req.resume();
    if (url.pathname === '/api/v1/sessions/me') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(
        '{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: me (Session)","errorCauses":[]}',
      );
    }
    res.writeHead(204).end();
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/**
 * The Worker bundle, built with wrangler's resolution settings, and a workerd config for it.
 * @param {string} project
 */
async function workerdConfig(project) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(project, 'suite/worker.mjs')],
    outfile: join(project, 'worker-bundle.mjs'),
    absWorkingDir: project,
    bundle: true,
    format: 'esm',
    target: 'es2024',
    platform: 'neutral',
    // What wrangler resolves with: the runtime key `workerd`, then `worker` and `browser`.
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    // nodejs_compat's built-in modules stay imports, as wrangler leaves them.
    external: ['node:*', 'cloudflare:*'],
    logLevel: 'warning',
  });
  const config = join(project, 'workerd.capnp');
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "suite", worker = .suite),
    # The default outbound reaches public addresses only; the emulator is on loopback.
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
);
const suite :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker-bundle.mjs") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [
    (name = "OKTA_RUNTIME_SUITE", fromEnvironment = "OKTA_RUNTIME_SUITE"),
    (name = "OKTA_RUNTIME_ONLY", fromEnvironment = "OKTA_RUNTIME_ONLY"),
  ],
  globalOutbound = "loopback",
);
`,
  );
  return config;
}

/**
 * The command that runs the suite in `runtime` from `project`.
 * @param {string} runtime
 * @param {string} binary
 * @param {string} project
 * @returns {Promise<[string, string[]]>}
 */
async function commandOf(runtime, binary, project) {
  switch (runtime) {
    case 'node':
      return [binary, ['suite/main.mjs']];
    case 'deno':
      return [binary, ['run', '-A', '--node-modules-dir=manual', '--no-lock', 'suite/main.mjs']];
    case 'bun':
      return [binary, ['suite/main.mjs']];
    case 'workerd':
      return [binary, ['test', await workerdConfig(project)]];
  }
  throw new Error(`unknown runtime ${runtime}`);
}

/**
 * Runs the suite in one runtime; its output goes to ours.
 * @param {keyof typeof RUNTIMES} runtime
 * @param {string} project
 * @param {object} config
 * @returns {Promise<{ runtime: string, missing?: string, code?: number | null, seconds?: number }>}
 */
async function runIn(runtime, project, config) {
  const binary = RUNTIMES[runtime].binary();
  if (!existsSync(binary)) return { runtime, missing: binary };
  const [command, args] = await commandOf(runtime, binary, project);
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: project,
    env: {
      ...process.env,
      OKTA_RUNTIME_SUITE: JSON.stringify({ ...config, runtime }),
      OKTA_RUNTIME_ONLY: process.env.OKTA_RUNTIME_ONLY ?? '',
      DENO_DIR: join(project, '.deno'),
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise((done) => child.on('close', done));
  return { runtime, code, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** @param {string[]} wanted */
async function main(wanted) {
  const unknown = wanted.filter((r) => !(r in RUNTIMES));
  if (unknown.length) throw new Error(`unknown runtime(s): ${unknown.join(', ')}`);
  const project = installProject();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'runtime-suite' };
  const { d: _d, ...publicJwk } = privateJwk;
  const emulatorModule = join(project, 'node_modules/okta-sessions/dist/esm/src/emulator/index.js');
  const { startEmulator } = await import(pathToFileURL(emulatorModule).href);
  const config = {
    adminToken: randomBytes(16).toString('hex'),
    apiToken: `SECRET-${randomBytes(16).toString('hex')}`,
    login: 'runtime.suite@example.com',
    password: `SECRET-pw-${randomBytes(8).toString('hex')}`,
    clientId: '0oaRuntimeSuite',
    privateJwk,
  };
  const emu = await startEmulator({
    adminToken: config.adminToken,
    apiToken: config.apiToken,
    users: [{ login: config.login, password: config.password }],
    clients: {
      [config.clientId]: {
        jwks: [publicJwk],
        scopes: ['okta.sessions.read', 'okta.sessions.manage'],
        dpop: true,
      },
    },
  });
  const recorder = await startRecorder();
  const results = [];
  try {
    for (const runtime of wanted) {
      console.log(`\n=== runtime suite: ${runtime} ===`);
      results.push(
        await runIn(/** @type {keyof typeof RUNTIMES} */ (runtime), project, {
          ...config,
          url: emu.url,
          recorderUrl: recorder.url,
        }),
      );
    }
  } finally {
    await emu.close();
    recorder.close();
    rmSync(project, { recursive: true, force: true });
  }
  console.log('');
  for (const r of results) {
    console.log(
      r.missing
        ? `${r.runtime}: MISSING (${r.missing}; .ci/run installs it)`
        : `${r.runtime}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.seconds} s`,
    );
  }
  if (results.some((r) => !r.missing && r.code !== 0)) return 1;
  if (results.some((r) => r.missing)) return process.env.CI === 'true' ? 1 : 2;
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2);
  process.exitCode = await main(wanted.length ? wanted : Object.keys(RUNTIMES));
}
