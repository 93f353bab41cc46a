#!/usr/bin/env node
// npm run bench:fleet [-- --quick | --seconds N]: 8 processes, each with its own client, call
// getSession as fast as they can against one emulator whose bucket allows 120 requests per
// 10-second window, for 60 s, in three modes: no throttle, the per-process throttle
// (`throttle: true`), and the Redis store (okta-sessions/redis, a redis-server started here).
// Per mode: requests accepted, 429s, share of the allowed budget used (accepted / (limit ×
// windows that fit in the run)), and the p99 duration of a call (its throttle wait included).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : quick ? 20 : 60;
const PROCESSES = 8;
const LANES = 4;
const LIMIT = 120;
const WINDOW_SECONDS = 10;

if (!existsSync(`${root}/dist/esm/src/redis/index.js`)) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
const { startEmulator } = await import('okta-sessions/emulator');
const { OktaSessions } = await import('okta-sessions');

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  return port;
}

/** @returns {Promise<{ url: string, stop(): void } | null>} */
async function startRedis() {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ready = await new Promise((resolve) => {
    let out = '';
    child.on('error', () => resolve(false));
    child.on('exit', () => resolve(false));
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve(true);
    });
  });
  if (!ready) return null;
  child.stdout.resume();
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;

/** @param {string} mode @param {string} redisUrl */
async function runMode(mode, redisUrl) {
  const emu = await startEmulator({ rateLimit: { limit: LIMIT, windowSeconds: WINDOW_SECONDS } });
  try {
    const admin = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
    const { id } = await admin.createSession({ sessionToken: emu.issueSessionToken() });
    // Let createSession's window end, so the fleet's first request opens a fresh one.
    await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 1000));
    const job = {
      orgUrl: emu.url,
      apiToken: emu.apiToken,
      sessionId: id,
      mode,
      redisUrl,
      lanes: LANES,
    };
    const children = Array.from({ length: PROCESSES }, () => {
      const child = spawn(
        process.execPath,
        [`${root}/bench/fleet-worker.mjs`, JSON.stringify(job)],
        {
          cwd: root,
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      let out = '';
      const ready = new Promise((resolve) =>
        child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ d) => {
          out += d;
          if (out.startsWith('ready\n')) resolve(undefined);
        }),
      );
      const done = once(child, 'close').then(([code]) => {
        if (code !== 0) throw new Error(`fleet worker exited with ${code}`);
        return /** @type {{ ok: number, limited: number, other: number, durations: number[] }} */ (
          JSON.parse(out.trim().split('\n').at(-1) ?? '{}')
        );
      });
      return { child, ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    const deadline = Date.now() + seconds * 1000;
    for (const { child } of children) child.stdin.end(`${deadline}\n`);
    const results = await Promise.all(children.map((c) => c.done));
    const durations = results.flatMap((r) => r.durations).sort((a, b) => a - b);
    const ok = results.reduce((n, r) => n + r.ok, 0);
    const budget = LIMIT * Math.ceil(seconds / WINDOW_SECONDS);
    return {
      mode,
      accepted: ok,
      '429s': results.reduce((n, r) => n + r.limited, 0),
      'other errors': results.reduce((n, r) => n + r.other, 0),
      'budget used': `${((100 * ok) / budget).toFixed(1)} %`,
      'p99 call (ms)': quantile(durations, 0.99),
    };
  } finally {
    await emu.close();
  }
}

const redis = await startRedis();
const rows = [await runMode('none', ''), await runMode('per-process', '')];
if (redis) {
  try {
    rows.push(await runMode('redis', redis.url));
  } finally {
    redis.stop();
  }
} else {
  console.warn('redis-server not found: the Redis mode is skipped (apt-get install redis-server)');
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `bench:fleet: ${PROCESSES} processes × ${LANES} concurrent calls, ${seconds} s per mode, ` +
    `bucket ${LIMIT} per ${WINDOW_SECONDS} s (budget ${LIMIT * Math.ceil(seconds / WINDOW_SECONDS)}); ` +
    `Node ${process.version}, ${os.cpus().length} × ${cpu}, ${new Date().toISOString()}`,
);
console.table(rows);
