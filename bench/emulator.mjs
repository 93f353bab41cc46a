#!/usr/bin/env node
// Benchmark: getSession throughput and latency of the embedded emulator vs `prism mock` on the
// same spec. The emulator is bundled on the fly with esbuild into a temp dir (no build needed)
// and runs in its own process; the load runs in another process with a fixed number of
// keep-alive connections (undici Pool). Prism is killed at the end whatever happens.
//
//   npm run bench:emulator                 # defaults: 32 connections, 1 s warm-up, 5 s measured
//   BENCH_CONNECTIONS=64 BENCH_SECONDS=10 npm run bench:emulator
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childMain, runChild } from './processes.mjs';
import { bundleEmulator } from '../scripts/bundle-emulator.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const API_TOKEN = 'bench-token';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);

const mode = process.argv[2];
if (mode === '--serve') await serve(String(process.argv[3]));
else if (mode === '--load') childMain(() => load(JSON.parse(String(process.argv[3]))));
else await main();

/** Child process: runs the emulator and prints `{ url, sessionId }` once ready. */
/** @param {string} bundle */
async function serve(bundle) {
  const { startEmulator } = await import(pathToFileURL(bundle).href);
  const emu = await startEmulator({
    apiToken: API_TOKEN,
    rateLimit: { limit: 1_000_000_000, windowSeconds: 60 },
  });
  const res = await fetch(`${emu.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { Authorization: `SSWS ${API_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sessionToken: emu.issueSessionToken({ login: 'bench@example.com' }) }),
  });
  const session = await res.json();
  process.stdout.write(JSON.stringify({ url: emu.url, sessionId: session.id }) + '\n');
  const stop = () => emu.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // parent went away
  process.stdin.resume();
}

/**
 * Child process: `connections` keep-alive callers issue GETs back to back (tinybench's
 * task-level concurrency) for `seconds` after a warm-up, and prints the measurements.
 * @param {{ origin: string, path: string, connections: number, seconds: number, warmupSeconds: number }} args
 */
async function load({ origin, path, connections, seconds, warmupSeconds }) {
  const { Pool } = await import('undici');
  const { Bench } = await import('tinybench');
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { authorization: `SSWS ${API_TOKEN}`, accept: 'application/json' };
  /** @type {Record<string, number>} */
  const statuses = {};
  const bench = new Bench({
    concurrency: 'task',
    threshold: connections,
    time: seconds * 1000,
    iterations: 0,
    warmupTime: warmupSeconds * 1000,
    warmupIterations: 0,
  });
  let counting = false;
  let t0 = 0n;
  let elapsed = 0;
  const task = bench
    .add(
      'getSession',
      async () => {
        let key;
        try {
          const { statusCode, body } = await pool.request({ path, method: 'GET', headers });
          await body.dump();
          key = String(statusCode);
        } catch (err) {
          key = /** @type {any} */ (err)?.code ?? 'error';
        }
        if (counting) statuses[key] = (statuses[key] ?? 0) + 1;
      },
      {
        beforeAll(mode) {
          counting = mode === 'run';
          t0 = process.hrtime.bigint();
        },
        afterAll(mode) {
          if (mode === 'run') elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
        },
      },
    )
    .getTask('getSession');
  await bench.run();
  await pool.close();
  const latency = /** @type {any} */ (task?.result).latency;
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  const round = (/** @type {number} */ n) => Math.round(n * 1000) / 1000;
  return {
    requests,
    seconds: round(elapsed),
    requestsPerSecond: Math.round(requests / elapsed),
    p50Ms: round(latency.p50),
    p99Ms: round(latency.p99),
    maxMs: round(latency.max),
    statuses,
  };
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => res(port));
    });
  });
}

/** Spawns a child and resolves with its first stdout line (or all of stdout once it exits). */
/**
 * @param {import('node:child_process').ChildProcessByStdio<any, import('node:stream').Readable, any>} child
 * @param {string} label
 * @returns {Promise<string>}
 */
function firstLine(child, label) {
  return new Promise((res, rej) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (/** @type {string} */ d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) res(out.slice(0, nl));
    });
    child.once('error', rej);
    child.once('exit', (/** @type {number | null} */ code) =>
      rej(new Error(`${label} exited (${code}) before answering: ${out}`)),
    );
  });
}

/** Runs the load generator in its own process. @param {string} origin @param {string} path */
function runLoad(origin, path) {
  const args = {
    origin,
    path,
    connections: CONNECTIONS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
  };
  return runChild('./emulator.mjs', ['--load', JSON.stringify(args)], {
    timeoutMs: (SECONDS + WARMUP_SECONDS) * 1000 + 60_000,
  });
}

/** @param {string} url @param {number} timeoutMs */
async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { headers: { Authorization: `SSWS ${API_TOKEN}` } });
      await res.arrayBuffer();
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`Prism did not start within ${timeoutMs} ms: ${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** @param {import('node:child_process').ChildProcess | undefined} child @param {NodeJS.Signals} signal */
function killGroup(child, signal) {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-(child.pid ?? 0), signal); // the detached child leads its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

async function main() {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'okta-emulator-bench-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let emulator;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let prism;
  const cleanup = () => {
    killGroup(prism, 'SIGKILL');
    killGroup(emulator, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

  try {
    const bundle = join(work, 'emulator.mjs');
    await bundleEmulator(bundle);

    const served = spawn(process.execPath, [self, '--serve', bundle], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    emulator = served;
    const { url, sessionId } = JSON.parse(await firstLine(served, 'emulator'));
    const path = `/api/v1/sessions/${sessionId}`;
    console.log(
      `emulator at ${url}; ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured`,
    );
    const emulatorResult = await runLoad(url, path);
    killGroup(emulator, 'SIGTERM');

    const port = await freePort();
    prism = spawn(
      join(root, 'node_modules/.bin/prism'),
      [
        'mock',
        join(root, 'spec/okta-sessions.yaml'),
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '--errors',
        'false',
      ],
      { cwd: root, detached: true, stdio: ['ignore', 'ignore', 'ignore'] },
    );
    const prismUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(prismUrl + path, 30_000);
    console.log(`prism at ${prismUrl}`);
    const prismResult = await runLoad(prismUrl, path);
    killGroup(prism, 'SIGTERM');

    console.log('\ngetSession, keep-alive:');
    console.table(
      Object.fromEntries(
        [
          ['emulator', emulatorResult],
          ['prism mock', prismResult],
        ].map(([name, r]) => [
          name,
          {
            'requests/s': r.requestsPerSecond,
            'p50 ms': r.p50Ms,
            'p99 ms': r.p99Ms,
            'max ms': r.maxMs,
            requests: r.requests,
            statuses: JSON.stringify(r.statuses),
          },
        ]),
      ),
    );
    const speedup = emulatorResult.requestsPerSecond / prismResult.requestsPerSecond;
    console.log(`\nemulator is ${speedup.toFixed(1)}x Prism's throughput`);

    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      operation: 'getSession',
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      emulator: emulatorResult,
      prism: prismResult,
      speedup: Math.round(speedup * 10) / 10,
      wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
    const outDir = join(root, 'bench/results');
    mkdirSync(outDir, { recursive: true });
    const outFile = join(outDir, `emulator-${result.date.slice(0, 10)}.json`);
    writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
    console.log(`wrote ${outFile}`);
    if (emulatorResult.requestsPerSecond < 5000) {
      console.error('emulator below the 5,000 requests/s target');
      process.exitCode = 1;
    }
  } finally {
    cleanup();
  }
}
