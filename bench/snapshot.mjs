// A frozen copy of the package for one bench run. Others rebuild dist/ in this tree at any
// time; measuring the repo's dist/ directly would let a rebuild land mid-run. So the bench
// builds dist/ if it is older than its sources, packs the package once (`npm pack`, the files
// a user gets), unpacks the tarball into a temp project and links its dependencies to the
// repo's node_modules (no registry needed). Contenders import it through OKTA_SESSIONS_ENTRY,
// a module there that re-exports `okta-sessions`, so the package's `exports` map and
// `#platform` conditions apply exactly as for a consumer.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorText } from './processes.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = [
  'src',
  'generated',
  'scripts/build.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.cjs.json',
];

/** @param {string} path @returns {number} */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** Runs `npm run build` when dist/ is missing or older than any source that feeds it. */
function ensureBuilt(/** @type {(msg: string) => void} */ log) {
  const src = Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))));
  const dist = newestMtime(join(ROOT, 'dist'));
  if (dist >= src) return { built: true, failed: false, reason: 'dist/ is up to date' };
  log(`dist/ is ${dist ? 'stale' : 'missing'}; running npm run build`);
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  return r.status === 0
    ? { built: true, failed: false, reason: 'built by the bench' }
    : { built: false, failed: true, reason: `npm run build failed (${r.status})` };
}

/** Packs the package into a temp dir and unpacks it as a consumer project's dependency. */
function snapshot() {
  const work = mkdtempSync(join(tmpdir(), 'okta-sessions-bench-'));
  // dist/ was just made fresh: skip `prepack` (a second full build).
  const out = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const [info] = JSON.parse(out.slice(out.search(/^\[/m)));
  const pack = {
    tarball: join(work, info.filename),
    tarballBytes: info.size,
    files: info.entryCount,
  };
  const project = join(work, 'snapshot');
  const pkgDir = join(project, 'node_modules', 'okta-sessions');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', pack.tarball, '-C', pkgDir, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const link = join(project, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), link, 'dir');
  }
  writeFileSync(
    join(project, 'package.json'),
    '{"name":"snapshot","private":true,"type":"module"}',
  );
  const shim = join(project, 'okta-sessions.mjs');
  writeFileSync(shim, "export * from 'okta-sessions';\n");
  return { work, project, entry: pathToFileURL(shim).href, pack };
}

/**
 * Builds if needed, snapshots the package and points the okta-sessions contender (in this
 * process and its children) at the snapshot, which is removed when the process exits.
 * @returns {{ build: { built: boolean, failed: boolean, reason: string }, snap: ReturnType<typeof snapshot> | null }}
 */
export function prepareOktaSessions({
  log = (/** @type {string} */ msg) => console.error(msg),
} = {}) {
  const build = ensureBuilt(log);
  let snap = null;
  if (build.built) {
    try {
      const s = (snap = snapshot());
      process.env['OKTA_SESSIONS_ENTRY'] = s.entry;
      process.on('exit', () => rmSync(s.work, { recursive: true, force: true }));
    } catch (err) {
      Object.assign(build, {
        built: false,
        failed: true,
        reason: `npm pack failed: ${errorText(err)}`,
      });
    }
  }
  if (!build.built) process.env['OKTA_SESSIONS_NOT_BUILT'] = build.reason;
  return { build, snap };
}
