// One process of bench/fleet.mjs: its own client, getSession as fast as `lanes` concurrent
// loops allow until the deadline; prints one JSON line (counts and every call's duration).
import { OktaSessions, isOktaApiError } from 'okta-sessions';

/** @type {{ orgUrl: string, apiToken: string, sessionId: string, mode: string, redisUrl: string, lanes: number }} */
const job = JSON.parse(process.argv[2] ?? '{}');

const store =
  job.mode === 'redis'
    ? (await import('okta-sessions/redis')).redisRateLimitStore({
        url: job.redisUrl,
        keyPrefix: 'bench:',
        onFallback: ({ error }) => process.stderr.write(`redis fallback: ${error.message}\n`),
      })
    : undefined;
const okta = new OktaSessions({
  orgUrl: job.orgUrl,
  apiToken: job.apiToken,
  // One call, one request: a 429 is counted, not retried.
  retry: { maxRetries: 0, maxDelayMs: 60_000 },
  throttle: job.mode === 'none' ? false : store ? { store } : true,
});

// Ready: the parent starts the clock once every process has started (Node's start-up is not
// part of the run), and sends the deadline on stdin.
process.stdout.write('ready\n');
const deadline = await new Promise((resolve) => {
  let input = '';
  process.stdin.setEncoding('utf8').on('data', (/** @type {string} */ d) => {
    input += d;
    if (input.includes('\n')) {
      process.stdin.pause();
      resolve(Number(input.trim()));
    }
  });
});
const stop = new AbortController();
setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now())).unref();
let ok = 0;
let limited = 0;
let other = 0;
/** @type {number[]} */
const durations = [];

async function lane() {
  while (!stop.signal.aborted) {
    const started = performance.now();
    try {
      await okta.getSession(job.sessionId, { signal: stop.signal });
      ok++;
    } catch (error) {
      if (stop.signal.aborted) break;
      if (isOktaApiError(error) && error.status === 429) limited++;
      else other++;
    }
    durations.push(Math.round(performance.now() - started));
  }
}

await Promise.all(Array.from({ length: job.lanes }, lane));
await store?.close();
process.stdout.write(`${JSON.stringify({ ok, limited, other, durations })}\n`);
