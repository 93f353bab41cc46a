// `npm run bench:load`: 10,000 concurrent getSession calls through ONE client at a
// server that rate-limits some of them (bench/server.mjs --mode=load): the first
// attempt of every 5th distinct session id gets a 429, of every 50th the first two,
// each with X-Rate-Limit-Reset one second past the Date header. A client that
// retries like Okta's SDKs (at most 2 retries, waiting reset - Date + 1 s) gets every
// session. Each call asks for its own id and must get exactly that session back.
//
//   node bench/load.mjs [--contender=okta-sessions] [--calls=10000]
//
// Exits non-zero if any result is lost, wrong or duplicated (those are breakage).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { contenderById, NotBuiltError } from './contenders.mjs';
import { startServer } from './processes.mjs';
import { prepareOktaSessions } from './snapshot.mjs';

const { values: argv } = parseArgs({
  options: {
    contender: { type: 'string', default: 'okta-sessions' },
    calls: { type: 'string', default: '10000' },
    'reject-every': { type: 'string', default: '5' },
    'reject-twice-every': { type: 'string', default: '50' },
    'timeout-s': { type: 'string', default: '45' },
  },
});
const CALLS = Number(argv.calls);
const EVERY = Number(argv['reject-every']);
const TWICE = Number(argv['reject-twice-every']);

const contender = contenderById(argv.contender);
const build = contender.id === 'okta-sessions' ? prepareOktaSessions().build : null;

const server = await startServer([
  '--mode=load',
  `--reject-every=${EVERY}`,
  `--reject-twice-every=${TWICE}`,
]);
/** @type {import('./contenders.mjs').BenchClient} */
let client;
try {
  const created = await contender.create(server.url);
  if (!created) throw new Error(`${contender.id} makes no calls`);
  client = created;
} catch (err) {
  await server.close();
  if (err instanceof NotBuiltError) {
    console.error(`bench:load: ${err.message}${build ? ` (${build.reason})` : ''}`);
    process.exit(1);
  }
  throw err;
}

const rssBefore = process.memoryUsage.rss();
const outcome = new Array(CALLS); // 'ok' | 'wrong' | error key; undefined = never settled
const resultOwner = new Map(); // result id -> how many calls got it
const t0 = performance.now();
let wallMs = null;
const all = Promise.all(
  Array.from({ length: CALLS }, (_, i) => {
    const id = `load${i}`;
    return client.getSession(id).then(
      (s) => {
        resultOwner.set(s?.id, (resultOwner.get(s?.id) ?? 0) + 1);
        outcome[i] = s?.id === id ? 'ok' : 'wrong';
      },
      (err) => {
        outcome[i] = `${err?.name ?? 'Error'}${err?.status ? ` ${err.status}` : ''}`;
      },
    );
  }),
).then(() => (wallMs = performance.now() - t0));

let timer;
await Promise.race([
  all,
  new Promise((r) => (timer = setTimeout(r, Number(argv['timeout-s']) * 1000))),
]);
clearTimeout(timer);
const peak = process.resourceUsage().maxRSS * 1024;
const srv = await server.stats();
await client.close?.();
await server.close();

const counts = {
  ok: 0,
  wrong: 0,
  unsettled: 0,
  failed: /** @type {Record<string, number>} */ ({}),
};
for (let i = 0; i < CALLS; i++) {
  const o = outcome[i];
  if (o === 'ok') counts.ok++;
  else if (o === 'wrong') counts.wrong++;
  else if (o === undefined) counts.unsettled++;
  else counts.failed[o] = (counts.failed[o] ?? 0) + 1;
}
const failed = Object.values(counts.failed).reduce((a, b) => a + b, 0);
const duplicatedResults = [...resultOwner.values()].filter((n) => n > 1).length;
const rejectedIds =
  Math.floor(CALLS / EVERY) + Math.floor(CALLS / TWICE) - Math.floor(CALLS / lcm(EVERY, TWICE));
const expectedAttempts = CALLS + rejectedIds + Math.floor(CALLS / TWICE);

const res = {
  node: process.version,
  date: new Date().toISOString(),
  contender: contender.id,
  calls: CALLS,
  policy: { rejectFirstAttemptEvery: EVERY, rejectFirstTwoAttemptsEvery: TWICE },
  completed: counts.ok,
  lost: failed + counts.unsettled + counts.wrong,
  failedByError: counts.failed,
  unsettled: counts.unsettled,
  wrongResult: counts.wrong,
  duplicatedResults,
  duplicatedOnServer: srv['idsWithDuplicateOk'],
  attempts: srv['requests'],
  expectedAttempts,
  rateLimited: srv['byStatus']['429'] ?? 0,
  retriesWithRetryHeader: srv['retryHeaders'],
  sockets: srv['connections'],
  peakRss: peak,
  rssGrowth: peak - rssBefore,
  wallMs,
};
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`load-${res.date.replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(file, JSON.stringify(res, null, 2) + '\n');

console.log(
  `okta-sessions bench:load: ${contender.label}, Node ${res.node}, ${res.date}\n` +
    `${CALLS} concurrent getSession calls, one client; 429 on the first attempt of every ` +
    `${EVERY}th id and the first two of every ${TWICE}th`,
);
const mb = (/** @type {number} */ x) => `${(x / 1e6).toFixed(1)} MB`;
console.table({
  'calls completed (right session)': res.completed,
  'results lost (failed, unsettled, wrong; must be 0)': res.lost,
  'results duplicated, client / on the wire (must be 0)': `${duplicatedResults} / ${res.duplicatedOnServer}`,
  'total attempts (expected)': `${res.attempts} (${expectedAttempts})`,
  '429s answered': res.rateLimited,
  'retries sent with X-Okta-Retry-Count': res.retriesWithRetryHeader,
  'sockets opened': res.sockets,
  'peak RSS (growth)': `${mb(peak)} (${mb(res.rssGrowth)})`,
  'wall time': wallMs === null ? 'did not finish' : `${Math.round(wallMs)} ms`,
});
if (failed) console.log(`failures: ${JSON.stringify(counts.failed)}`);
console.log(`\nresults in ${file.pathname}`);
if (res.lost || duplicatedResults || res.duplicatedOnServer) process.exitCode = 1;

/** @param {number} a @param {number} b */
function lcm(a, b) {
  /** @type {(x: number, y: number) => number} */
  const gcd = (x, y) => (y ? gcd(y, x % y) : x);
  return (a * b) / gcd(a, b);
}
