// Processes of a bench run: measurement children (a fresh `node` each, printing one JSON line),
// the bench server (bench/server.mjs, its own process so its CPU never counts against a
// client), and CPU pinning. On loopback a client's CPU per call depends on whether the server
// shares its core (a cross-core wake-up costs tens of µs), so unpinned runs come out bimodal:
// the per-call CPU phase pins client and server to one core with Linux `taskset`; elsewhere
// nothing is pinned, and the result says so.
import { execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { NotBuiltError } from './contenders.mjs';

/** @param {unknown} err */
export const errorText = (err) =>
  String(/** @type {any} */ (err)?.message ?? err).split('\n')[0] ?? '';

/** @type {boolean | undefined} */
let canPin;
/** The core to pin to, or null when `taskset` is not available. */
export function benchCore() {
  if (canPin === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      canPin = os.platform() === 'linux';
    } catch {
      canPin = false;
    }
  }
  return canPin ? os.cpus().length - 1 : null;
}

/**
 * Runs `node [nodeArgs] bench/<script> ...args` (pinned to `core` if given) and resolves with
 * the JSON line it printed last.
 * @param {string} script
 * @param {string[]} args
 * @param {{ nodeArgs?: string[], core?: number | null, timeoutMs?: number }} [options]
 * @returns {Promise<any>}
 */
export function runChild(script, args, { nodeArgs = [], core = null, timeoutMs = 120_000 } = {}) {
  const argv = [...nodeArgs, fileURLToPath(new URL(script, import.meta.url)), ...args];
  const [command, commandArgs] =
    core === null
      ? [process.execPath, argv]
      : ['taskset', ['-c', String(core), process.execPath, ...argv]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1);
      try {
        if (code === 0 && line) return resolve(JSON.parse(line));
      } catch {}
      const why = err.split('\n').find((l) => /^\w*(Error|Exception)\b/.test(l));
      reject(new Error(why ?? `${script} ${args[0] ?? ''} failed (code ${code}, ${signal})`));
    });
  });
}

/**
 * Child side: runs `fn`, prints its result (or `{ notBuilt }`) as one JSON line and exits.
 * @param {() => Promise<object>} fn
 */
export function childMain(fn) {
  const print = (/** @type {object} */ value) =>
    process.stdout.write(JSON.stringify(value) + '\n', () => process.exit(0));
  fn().then(print, (err) => {
    if (err instanceof NotBuiltError) return print({ notBuilt: err.message });
    console.error(err);
    process.exit(1);
  });
}

/**
 * Throws unless `session` is the session asked for: a contender that answers wrongly is broken.
 * @param {any} session
 * @param {string} id
 */
export function checkSession(session, id) {
  if (session?.id !== id)
    throw new Error(`asked for session ${id}, got ${JSON.stringify(session?.id)}`);
}

/**
 * Forks bench/server.mjs; talks to it over IPC (`stats`, `reset`).
 * @param {string[]} [args] extra server arguments, e.g. ['--mode=load']
 */
export async function startServer(args = []) {
  const child = fork(new URL('./server.mjs', import.meta.url), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`bench server exited early (code ${code})`);
    }),
  ]);
  if (ready?.type !== 'ready') throw new Error('bench server did not start');
  /** @param {string} type */
  const ask = async (type) => {
    child.send({ type });
    for (;;) {
      const [msg] = await once(child, 'message');
      if (msg?.type === type) return msg;
    }
  };
  return {
    url: `http://127.0.0.1:${ready.port}`,
    /** Pins the server to `core`, or back to every core with 'all' (no-op when null). */
    pin(/** @type {number | 'all' | null} */ core) {
      if (core === null || benchCore() === null) return;
      const cpus = core === 'all' ? `0-${os.cpus().length - 1}` : String(core);
      execFileSync('taskset', ['-p', '-c', cpus, String(child.pid)], { stdio: 'ignore' });
    },
    /** @returns {Promise<Record<string, any>>} */
    stats: async () => (await ask('stats')).stats,
    reset: async () => void (await ask('reset')),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
