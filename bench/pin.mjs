// CPU pinning for the per-call CPU measurement. On a loopback benchmark the client's CPU
// time per call depends on whether the server runs on the same core (a cross-core wake-up
// costs the client tens of µs per call), so unpinned runs come out bimodal. Pinning client
// and server to one core keeps that loopback artifact out and makes runs repeatable.
// Uses Linux `taskset`; elsewhere nothing is pinned (and the result says so).
import { execFileSync } from 'node:child_process';
import os from 'node:os';

let available;
function tasksetAvailable() {
  if (available === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      available = os.platform() === 'linux';
    } catch {
      available = false;
    }
  }
  return available;
}

/** The core to pin the server and the per-call client to, or null when pinning is unavailable. */
export function benchCore() {
  return tasksetAvailable() ? os.cpus().length - 1 : null;
}

/** Pins a running process to `core`, or back to every core with 'all' (no-op when null). */
export function pinPid(pid, core) {
  if (core === null || core === undefined || !tasksetAvailable()) return;
  const cpus = core === 'all' ? `0-${os.cpus().length - 1}` : String(core);
  execFileSync('taskset', ['-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** [command, args] that run `args` pinned to `core` (or as is when core is null). */
export function pinnedCommand(core, command, args) {
  return core === null || core === undefined
    ? [command, args]
    : ['taskset', ['-c', String(core), command, ...args]];
}
