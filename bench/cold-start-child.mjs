// One cold start, in a fresh process: import the contender's library and construct
// a client, then record time, RSS and (after a forced GC) heap, then time a first call.
// Usage: node --expose-gc cold-start-child.mjs <contender> <orgUrl>
import { performance } from 'node:perf_hooks';
import { contenderById } from './contenders/index.mjs';
import { childMain, checkSession } from './child.mjs';
import { EXAMPLE_SESSION_ID } from './session-fixture.mjs';

childMain(async () => {
  const [id, orgUrl] = process.argv.slice(2);
  const contender = contenderById(id);

  const t0 = performance.now();
  const client = await contender.create(orgUrl);
  const constructMs = performance.now() - t0;

  const rss = process.memoryUsage.rss();
  globalThis.gc?.();
  const heapUsed = process.memoryUsage().heapUsed;

  let firstCallMs = null;
  if (client) {
    const t1 = performance.now();
    checkSession(await client.getSession(EXAMPLE_SESSION_ID), EXAMPLE_SESSION_ID);
    firstCallMs = performance.now() - t1;
  }
  return { constructMs, rss, heapUsed, firstCallMs };
});
