// Cold start: for each contender, N fresh processes, interleaved round-robin with a
// bare-node baseline so machine drift hits everyone alike (round 0 is unmeasured: it
// only warms the OS file cache). Medians of import+construct time, RSS and heap, the
// latter two reported as added over the baseline process running the same script.
import { runChild } from './child.mjs';
import { median } from './stats.mjs';
import { BASELINE } from './contenders/index.mjs';

function summarize(runs) {
  return {
    runs: runs.length,
    constructMs: median(runs.map((r) => r.constructMs)),
    rss: median(runs.map((r) => r.rss)),
    heapUsed: median(runs.map((r) => r.heapUsed)),
    firstCallMs: median(runs.map((r) => r.firstCallMs ?? NaN)),
  };
}

/** @returns {Promise<{baseline: object, results: Record<string, object>}>} */
export async function coldStart(contenders, orgUrl, { runs }) {
  const ids = [BASELINE.id, ...contenders.map((c) => c.id)];
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  const notBuilt = {};
  const errors = {};
  for (let round = 0; round <= runs; round++) {
    for (const id of ids) {
      if (notBuilt[id] || errors[id]) continue;
      try {
        const r = await runChild('./cold-start-child.mjs', [id, orgUrl], {
          nodeArgs: ['--expose-gc'],
        });
        if (r.notBuilt) notBuilt[id] = r.notBuilt;
        else if (round > 0) samples[id].push(r);
      } catch (err) {
        errors[id] = String(err?.message ?? err).split('\n')[0];
      }
    }
  }
  if (errors[BASELINE.id]) throw new Error(errors[BASELINE.id]);
  const baseline = summarize(samples[BASELINE.id]);
  const results = {};
  for (const c of contenders) {
    if (notBuilt[c.id] || errors[c.id]) {
      results[c.id] = notBuilt[c.id] ? { notBuilt: notBuilt[c.id] } : { error: errors[c.id] };
      continue;
    }
    const m = summarize(samples[c.id]);
    results[c.id] = {
      ...m,
      rssAdded: m.rss - baseline.rss,
      heapAdded: m.heapUsed - baseline.heapUsed,
    };
  }
  return { baseline, results };
}
