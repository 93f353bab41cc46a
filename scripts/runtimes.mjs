// The runtime conformance suite (test/runtimes/) in Node, Deno, Bun and workerd:
//
//   node scripts/runtimes.mjs [node] [node=/path/to/other/node ...] [deno] [bun] [workerd]
//                             [--emulator=node,deno,bun]
//
// (default: node, deno, bun and workerd). `node=PATH` runs the suite under another Node binary
// too. `--emulator=` lists where the emulator runs: `node` is this process; `deno` and `bun`
// serve it with the package's CLI under that runtime (`okta-sessions emulator`). The first one
// listed serves every runtime's suite; each further one serves this Node's suite.
//
// Packs the package (prepack builds it) and installs the tarball into a new project, as users
// get it; starts the emulator from that install in this Node process on 127.0.0.1, with a
// recorder beside it (it answers anything and tells what it received); then runs the same suite
// in each runtime through the runtime's own resolver (`deno run --node-modules-dir=manual`,
// `bun`), and for workerd in a Worker bundled as wrangler bundles (the `workerd`, `worker` and
// `browser` conditions). The binaries come from the npm registry (PACKAGES below; .ci/run
// installs them into .cache/runtimes/); OKTA_DENO, OKTA_BUN and OKTA_WORKERD name others. A missing binary is
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

/**
 * The runtimes' npm registry packages (plain binaries), as .ci/run installs them, each into
 * .cache/runtimes/<name>-<version>: the package, and its binary's path inside it.
 */
export const PACKAGES = {
  deno: { name: '@deno/linux-x64-glibc', version: '2.9.6', bin: 'deno' },
  bun: { name: '@oven/bun-linux-x64', version: '1.4.4', bin: 'bin/bun' },
  workerd: { name: '@cloudflare/workerd-linux-64', version: '1.20261117.1', bin: 'bin/workerd' },
};

/** @param {keyof typeof PACKAGES} runtime */
const cached = (runtime) => {
  const { name, version, bin } = PACKAGES[runtime];
  return join(cache, `${runtime}-${version}`, 'node_modules', name, bin);
};

/** Where each runtime's binary is (OKTA_DENO, OKTA_BUN, OKTA_WORKERD name others). */
const RUNTIMES = {
  node: { binary: () => process.execPath },
  deno: { binary: () => process.env.OKTA_DENO ?? cached('deno') },
  bun: { binary: () => process.env.OKTA_BUN ?? cached('bun') },
  workerd: { binary: () => process.env.OKTA_WORKERD ?? cached('workerd') },
  // The same Worker without the nodejs_compat flag (no node:crypto, no process).
  'workerd-nocompat': { binary: () => process.env.OKTA_WORKERD ?? cached('workerd') },
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
 * The Worker bundle of `entry`, built with wrangler's resolution settings, and a workerd
 * config for it whose bindings come from the environment variables of the same names.
 * @param {string} project
 * @param {string} [entry]
 * @param {string[]} [bindings]
 * @param {string[]} [flags] the compatibility flags
 * @param {string} [tag] names the files, so that several runs can build at once
 */
async function workerdConfig(
  project,
  entry = 'suite/worker.mjs',
  bindings = ['OKTA_RUNTIME_SUITE', 'OKTA_RUNTIME_ONLY'],
  flags = ['nodejs_compat'],
  tag = 'suite',
) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(project, entry)],
    outfile: join(project, `worker-${tag}.mjs`),
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
  const config = join(project, `workerd-${tag}.capnp`);
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
  modules = [ (name = "worker", esModule = embed "worker-${tag}.mjs") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${flags.map((f) => `"${f}"`).join(', ')}],
  bindings = [
${bindings.map((name) => `    (name = "${name}", fromEnvironment = "${name}"),`).join('\n')}
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
    case 'workerd-nocompat':
      return [binary, ['test', await workerdConfig(project, undefined, undefined, [], 'nocompat')]];
  }
  throw new Error(`unknown runtime ${runtime}`);
}

/**
 * Runs the suite in one runtime; its output goes to ours.
 * @param {keyof typeof RUNTIMES} runtime
 * @param {string} project
 * @param {object} config
 * @param {string} [binary]
 * @returns {Promise<{ runtime: string, missing?: string, code?: number | null, output?: string, seconds?: number }>}
 */
