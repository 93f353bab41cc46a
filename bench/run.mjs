// `npm run bench`: okta-sessions against @okta/okta-sdk-nodejs, bare fetch and the
// undici Pool floor, all doing getSession against bench/server.mjs in its own process.
//
//   node bench/run.mjs [--quick] [--only=id,id] [--no-footprint]
//
// Prints tables, writes bench/results/bench-<date>.json. Exits non-zero only for real
// breakage (a contender that errors or answers wrongly, a failed build), never for a
// number: the targets are printed, not asserted.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { CONTENDERS } from './contenders/index.mjs';
import { startServer } from './spawn-server.mjs';
import { coldStart } from './cold-start.mjs';
import { runChild } from './child.mjs';
import { footprint } from './footprint.mjs';
import { prepareOktaSessions } from './snapshot.mjs';
import { evaluateTargets } from './targets.mjs';
import { renderBench } from './report.mjs';
import { machine, writeResults } from './results.mjs';
import { median } from './stats.mjs';
import { benchCore } from './pin.mjs';

const { values: argv } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-footprint': { type: 'boolean', default: false },
  },
});

const SETTINGS = argv.quick
  ? {
      coldRuns: 1,
      warmup: 300,
      calls: 200,
      rounds: 3,
      inFlight: 64,
      seconds: 0.3,
      passes: 1,
      concurrency: 500,
    }
  : {
      coldRuns: 10,
      passes: 3,
      warmup: 4000,
      calls: 1000,
      rounds: 3,
      inFlight: 64,
      seconds: 2,
      concurrency: 5000,
    };

const only = argv.only?.split(',');
const contenders = only ? CONTENDERS.filter((c) => only.includes(c.id)) : CONTENDERS;
const progress = (msg) => process.stderr.write(`bench: ${msg}\n`);
const t0 = Date.now();
const CORE = benchCore();
let broken = false;

const errorOf = (err) => String(err?.message ?? err).split('\n')[0];

/** Pools the CPU rounds of several per-call passes. */
function poolPasses(runs) {
  const cpuRounds = runs.flatMap((r) => r.cpuUsPerCallRounds);
  return {
    passes: runs.length,
    pinnedToCore: CORE,
    datesRevived: runs[0].datesRevived,
    cpuUsPerCall: median(cpuRounds),
    cpuUsPerCallRounds: cpuRounds,
    sysUsPerCall: median(runs.map((r) => r.sysUsPerCall)),
    wallUsPerCall: median(runs.map((r) => r.wallUsPerCall)),
  };
}

const pick = ({ throughput, throughputCalls, cpuUsPerCallInFlight }) => ({
  throughput,
  throughputCalls,
  cpuUsPerCallInFlight,
});

const wantsOurs = contenders.some((c) => c.id === 'okta-sessions');
const { build, snap } = wantsOurs
  ? prepareOktaSessions({ log: progress })
  : { build: { built: false, reason: 'okta-sessions not selected' }, snap: null };
if (build.failed) broken = true;

const res = { quick: argv.quick, settings: { ...SETTINGS, core: CORE }, build, machine: machine() };
const server = await startServer();
try {
  progress(`cold start (${SETTINGS.coldRuns} fresh processes per contender)`);
  res.coldStart = await coldStart(contenders, server.url, { runs: SETTINGS.coldRuns });

  // Per call, CPU: fresh processes in interleaved passes (A B C D A B C D ...) so that
  // load from other work on the machine spreads over all contenders, with client and
  // server pinned to one core (pin.mjs: cross-core wake-ups made unpinned runs bimodal).
  // The rounds of all passes are pooled. Throughput: one more process each, unpinned.
  res.perCall = {};
  const skip = (c) => {
    const r = res.coldStart.results[c.id];
    return r?.notBuilt ? { notBuilt: r.notBuilt } : r?.error ? { error: 'see cold start' } : null;
  };
  const live = contenders.filter((c) => !skip(c));
  if (contenders.some((c) => skip(c)?.error)) broken = true;
  for (const c of contenders) if (skip(c)) res.perCall[c.id] = skip(c);
  const cpuRuns = Object.fromEntries(live.map((c) => [c.id, []]));
  const { warmup, calls, rounds, inFlight, seconds } = SETTINGS;
  const perCall = async (c, opts, core) => {
    try {
      return await runChild('./per-call-child.mjs', [c.id, server.url, JSON.stringify(opts)], {
        core,
      });
    } catch (err) {
      broken = true;
      res.perCall[c.id] = { error: errorOf(err) };
      return null;
    }
  };
  server.pin(CORE);
  for (let pass = 0; pass < SETTINGS.passes; pass++) {
    for (const c of live) {
      if (res.perCall[c.id]?.error) continue;
      progress(`per-call CPU ${c.id} (pass ${pass + 1}/${SETTINGS.passes})`);
      const r = await perCall(c, { warmup, calls, rounds, inFlight, seconds: 0 }, CORE);
      if (r) cpuRuns[c.id].push(r);
    }
  }
  server.pin(CORE === null ? null : 'all');
  for (const c of live) {
    if (res.perCall[c.id]?.error) continue;
    progress(`throughput ${c.id}`);
    const t = await perCall(c, { warmup: 0, calls: 0, rounds: 0, inFlight, seconds }, null);
    if (t) res.perCall[c.id] = { ...poolPasses(cpuRuns[c.id]), ...pick(t) };
  }

  res.concurrency = {};
  for (const c of contenders) {
    if (skip(c)) {
      res.concurrency[c.id] = skip(c);
      continue;
    }
    progress(`concurrency ${c.id}`);
    await server.reset();
    try {
      const r = await runChild('./concurrency-child.mjs', [
        c.id,
        server.url,
        String(SETTINGS.concurrency),
      ]);
      r.server = await server.stats();
      if (r.ok !== r.count) broken = true;
      res.concurrency[c.id] = r;
    } catch (err) {
      broken = true;
      res.concurrency[c.id] = { error: errorOf(err) };
    }
  }
} finally {
  await server.close();
}

if (argv['no-footprint']) {
  res.footprint = { skipped: '--no-footprint' };
} else if (!snap) {
  res.footprint = { skipped: `okta-sessions not built: ${build.reason}` };
} else {
  progress(argv.quick ? 'footprint (pack + bundle)' : 'footprint (pack, install, bundle)');
  try {
    const require = createRequire(import.meta.url);
    res.footprint = await footprint({
      snap,
      quick: argv.quick,
      compareOfficial: !argv.quick,
      officialVersion: require('@okta/okta-sdk-nodejs/package.json').version,
    });
  } catch (err) {
    broken = true;
    res.footprint = { error: errorOf(err) };
  }
}

res.targets = evaluateTargets(res);
res.elapsedMs = Date.now() - t0;
const file = writeResults(argv.quick ? 'bench-quick' : 'bench', res);
console.log(renderBench(res, contenders));
console.log(`\n${(res.elapsedMs / 1000).toFixed(0)} s; results in ${file}`);
if (broken) {
  console.error('bench: something broke (see errors above)');
  process.exitCode = 1;
}
