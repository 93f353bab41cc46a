#!/usr/bin/env node
// npm run bench:fleet [-- --seconds N | --quick]: 8 processes, each with its own client and 4
// concurrent getSession loops, as fast as they can against bench/okta-mock.mjs, whose one
// bucket allows 40 requests per 4-second window: windows that start at the first request (as
// Okta's) and windows aligned to the clock (the fleet's first requests 150 ms before a reset).
// Modes: no throttle; the per-process throttle (`throttle: { maxWaitMs }`); the Redis store
// (okta-sessions/redis, a redis-server started here); each throttled mode with the cap
// (`throttle.maxWaitMs`) at 1, 2 and 6 windows. Per run: accepted; 429s in the first window
// (cold start) and after it (steady); local refusals (OktaThrottleError, not sent); budget used
// (accepted / (limit × windows in the run)); p50 and p99 over the accepted calls (their
// throttle wait included); successes per process (min..max) and Jain's fairness index.
// The package is imported through its exports from dist/ (`npm run build` first).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const secondsAt = argv.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(argv[secondsAt + 1]) : quick ? 12 : 20;
const PROCESSES = 8;
const LANES = 4;
const LIMIT = 40;
const WINDOW_MS = 4000;
const CAPS = quick ? [1, 6] : [1, 2, 6];
/** `--only redis` (or none, per-process), `--windows aligned` (or first-request): a subset. */
const pick = (/** @type {string} */ flag, /** @type {string[]} */ all) => {
  const at = argv.indexOf(flag);
  return at >= 0 ? all.filter((x) => x === argv[at + 1]) : all;
};
const MODES = pick('--only', ['none', 'per-process', 'redis']);
const KINDS = pick('--windows', ['first-request', 'aligned']);
const verbose = argv.includes('--verbose');

if (!existsSync(`${root}/dist/esm/src/redis/index.js`)) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}

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

/** bench/okta-mock.mjs in its own process. @param {string} windows */
async function startMock(windows) {
  const config = { limit: LIMIT, windowMs: WINDOW_MS, windows };
  const child = spawn(process.execPath, [`${root}/bench/okta-mock.mjs`, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(child.stdout.setEncoding('utf8'), 'data');
  const { url } = JSON.parse(line);
  return {
    url,
    /** @returns {Promise<{ start: number, end: number, accepted: number, limited: number }[]>} */
    async windows() {
      return (await (await fetch(`${url}/__stats`)).json()).windows;
    },
    async close() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;

/** Jain's index: 1 when every process got as much, 1/n when one got everything. @param {number[]} xs */
const jain = (xs) => {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
};

/** @param {string} kind @param {string} mode @param {number | undefined} cap @param {string} redisUrl */
async function runOnce(kind, mode, cap, redisUrl) {
  const mock = await startMock(kind);
  try {
    const job = {
      orgUrl: mock.url,
      sessionId: '102Ke2yJpW3Q0ClCnZ_ryqPVQ',
      mode,
      redisUrl,
      lanes: LANES,
      maxWaitMs: (cap ?? 6) * WINDOW_MS,
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
        return /** @type {{ ok: number, limited: number, refused: number, other: number, fallbacks: number, durations: number[] }} */ (
          JSON.parse(out.trim().split('\n').at(-1) ?? '{}')
        );
      });
      return { child, ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    // Aligned windows: the fleet's first requests go 150 ms before a reset (issue #25's case).
    let start = Date.now() + 500;
    if (kind === 'aligned') start = Math.ceil((start + 150) / WINDOW_MS) * WINDOW_MS - 150;
    const deadline = start + seconds * 1000;
    for (const { child } of children) child.stdin.end(`${start} ${deadline}\n`);
    const results = await Promise.all(children.map((c) => c.done));
    const windows = await mock.windows();
    if (verbose) {
      const at = (/** @type {number} */ t) => ((t - start) / 1000).toFixed(2);
      const list = windows.map((w) => `${at(w.start)}s:${w.accepted}/${w.limited}`).join(' ');
      console.error(`${kind} ${mode} ${cap ?? ''}: ${list}`);
    }
    const durations = results.flatMap((r) => r.durations).sort((a, b) => a - b);
    const accepted = windows.reduce((n, w) => n + w.accepted, 0);
    // Windows the fleet could use: from the one its first request landed in to the deadline.
    const first = windows[0]?.start ?? start;
    const fit =
      kind === 'aligned'
        ? Math.floor((deadline - 1) / WINDOW_MS) - Math.floor(first / WINDOW_MS) + 1
        : Math.ceil((deadline - first) / WINDOW_MS);
    const oks = results.map((r) => r.ok);
    const sum = (/** @type {'limited' | 'refused' | 'other' | 'fallbacks'} */ k) =>
      results.reduce((n, r) => n + r[k], 0);
    return {
      windows: kind,
      mode,
      cap: cap === undefined ? '–' : `${cap} w`,
      accepted,
      '429 cold': windows[0]?.limited ?? 0,
      '429 steady': windows.slice(1).reduce((n, w) => n + w.limited, 0),
      refused: sum('refused'),
      'budget used': `${Math.round((100 * accepted) / (LIMIT * fit))} %`,
      'p50 (ms)': quantile(durations, 0.5),
      'p99 (ms)': quantile(durations, 0.99),
      'per process': `${Math.min(...oks)}..${Math.max(...oks)}`,
      Jain: jain(oks).toFixed(3),
      ...(sum('other') + sum('fallbacks') > 0
        ? { notes: `${sum('other')} other errors, ${sum('fallbacks')} fallbacks` }
        : {}),
    };
  } finally {
    await mock.close();
  }
}

const redis = await startRedis();
if (!redis)
  console.warn('redis-server not found: the Redis mode is skipped (apt-get install redis-server)');
const rows = [];
try {
  for (const kind of KINDS) {
    if (MODES.includes('none')) rows.push(await runOnce(kind, 'none', undefined, ''));
    for (const cap of MODES.includes('per-process') ? CAPS : []) {
      rows.push(await runOnce(kind, 'per-process', cap, ''));
    }
    const redisUrl = redis && MODES.includes('redis') ? redis.url : '';
    for (const cap of redisUrl ? CAPS : []) rows.push(await runOnce(kind, 'redis', cap, redisUrl));
  }
} finally {
  redis?.stop();
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `bench:fleet: ${PROCESSES} processes × ${LANES} concurrent calls, ${seconds} s per run, ` +
    `bucket ${LIMIT} per ${WINDOW_MS / 1000} s; Node ${process.version}, ` +
    `${os.cpus().length} × ${cpu}, ${new Date().toISOString()}`,
);
console.table(rows);
// The same as a Markdown table, for docs/fleet.md.
const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
console.log(`\n| ${keys.join(' | ')} |\n| ${keys.map(() => '---').join(' | ')} |`);
for (const row of rows) {
  console.log(`| ${keys.map((k) => String(/** @type {any} */ (row)[k] ?? '')).join(' | ')} |`);
}
