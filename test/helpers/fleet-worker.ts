// One process of a fleet (test/redis-throttle.test.ts bundles it with esbuild and forks it):
// its own client, `calls` getSession calls, `parallel` at a time; prints one JSON line.
import { OktaSessions, isOktaApiError } from '../../src/index.js';
import { redisRateLimitStore } from '../../src/redis/index.js';

interface Job {
  orgUrl: string;
  apiToken: string;
  sessionId: string;
  calls: number;
  parallel: number;
  /** Omitted: the per-process throttle (`throttle: true`). */
  redisUrl?: string;
  keyPrefix?: string;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as Job;
  const store =
    job.redisUrl === undefined
      ? undefined
      : redisRateLimitStore({
          url: job.redisUrl,
          keyPrefix: job.keyPrefix ?? 'test:',
          // Falling back is tested on its own; here a busy CI machine must not cause it.
          timeoutMs: 5000,
          onFallback: ({ error }) => process.stderr.write(`fallback: ${error.message}\n`),
        });
  const okta = new OktaSessions({
    orgUrl: job.orgUrl,
    apiToken: job.apiToken,
    retry: { maxRetries: 0, maxDelayMs: 30_000 },
    throttle: store ? { store } : true,
  });
  const counts = { ok: 0, limited: 0, other: 0 };
  let next = 0;
  const lane = async () => {
    while (next < job.calls) {
      next++;
      try {
        await okta.getSession(job.sessionId);
        counts.ok++;
      } catch (error) {
        if (isOktaApiError(error) && error.status === 429) counts.limited++;
        else counts.other++;
      }
    }
  };
  await Promise.all(Array.from({ length: job.parallel }, lane));
  await store?.close();
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}

void main();
