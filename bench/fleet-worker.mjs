// One process of bench/fleet.mjs: its own client, getSession in `lanes` concurrent loops from
// the start time to the deadline (both from the parent, on stdin); prints one JSON line: its
// counts and the duration of every accepted call.
import { OktaSessions, isOktaApiError, isOktaThrottleError } from 'okta-sessions';

/** @type {{ orgUrl: string, sessionId: string, mode: string, redisUrl: string, lanes: number, maxWaitMs: number }} */
const job = JSON.parse(process.argv[2] ?? '{}');

let fallbacks = 0;
const store =
  job.mode === 'redis'
    ? (await import('okta-sessions/redis')).redisRateLimitStore({
        url: job.redisUrl,
        keyPrefix: `bench:${process.ppid}:`,
        onFallback: ({ reason }) => {
          fallbacks++;
          process.stderr.write(`redis fallback: ${reason}\n`);
        },
      })
    : undefined;
const okta = new OktaSessions({
  orgUrl: job.orgUrl,
  apiToken: 'bench-token',
  // One call, one request: a 429 is counted, not retried.
  retry: { maxRetries: 0 },
  throttle: job.mode === 'none' ? false : { ...(store ? { store } : {}), maxWaitMs: job.maxWaitMs },
});

// Ready: the parent starts the clock once every process has started (Node's start-up is not
// part of the run), and sends "start deadline" (epoch ms) on stdin.
process.stdout.write('ready\n');
const [start, deadline] = await new Promise((resolve) => {
  let input = '';
  process.stdin.setEncoding('utf8').on('data', (/** @type {string} */ d) => {
    input += d;
    if (input.includes('\n')) {
      process.stdin.pause();
      resolve(input.trim().split(' ').map(Number));
    }
  });
});
await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - Date.now())));
const stop = new AbortController();
setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now())).unref();
let ok = 0;
let limited = 0;
let refused = 0;
let other = 0;
/** @type {number[]} */
const durations = [];

async function lane() {
  while (!stop.signal.aborted) {
    const started = performance.now();
    try {
      await okta.getSession(job.sessionId, { signal: stop.signal });
      ok++;
      durations.push(Math.round(performance.now() - started));
    } catch (error) {
      if (stop.signal.aborted) break;
      if (isOktaApiError(error) && error.status === 429) limited++;
      else if (isOktaThrottleError(error)) {
        refused++;
        // Shed, as a server would: this loop asks again once the next free slot is within
        // its cap (retryAfterMs is when that slot starts).
        const backOff = Math.max(50, error.retryAfterMs - job.maxWaitMs);
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(backOff, deadline - Date.now())),
        );
      } else {
        other++;
        process.stderr.write(`${error}\n`);
      }
    }
  }
}

await Promise.all(Array.from({ length: job.lanes }, lane));
await store?.close();
process.stdout.write(`${JSON.stringify({ ok, limited, refused, other, fallbacks, durations })}\n`);
