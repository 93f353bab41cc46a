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

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const API_TOKEN = 'bench-token';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
/** Load-generator processes still running (killed on exit). */
const loaders = new Set();

const mode = process.argv[2];
if (mode === '--serve') await serve(process.argv[3]);
else if (mode === '--load') await load(JSON.parse(process.argv[3]));
else await main();

/** Child process: runs the emulator and prints `{ url, sessionId }` once ready. */
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

/** Child process: drives GET requests for a while and prints the measurements. */
async function load({ origin, path, connections, seconds, warmupSeconds }) {
  const { Pool } = await import('undici');
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { authorization: `SSWS ${API_TOKEN}`, accept: 'application/json' };
  const statuses = {};
  const latencies = [];
  let measuring = false;
  let running = true;
  async function worker() {
    while (running) {
      const start = process.hrtime.bigint();
      try {
        const { statusCode, body } = await pool.request({ path, method: 'GET', headers });
        await body.dump();
        if (measuring) {
          latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
          statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
        }
      } catch (err) {
        if (measuring) statuses[err.code ?? 'error'] = (statuses[err.code ?? 'error'] ?? 0) + 1;
      }
    }
  }
  const workers = Array.from({ length: connections }, worker);
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  running = false;
  await Promise.all(workers);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const round = (n) => Math.round(n * 1000) / 1000;
  process.stdout.write(
    JSON.stringify({
      requests: latencies.length,
      seconds: round(elapsed),
      requestsPerSecond: Math.round(latencies.length / elapsed),
      p50Ms: round(pct(50)),
      p99Ms: round(pct(99)),
      maxMs: round(latencies.at(-1) ?? NaN),
      statuses,
    }) + '\n',
  );
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Spawns a child and resolves with its first stdout line (or all of stdout once it exits). */
function firstLine(child, label) {
  return new Promise((res, rej) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) res(out.slice(0, nl));
    });
    child.once('error', rej);
    child.once('exit', (code) =>
      rej(new Error(`${label} exited (${code}) before answering: ${out}`)),
    );
  });
}

function runLoad(origin, path) {
  const args = {
    origin,
    path,
    connections: CONNECTIONS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
  };
  const child = spawn(process.execPath, [self, '--load', JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  loaders.add(child);
  child.once('exit', () => loaders.delete(child));
  return firstLine(child, 'load generator').then((line) => JSON.parse(line));
}

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

function killGroup(child, signal) {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the detached child leads its own process group
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
  let emulator;
  let prism;
  const cleanup = () => {
    killGroup(prism, 'SIGKILL');
    killGroup(emulator, 'SIGKILL');
    for (const child of loaders) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

  try {
    const { build } = await import('esbuild');
    const bundle = join(work, 'emulator.mjs');
    await build({
      entryPoints: [join(root, 'src/emulator/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'warning',
    });

    emulator = spawn(process.execPath, [self, '--serve', bundle], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const { url, sessionId } = JSON.parse(await firstLine(emulator, 'emulator'));
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

    const rows = [
      ['', 'emulator', 'prism mock'],
      ['requests/s', emulatorResult.requestsPerSecond, prismResult.requestsPerSecond],
      ['p50 ms', emulatorResult.p50Ms, prismResult.p50Ms],
      ['p99 ms', emulatorResult.p99Ms, prismResult.p99Ms],
      ['max ms', emulatorResult.maxMs, prismResult.maxMs],
      ['requests', emulatorResult.requests, prismResult.requests],
      ['statuses', JSON.stringify(emulatorResult.statuses), JSON.stringify(prismResult.statuses)],
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
    console.log('\ngetSession, keep-alive:');
    for (const row of rows)
      console.log(row.map((c, i) => String(c).padStart(widths[i])).join('  '));
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
