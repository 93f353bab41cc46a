// Per-call cost of one contender, in a fresh process (either part can be skipped with
// rounds: 0 or seconds: 0):
//  1. client CPU µs per getSession: process.cpuUsage() around N sequential calls, after
//     a warm-up; several rounds, the median round counts;
//  2. throughput with `inFlight` calls in flight for a fixed time (and CPU per call there).
// Usage: node per-call-child.mjs <contender> <orgUrl> '<json options>'
import { performance } from 'node:perf_hooks';
import { contenderById } from './contenders/index.mjs';
import { childMain, checkSession } from './child.mjs';
import { EXAMPLE_SESSION_ID } from './session-fixture.mjs';
import { cpuMicros, median } from './stats.mjs';

childMain(async () => {
  const [cid, orgUrl, optsJson] = process.argv.slice(2);
  const { warmup, calls, rounds, inFlight, seconds } = JSON.parse(optsJson);
  const client = await contenderById(cid).create(orgUrl);
  const id = EXAMPLE_SESSION_ID;

  // Warm-up (JIT, connection), and a check that the answers are right.
  const first = await client.getSession(id);
  checkSession(first, id);
  const datesRevived = first.createdAt instanceof Date;
  for (let i = 0; i < warmup; i++) await client.getSession(id);

  const cpuPerCall = [];
  const sysPerCall = [];
  const wallPerCall = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await client.getSession(id);
    wallPerCall.push(((performance.now() - t0) * 1000) / calls);
    const d = process.cpuUsage(c0);
    cpuPerCall.push((d.user + d.system) / calls);
    sysPerCall.push(d.system / calls);
  }

  // Throughput: `inFlight` workers, each calling back to back, for `seconds`.
  const run = async (ms) => {
    let done = 0;
    const deadline = performance.now() + ms;
    const worker = async () => {
      while (performance.now() < deadline) {
        checkSession(await client.getSession(id), id);
        done++;
      }
    };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { done, ms: performance.now() - t0, cpu: cpuMicros(c0) };
  };
  let t = { done: 0, ms: NaN, cpu: NaN };
  if (seconds > 0) {
    await run(Math.min(500, seconds * 250)); // warm up JIT and the pool's connections
    t = await run(seconds * 1000);
  }

  await client.close();
  return {
    datesRevived,
    cpuUsPerCall: median(cpuPerCall),
    cpuUsPerCallRounds: cpuPerCall,
    sysUsPerCall: median(sysPerCall),
    wallUsPerCall: median(wallPerCall),
    throughput: (t.done * 1000) / t.ms,
    throughputCalls: t.done,
    cpuUsPerCallInFlight: t.cpu / t.done,
  };
});
