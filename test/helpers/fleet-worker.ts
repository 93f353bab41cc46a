// One process of a fleet (test/redis-throttle.test.ts bundles it with esbuild and forks it):
// its own client, getSession in `parallel` concurrent loops, for `calls` calls in all or until
// `until` (epoch ms), starting at `startAt` if given; prints one JSON line.
import { OktaSessions, isOktaApiError, isOktaThrottleError } from '../../src/index.js';
import { redisRateLimitStore } from '../../src/redis/index.js';

interface Job {
  orgUrl: string;
  apiToken: string;
  sessionId: string;
  parallel: number;
  calls?: number;
  until?: number;
  startAt?: number;
  /** Omitted: the per-process throttle (`throttle: true`). */
  redisUrl?: string;
  keyPrefix?: string;
  maxWaitMs?: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as Job;
  let fallbacks = 0;
  const store =
    job.redisUrl === undefined
      ? undefined
      : redisRateLimitStore({
          url: job.redisUrl,
          keyPrefix: job.keyPrefix ?? 'test:',
          // Falling back is tested on its own; here a busy CI machine must not cause it.
          timeoutMs: 5000,
          onFallback: ({ reason }) => {
            fallbacks++;
            process.stderr.write(`fallback: ${reason}\n`);
          },
        });
  const okta = new OktaSessions({
    orgUrl: job.orgUrl,
    apiToken: job.apiToken,
    retry: { maxRetries: 0 },
    throttle: { ...(store ? { store } : {}), maxWaitMs: job.maxWaitMs ?? 30_000 },
  });
  if (job.startAt !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, job.startAt! - Date.now())));
  }
  const counts = { ok: 0, limited: 0, refused: 0, other: 0 };
  const durations: number[] = [];
  let next = 0;
  const more = () => (job.calls !== undefined ? next < job.calls : Date.now() < (job.until ?? 0));
  const lane = async () => {
    while (more()) {
      next++;
      const started = Date.now();
      try {
        await okta.getSession(job.sessionId);
        counts.ok++;
        durations.push(Date.now() - started);
      } catch (error) {
        if (isOktaApiError(error) && error.status === 429) counts.limited++;
        else if (isOktaThrottleError(error)) {
          counts.refused++;
          // Shed, as a server would: this loop asks again once the next free slot is within
          // its cap (retryAfterMs is when that slot starts).
          const backOff = Math.max(50, error.retryAfterMs - error.maxWaitMs);
          await new Promise((resolve) => setTimeout(resolve, backOff));
        } else counts.other++;
      }
    }
  };
  await Promise.all(Array.from({ length: job.parallel }, lane));
  await store?.close();
  process.stdout.write(`${JSON.stringify({ ...counts, fallbacks, durations })}\n`);
}

void main();
