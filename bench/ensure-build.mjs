// Makes sure dist/ is built and fresh before the package is measured: runs
// `npm run build` when dist/ is missing or older than any source that feeds it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = [
  'src',
  'generated',
  'scripts/build.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.cjs.json',
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** @returns {{built: boolean, ran: boolean, reason: string}} */
export function ensureBuilt({ log = console.error } = {}) {
  if (!existsSync(join(ROOT, 'scripts/build.mjs'))) {
    return { built: false, ran: false, reason: 'scripts/build.mjs does not exist yet' };
  }
  if (!existsSync(join(ROOT, 'src/index.ts'))) {
    return { built: false, ran: false, reason: 'src/index.ts does not exist yet' };
  }
  const src = Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))));
  const dist = newestMtime(join(ROOT, 'dist'));
  if (dist >= src) return { built: true, ran: false, reason: 'dist/ is up to date' };

  log(`dist/ is ${dist ? 'stale' : 'missing'}; running npm run build`);
  const r = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
  });
  if (r.status !== 0) {
    return { built: false, ran: true, failed: true, reason: `npm run build failed (${r.status})` };
  }
  return { built: true, ran: true, reason: 'built by the bench' };
}
