// Where a contender's per-call time goes: runs per-call-child.mjs under `node --cpu-prof`
// (sequential calls only) against the bench server and summarises each profile by self
// time per call, per package and per function. Several contenders give side-by-side
// columns. Raw .cpuprofile files (open them in Chrome DevTools) go to bench/results/profiles/.
//
//   node bench/profile.mjs [contender ...] [--top=25]      default: okta-sessions undici-pool
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runChild } from './child.mjs';
import { startServer } from './spawn-server.mjs';
import { table } from './format.mjs';
import { prepareOktaSessions } from './snapshot.mjs';
import { benchCore } from './pin.mjs';

const { values: argv, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const contenders = positionals.length ? positionals : ['okta-sessions', 'undici-pool'];
const OPTS = { warmup: 3000, calls: 3000, rounds: 3, inFlight: 1, seconds: 0 };
const ROOT = fileURLToPath(new URL('./results/profiles/', import.meta.url));

function packageOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native: syscalls, JSON, ...)';
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm:')) return 'undici (llhttp wasm)';
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.includes('/dist/')) return 'okta-sessions (dist)';
  if (url.includes('/bench/')) return 'bench harness';
  return url;
}
const shortUrl = (url) =>
  url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bench)\//, '$1/');

/** Profiles one contender; returns {cpuUsPerCall, calls, byPkg, byFn} with µs per call. */
async function profile(id, orgUrl) {
  const dir = join(ROOT, `${id}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const r = await runChild('./per-call-child.mjs', [id, orgUrl, JSON.stringify(OPTS)], {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'],
    core: CORE,
  });
  if (r.notBuilt) throw new Error(`${id}: ${r.notBuilt}`);
  const file = join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.cpuprofile')),
  );
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  // Every getSession of the run: first check + warm-up + measured rounds.
  const calls = 1 + OPTS.warmup + OPTS.calls * OPTS.rounds;
  const self = new Map();
  prof.samples.forEach((node, i) =>
    self.set(node, (self.get(node) ?? 0) + (prof.timeDeltas[i] ?? 0)),
  );
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const byPkg = new Map();
  const byFn = new Map();
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v / calls);
  for (const [nodeId, us] of self) {
    const { functionName, url, lineNumber } = nodes.get(nodeId).callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    add(byPkg, packageOf(url, functionName), us);
    add(byFn, `${functionName || '(anonymous)'}  ${shortUrl(url)}:${lineNumber + 1}`, us);
  }
  return { id, cpuUsPerCall: r.cpuUsPerCall, calls, byPkg, byFn, file };
}

if (contenders.includes('okta-sessions')) prepareOktaSessions();
const CORE = benchCore(); // pinned like run.mjs's per-call CPU phase
const server = await startServer();
server.pin(CORE);
const runs = [];
try {
  for (const id of contenders) runs.push(await profile(id, server.url));
} finally {
  await server.close();
}

const fmt = (us) => (us === undefined ? '-' : `${us.toFixed(1)} µs`);
const keys = [...new Set(runs.flatMap((r) => [...r.byPkg.keys()]))].sort(
  (a, b) => (runs[0].byPkg.get(b) ?? 0) - (runs[0].byPkg.get(a) ?? 0),
);
const total = (r) => [...r.byPkg.values()].reduce((a, b) => a + b, 0);
console.log(
  table(
    'Self time per getSession call, by package (sampled; includes warm-up and start-up)',
    ['package', ...runs.map((r) => r.id)],
    [
      ...keys.map((k) => [k, ...runs.map((r) => fmt(r.byPkg.get(k)))]),
      ['total sampled', ...runs.map((r) => fmt(total(r)))],
      ['cpuUsage per call (measured rounds)', ...runs.map((r) => fmt(r.cpuUsPerCall))],
    ],
  ),
);
for (const r of runs) {
  const top = [...r.byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(argv.top));
  console.log();
  console.log(
    table(
      `${r.id}: top functions by self time per call`,
      ['function', 'self/call'],
      top.map(([k, v]) => [k, fmt(v)]),
    ),
  );
  console.log(`profile: ${r.file}`);
}
