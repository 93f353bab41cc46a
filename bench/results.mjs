// Where results go: machine, Node version, date and commit, written as JSON under
// bench/results/ (git-ignored).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./results/', import.meta.url));

export function machine() {
  const cpus = os.cpus();
  let commit = null;
  let dirty = null;
  try {
    const root = fileURLToPath(new URL('..', import.meta.url));
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() !== '';
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
    node: process.version,
    date: new Date().toISOString(),
    commit,
    dirty,
  };
}

/** Writes `data` to bench/results/<name>-<date>.json and returns the path. */
export function writeResults(name, data) {
  mkdirSync(DIR, { recursive: true });
  const stamp = data.machine.date.replace(/[:.]/g, '-');
  const file = `${DIR}${name}-${stamp}.json`;
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}
