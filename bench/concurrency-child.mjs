// Concurrency: N getSession calls started at once through one client, each for its
// own session id (the server echoes it; every answer is checked). Wall time and the
// process's peak RSS (getrusage maxRSS), in a fresh process.
// Usage: node concurrency-child.mjs <contender> <orgUrl> <N>
import { performance } from 'node:perf_hooks';
import { contenderById } from './contenders/index.mjs';
import { childMain } from './child.mjs';
import { peakRss } from './stats.mjs';

childMain(async () => {
  const [cid, orgUrl, n] = process.argv.slice(2);
  const count = Number(n);
  const client = await contenderById(cid).create(orgUrl);
  const rssBefore = process.memoryUsage.rss();

  const t0 = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => client.getSession(`conc${i}`)),
  );
  const wallMs = performance.now() - t0;

  let ok = 0;
  let wrong = 0;
  const errors = {};
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      const key = r.reason?.code ?? r.reason?.name ?? String(r.reason);
      errors[key] = (errors[key] ?? 0) + 1;
    } else if (r.value?.id === `conc${i}`) ok++;
    else wrong++;
  });
  const peak = peakRss();
  await client.close();
  return { count, ok, wrong, errors, wallMs, peakRss: peak, rssBefore };
});