async function runIn(runtime, project, config, binary = RUNTIMES[runtime].binary()) {
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((done) => child.on('close', done));
  const label =
    runtime === 'node'
      ? `node ${execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()}`
      : runtime;
  return { runtime: label, code, output, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/**
 * The Worker and Deno examples of docs/runtimes.md, run as written against the emulator: each
 * must report an active session for a live id and none for a missing one.
 * @param {string} project
 * @param {string[]} wanted
 * @param {{ url: string, apiToken: string, login: string, password: string }} config
 * @returns {Promise<{ runtime: string, missing?: string, code: number | null, seconds: number }[]>}
 */
async function runExamples(project, wanted, config) {
  const doc = readFileSync(join(root, 'docs/runtimes.md'), 'utf8');
  /** @param {string} file */
  const example = (file) => {
    const found = new RegExp(
      `\`\`\`js\\n// ${file.replace('.', '\\.')}[^\\n]*\\n([\\s\\S]*?)\`\`\``,
    ).exec(doc);
    if (!found) throw new Error(`docs/runtimes.md has no ${file} example`);
    writeFileSync(join(project, file), `// ${file}\n${found[1]}`);
  };
  const authn = await fetch(`${config.url}/api/v1/authn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: config.login, password: config.password }),
  });
  const { sessionToken } = /** @type {{ sessionToken: string }} */ (await authn.json());
  const created = await fetch(`${config.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `SSWS ${config.apiToken}` },
    body: JSON.stringify({ sessionToken }),
  });
  const { id } = /** @type {{ id: string }} */ (await created.json());
  const env = {
    ...process.env,
    OKTA_ORG_URL: config.url,
    OKTA_API_TOKEN: config.apiToken,
    OKTA_CLIENT_ORGURL: config.url,
    OKTA_CLIENT_TOKEN: config.apiToken,
    EXAMPLE_SESSION_ID: id,
    DENO_DIR: join(project, '.deno'),
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
  };
  /** @param {string} command @param {string[]} args */
  const output = (command, args) =>
    new Promise((done) => {
      const child = spawn(command, args, { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk) => (text += chunk));
      child.stderr.on('data', (chunk) => (text += chunk));
      child.on('close', (code) => done({ code, text }));
    });
  const results = [];
  if (wanted.includes('deno') && existsSync(RUNTIMES.deno.binary())) {
    example('check-session.mjs');
    const started = Date.now();
    const deno = RUNTIMES.deno.binary();
    const args = ['run', '--node-modules-dir=manual', '--no-lock', '--allow-net', '--allow-env'];
    const live = /** @type {{ code: number, text: string }} */ (
      await output(deno, [...args, 'check-session.mjs', id])
    );
    const missing = /** @type {{ code: number, text: string }} */ (
      await output(deno, [...args, 'check-session.mjs', 'no-such-session'])
    );
    const ok =
      live.code === 0 &&
      /^active until \d{4}-/.test(live.text) &&
      missing.code === 1 &&
      missing.text.trim() === 'no such session';
    console.log(`\n=== docs/runtimes.md Deno example ===\n${live.text}${missing.text}`);
    results.push({
      runtime: 'deno: the Deno example',
      code: ok ? 0 : 1,
      seconds: (Date.now() - started) / 1000,
    });
  }
  if (wanted.includes('workerd') && existsSync(RUNTIMES.workerd.binary())) {
    example('worker.mjs');
    // The harness sends the example two requests, as a Worker gets them, and checks the answers.
    writeFileSync(
      join(project, 'example-harness.mjs'),
      `import example from './worker.mjs';
export default {
  async test(controller, env) {
    const live = await example.fetch(new Request('http://worker/?session=' + env.EXAMPLE_SESSION_ID), env);
    const body = await live.json();
    if (live.status !== 200 || body.active !== true || !/^\\d{4}-/.test(body.expiresAt)) throw new Error('live: ' + live.status + ' ' + JSON.stringify(body));
    const missing = await example.fetch(new Request('http://worker/?session=no-such-session'), env);
    if (missing.status !== 404) throw new Error('missing: ' + missing.status);
    console.log('the Worker example: live ' + JSON.stringify(body) + ', missing ' + missing.status);
  },
};
`,
    );
    const config = await workerdConfig(
      project,
      'example-harness.mjs',
      ['OKTA_ORG_URL', 'OKTA_API_TOKEN', 'EXAMPLE_SESSION_ID'],
      undefined,
      'example',
    );
    const started = Date.now();
    const run = /** @type {{ code: number, text: string }} */ (
      await output(RUNTIMES.workerd.binary(), ['test', config])
    );
    console.log(`\n=== docs/runtimes.md Worker example ===\n${run.text}`);
    results.push({
      runtime: 'workerd: the Worker example',
      code: run.code,
      seconds: (Date.now() - started) / 1000,
    });
  }
  return results;
}

/**
 * The emulator for the suite: in this process, or the package's CLI under `runtime`.
 * @param {string} runtime
 * @param {string} project
 * @param {{ adminToken: string, apiToken: string, login: string, password: string, clientId: string }} config
 * @param {Record<string, unknown>} publicJwk
 * @returns {Promise<{ url: string, close: () => Promise<unknown> }>}
 */
async function startEmulatorIn(runtime, project, config, publicJwk) {
  if (runtime === 'node') {
    const emulatorModule = join(
      project,
      'node_modules/okta-sessions/dist/esm/src/emulator/index.js',
    );
    const { startEmulator } = await import(pathToFileURL(emulatorModule).href);
    return startEmulator({
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
  }
  const binary = RUNTIMES[/** @type {'deno' | 'bun'} */ (runtime)]?.binary();
  if (!binary || runtime === 'workerd') throw new Error(`the emulator does not run in ${runtime}`);
  if (!existsSync(binary))
    throw new Error(`${runtime} is missing (${binary}); .ci/run installs it`);
  writeFileSync(join(project, 'suite.jwks.json'), JSON.stringify({ keys: [publicJwk] }));
  const cli = [
    'emulator',
    '--json',
    '--client-id',
    config.clientId,
    '--jwks-file',
    'suite.jwks.json',
  ];
  // As users start it: `bunx okta-sessions emulator` (bun x), `deno run` on the package's bin.
  const args =
    runtime === 'bun'
      ? ['x', 'okta-sessions', ...cli]
      : [
          'run',
          '-A',
          '--node-modules-dir=manual',
          '--no-lock',
          'node_modules/okta-sessions/dist/esm/src/cli/main.js',
          ...cli,
        ];
  const child = spawn(binary, args, {
    cwd: project,
    env: {
      ...process.env,
      OKTA_EMULATOR_ADMIN_TOKEN: config.adminToken,
      DENO_DIR: join(project, '.deno'),
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) done(out.slice(0, out.indexOf('\n')));
    });
    child.on('close', (code) => fail(new Error(`the ${runtime} emulator exited (${code})`)));
  });
  const started = JSON.parse(/** @type {string} */ (line));
  console.log(`emulator: okta-sessions emulator under ${runtime} at ${started.url}`);
  // The CLI's own API token and demo user: the suite signs in as that user.
  Object.assign(config, {
    apiToken: started.apiToken,
    login: started.demoUser.login,
    password: started.demoUser.password,
  });
  return {
    url: started.url,
    close: () => {
      child.kill();
      return new Promise((done) => child.once('close', done));
    },
  };
}

/** @param {string[]} args */
async function main(args) {
  const emulatorsIn = (
    args.find((a) => a.startsWith('--emulator='))?.slice('--emulator='.length) ?? 'node'
  ).split(',');
  const wanted = args.filter((a) => !a.startsWith('--'));
  if (!wanted.length) wanted.push(...Object.keys(RUNTIMES));
  const unknown = wanted.filter((r) => !((r.split('=')[0] ?? '') in RUNTIMES));
  if (unknown.length) throw new Error(`unknown runtime(s): ${unknown.join(', ')}`);
  const project = installProject();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'runtime-suite' };
  const { d: _d, ...publicJwk } = privateJwk;
  const config = {
    adminToken: randomBytes(16).toString('hex'),
    apiToken: `SECRET-${randomBytes(16).toString('hex')}`,
    login: 'runtime.suite@example.com',
    password: `SECRET-pw-${randomBytes(8).toString('hex')}`,
    clientId: '0oaRuntimeSuite',
    privateJwk,
  };
  /**
   * One suite run against an emulator (in `host`) and a recorder of its own, its output printed
   * whole when it ends.
   * @param {string} spec
   * @param {string} host
   */
  const suiteRun = async (spec, host) => {
    const [runtime, binary] = /** @type {[keyof typeof RUNTIMES, string | undefined]} */ (
      spec.split('=')
    );
    const hostConfig = { ...config };
    const emu = await startEmulatorIn(host, project, hostConfig, publicJwk);
    const recorder = await startRecorder();
    try {
      const suiteConfig = { ...hostConfig, url: emu.url, recorderUrl: recorder.url };
      // The suite runs from the project's folder: a relative binary is ours.
      const result = await runIn(runtime, project, suiteConfig, binary && resolve(binary));
      console.log(`\n=== runtime suite: ${spec} (emulator in ${host}) ===\n${result.output ?? ''}`);
      if (host !== 'node') result.runtime += ` against the emulator in ${host}`;
      return result;
    } finally {
      await emu.close();
      recorder.close();
    }
  };
  /** @type {{ runtime: string, missing?: string, code?: number | null, seconds?: number }[]} */
  const results = [];
  try {
    // Three runtimes at once, each with its own emulator: the suite mostly waits on I/O.
    const queue = [...wanted.entries()];
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        results[next[0]] = await suiteRun(next[1], emulatorsIn[0] ?? 'node');
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    const hostConfig = { ...config };
    const emu = await startEmulatorIn(emulatorsIn[0] ?? 'node', project, hostConfig, publicJwk);
    try {
      results.push(...(await runExamples(project, wanted, { ...hostConfig, url: emu.url })));
    } finally {
      await emu.close();
    }
    // The emulator's CLI under Deno and Bun serves this Node's suite.
    for (const host of emulatorsIn.slice(1)) results.push(await suiteRun('node', host));
  } finally {
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
  const failed = results.filter((r) => r.missing || r.code !== 0).length;
  console.log(`runtimes: ${results.length - failed} passed, ${failed} failed`);
  if (results.some((r) => !r.missing && r.code !== 0)) return 1;
  if (results.some((r) => r.missing)) return process.env.CI === 'true' ? 1 : 2;
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
