// A frozen copy of the package for one bench run. Others rebuild dist/ in this tree at
// any time; measuring the repo's dist/ directly would let a rebuild land mid-run. So the
// bench packs the package once (`npm pack`, the files a user gets), unpacks the tarball
// into a temp project, and links its dependencies to the repo's node_modules (no
// registry needed). Contenders import it through OKTA_SESSIONS_ENTRY, a module in that
// project that re-exports `okta-sessions`, so the package's own `exports` map and
// `#platform` conditions apply exactly as for a consumer.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, ensureBuilt } from './ensure-build.mjs';

export function pack(work) {
  // ensure-build.mjs has just made dist/ fresh: skip `prepack` (a second full build).
  const out = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const [info] = JSON.parse(out.slice(out.search(/^\[/m)));
  return {
    tarball: join(work, info.filename),
    tarballBytes: info.size,
    unpackedBytes: info.unpackedSize,
    files: info.entryCount,
  };
}

/** @returns {{work: string, project: string, entry: string, pack: object, cleanup(): void}} */
export function snapshot() {
  const work = mkdtempSync(join(tmpdir(), 'okta-sessions-bench-'));
  const packInfo = pack(work);
  const project = join(work, 'snapshot');
  const pkgDir = join(project, 'node_modules', 'okta-sessions');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', packInfo.tarball, '-C', pkgDir, '--strip-components=1']);
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
  return {
    work,
    project,
    entry: pathToFileURL(shim).href,
    pack: packInfo,
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}

/**
 * For runners: build if needed, snapshot the package, and point the okta-sessions contender
 * (in this process and its children) at the snapshot; cleaned up when the process exits.
 * @returns {{build: object, snap: ReturnType<typeof snapshot> | null}}
 */
export function prepareOktaSessions({ log = console.error } = {}) {
  const build = ensureBuilt({ log });
  let snap = null;
  if (build.built) {
    try {
      snap = snapshot();
      process.env.OKTA_SESSIONS_ENTRY = snap.entry;
      process.on('exit', () => snap.cleanup());
    } catch (err) {
      build.built = false;
      build.failed = true;
      build.reason = `npm pack failed: ${String(err?.message ?? err).split('\n')[0]}`;
    }
  }
  if (!build.built) process.env.OKTA_SESSIONS_NOT_BUILT = build.reason;
  return { build, snap };
}
