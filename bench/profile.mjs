// `npm run bench:profile`: where a contender's per-call time goes. Runs measure.mjs per-call under `node --cpu-prof`
// (sequential calls only) against the bench server and summarises each profile by self
// time per call, per package and per function. Several contenders give side-by-side
// columns. Raw .cpuprofile files (open them in Chrome DevTools) go to bench/results/profiles/.
//
//   npm run bench:profile -- [contender ...] [--top=25]      default: okta-sessions undici-pool
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchCore, runChild, startServer } from './processes.mjs';
import { prepareOktaSessions } from './snapshot.mjs';

const { values: argv, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const contenders = positionals.length ? positionals : ['okta-sessions', 'undici-pool'];
const OPTS = { warmup: 3000, calls: 3000, rounds: 3 };
const ROOT = fileURLToPath(new URL('./results/profiles/', import.meta.url));

/** @param {string} url @param {string} fn */
function packageOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native: syscalls, JSON, ...)';
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm:')) return 'undici (llhttp wasm)';
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m?.[1]) return m[1];
  if (url.includes('/dist/')) return 'okta-sessions (dist)';
  if (url.includes('/bench/')) return 'bench harness';
  return url;
}
const shortUrl = (/** @type {string} */ url) =>
  url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bench)\//, '$1/');

/** Profiles one contender; returns {cpuUsPerCall, calls, byPkg, byFn} with µs per call. */
/** @param {string} id @param {string} orgUrl */
async function profile(id, orgUrl) {
  const dir = join(ROOT, `${id}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const r = await runChild('./measure.mjs', ['per-call', id, orgUrl, JSON.stringify(OPTS)], {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'],
    core: CORE,
  });
  if (r.notBuilt) throw new Error(`${id}: ${r.notBuilt}`);
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) ?? '');
  /** @type {{ samples: number[], timeDeltas: number[], nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number } }[] }} */
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  // Every getSession of the run: first check + warm-up + measured rounds.
  const calls = 1 + OPTS.warmup + OPTS.calls * OPTS.rounds;
  /** @type {Map<number, number>} */
  const self = new Map();
  prof.samples.forEach((node, i) =>
    self.set(node, (self.get(node) ?? 0) + (prof.timeDeltas[i] ?? 0)),
  );
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const byPkg = new Map();
  /** @type {Map<string, number>} */
  const byFn = new Map();
  /** @type {(m: Map<string, number>, k: string, v: number) => unknown} */
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v / calls);
  for (const [nodeId, us] of self) {
    const frame = nodes.get(nodeId)?.callFrame;
    if (!frame) continue;
    const { functionName, url, lineNumber } = frame;
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
/** @type {Awaited<ReturnType<typeof profile>>[]} */
const runs = [];
try {
  for (const id of contenders) runs.push(await profile(id, server.url));
} finally {
  await server.close();
}

/** µs per call, one decimal. @param {number | undefined} us */
const fmt = (us) => (us === undefined ? '-' : Number(us.toFixed(1)));
const first = /** @type {(typeof runs)[number]} */ (runs[0]);
const keys = [...new Set(runs.flatMap((r) => [...r.byPkg.keys()]))].sort(
  (a, b) => (first.byPkg.get(b) ?? 0) - (first.byPkg.get(a) ?? 0),
);
/** @param {(typeof runs)[number]} r */
const total = (r) => [...r.byPkg.values()].reduce((a, b) => a + b, 0);
/** @param {(r: (typeof runs)[number]) => number | undefined} value */
const row = (value) => Object.fromEntries(runs.map((r) => [r.id, fmt(value(r))]));
console.log(
  'Self time per getSession call in µs, by package (sampled; includes warm-up and start-up)',
);
console.table({
  ...Object.fromEntries(keys.map((k) => [k, row((r) => r.byPkg.get(k))])),
  'total sampled': row(total),
  'cpuUsage per call (measured batches)': row((r) => r.cpuUsPerCall),
});
for (const r of runs) {
  const top = [...r.byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(argv.top));
  console.log(`\n${r.id}: top functions by self time per call (µs)`);
  console.table(Object.fromEntries(top.map(([k, v]) => [k, { 'self/call': fmt(v) }])));
  console.log(`profile: ${r.file}`);
}
