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
import { contenderById } from './contenders/index.mjs';
import { NotBuiltError } from './contenders/common.mjs';
import { prepareOktaSessions } from './snapshot.mjs';
import { startServer } from './spawn-server.mjs';
import { peakRss } from './stats.mjs';
import { table, ms, mb, int } from './format.mjs';
import { machine, writeResults } from './results.mjs';

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
let client;
try {
  client = await contender.create(server.url);
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
const peak = peakRss();
const srv = await server.stats();
await client.close?.();
await server.close();

const counts = { ok: 0, wrong: 0, unsettled: 0, failed: {} };
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
  machine: machine(),
  contender: contender.id,
  calls: CALLS,
  policy: { rejectFirstAttemptEvery: EVERY, rejectFirstTwoAttemptsEvery: TWICE },
  completed: counts.ok,
  lost: failed + counts.unsettled + counts.wrong,
  failedByError: counts.failed,
  unsettled: counts.unsettled,
  wrongResult: counts.wrong,
  duplicatedResults,
  duplicatedOnServer: srv.idsWithDuplicateOk,
  attempts: srv.requests,
  expectedAttempts,
  rateLimited: srv.byStatus['429'] ?? 0,
  retriesWithRetryHeader: srv.retryHeaders,
  sockets: srv.connections,
  peakRss: peak,
  rssGrowth: peak - rssBefore,
  wallMs,
};
const file = writeResults('load', res);

const m = res.machine;
console.log(
  `okta-sessions bench:load: ${contender.label}\n` +
    `${m.cpu} x${m.cores}, Node ${m.node}, ${m.date}, commit ${m.commit ?? '?'}${m.dirty ? '+dirty' : ''}\n`,
);
console.log(
  table(
    `${int(CALLS)} concurrent getSession calls, one client; 429 on the first attempt of every ` +
      `${EVERY}th id and the first two of every ${TWICE}th`,
    ['measure', 'value'],
    [
      ['calls completed (right session)', int(res.completed)],
      ['results lost (failed, unsettled, wrong)', `${int(res.lost)}  (must be 0)`],
      [
        'results duplicated (client / on the wire)',
        `${duplicatedResults} / ${srv.idsWithDuplicateOk}  (must be 0)`,
      ],
      ['total attempts (expected)', `${int(res.attempts)} (${int(expectedAttempts)})`],
      ['429s answered', int(res.rateLimited)],
      ['retries sent with X-Okta-Retry-Count', int(res.retriesWithRetryHeader)],
      ['sockets opened', int(res.sockets)],
      ['peak RSS (growth)', `${mb(peak)} (${mb(res.rssGrowth)})`],
      ['wall time', wallMs === null ? 'did not finish' : ms(wallMs, 0)],
    ],
  ),
);
if (failed) console.log(`failures: ${JSON.stringify(counts.failed)}`);
console.log(`\nresults in ${file}`);
if (res.lost || duplicatedResults || srv.idsWithDuplicateOk) process.exitCode = 1;

function lcm(a, b) {
  const gcd = (x, y) => (y ? gcd(y, x % y) : x);
  return (a * b) / gcd(a, b);
}
