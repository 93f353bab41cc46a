// One measurement of one contender, in a fresh process (run by run.mjs and profile.mjs):
//
//   node [--expose-gc] bench/measure.mjs cold-start  <contender> <orgUrl>
//   node bench/measure.mjs per-call    <contender> <orgUrl> '{"warmup","calls","rounds"}'
//   node bench/measure.mjs throughput  <contender> <orgUrl> '{"inFlight","seconds"}'
//   node bench/measure.mjs concurrency <contender> <orgUrl> '{"count"}'
//
// cold-start: import the library and construct a client, then RSS, heap after a forced GC, and
// the first call. per-call: client CPU (process.cpuUsage) per sequential getSession, as
// tinybench samples of `calls`-call batches. throughput: `inFlight` callers back to back for
// `seconds`. concurrency: `count` calls at once, each for its own id; wall time and peak RSS.
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { contenderById, EXAMPLE_SESSION_ID as ID } from './contenders.mjs';
import { checkSession, childMain } from './processes.mjs';

/** CPU milliseconds this process spent since `since`. */
const cpuMsSince = (/** @type {NodeJS.CpuUsage} */ since) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

childMain(async () => {
  const [kind, cid, orgUrl, json = '{}'] = process.argv.slice(2);
  const opts = JSON.parse(json);
  const t0 = performance.now();
  const client = await contenderById(cid).create(String(orgUrl));
  const constructMs = performance.now() - t0;
  if (kind === 'cold-start') {
    const rss = process.memoryUsage.rss();
    globalThis.gc?.();
    const heapUsed = process.memoryUsage().heapUsed;
    if (!client) return { constructMs, rss, heapUsed, firstCallMs: null };
    const t1 = performance.now();
    checkSession(await client.getSession(ID), ID);
    return { constructMs, rss, heapUsed, firstCallMs: performance.now() - t1 };
  }
  if (!client) throw new Error(`${cid} makes no calls`);
  const first = await client.getSession(ID); // and a check that the answers are right
  checkSession(first, ID);

  if (kind === 'per-call') {
    const { warmup, calls, rounds } = opts;
    const bench = new Bench({
      iterations: rounds,
      time: 0,
      warmupIterations: Math.ceil(warmup / calls),
      warmupTime: 0,
      throws: true,
    });
    bench.add(String(cid), async () => {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      for (let i = 0; i < calls; i++) await client.getSession(ID);
      return {
        overriddenDuration: cpuMsSince(c0) / calls,
        overriddenIterationCost: performance.now() - w0,
      };
    });
    await bench.run();
    const result = /** @type {any} */ (bench.tasks[0]?.result);
    if (!result?.latency) throw new Error(`tinybench: ${result?.state ?? 'no result'}`);
    return {
      datesRevived: first.createdAt instanceof Date,
      cpuUsPerCall: result.latency.p50 * 1000,
      rmePercent: result.latency.rme,
    };
  }

  if (kind === 'throughput') {
    const { inFlight, seconds } = opts;
    /** @param {number} ms */
    const run = async (ms) => {
      let done = 0;
      const deadline = performance.now() + ms;
      const caller = async () => {
        for (; performance.now() < deadline; done++) checkSession(await client.getSession(ID), ID);
      };
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      await Promise.all(Array.from({ length: inFlight }, caller));
      return { done, wallMs: performance.now() - w0, cpuMs: cpuMsSince(c0) };
    };
    await run(Math.min(500, seconds * 250)); // warm up the JIT and the pool's connections
    const t = await run(seconds * 1000);
    await client.close();
    return {
      throughput: (t.done * 1000) / t.wallMs,
      cpuUsPerCallInFlight: (t.cpuMs * 1000) / t.done,
    };
  }

  if (kind === 'concurrency') {
    const { count } = opts;
    const rssBefore = process.memoryUsage.rss();
    const w0 = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => client.getSession(`conc${i}`)),
    );
    const wallMs = performance.now() - w0;
    const peakRss = process.resourceUsage().maxRSS * 1024;
    /** @type {Record<string, number>} */
    const errors = {};
    let ok = 0;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled' && r.value?.id === `conc${i}`) return void ok++;
      const key = r.status === 'rejected' ? (r.reason?.code ?? r.reason?.name) : 'wrong session';
      errors[key] = (errors[key] ?? 0) + 1;
    });
    await client.close();
    return { count, ok, errors, wallMs, peakRss, rssBefore };
  }
  throw new Error(`unknown measurement ${kind}`);
});
