// Footprint of the package as a user gets it:
//  - install: the run's `npm pack` tarball (snapshot.mjs) installed into an empty project, count the
//    packages in node_modules (nested included) and the bytes of their files;
//  - browser bundles: esbuild bundle + minify (platform browser, so `browser` conditions
//    apply) of the budgeted pages in scripts/browser-bundle.cjs (createSession + getSession;
//    getCurrentSession only), gzipped (zlib level 9). Code splitting is on, as in Vite, Rollup
//    and webpack: the size is what the page loads up front (the entry and the chunks it imports
//    statically); chunks behind a dynamic import(), such as openapi-fetch for `okta.raw`, are
//    reported apart as `lazyGzipBytes`.
// With `quick`, no install: the bundle resolves okta-sessions in the run's snapshot.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from './processes.mjs';
import browserBundle from '../scripts/browser-bundle.cjs';
import installedPackages from '../scripts/installed-packages.cjs';

const { BROWSER_APPS, measureBrowserBundle } = browserBundle;
const { dirBytes, npmInstalledPackages } = installedPackages;

/** @param {string[]} args @param {string} cwd */
function npm(args, cwd) {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

/**
 * Installs `spec` into a fresh empty project and measures what it added: every package, nested
 * ones included (`npm ls --all`), with the bytes of its own files.
 * @param {string} spec @param {string} work
 */
function installFootprint(spec, work) {
  const project = mkdtempSync(join(work, 'project-'));
  npm(['init', '-y'], project);
  const t0 = Date.now();
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', spec], project);
  const installMs = Date.now() - t0;
  const list = npmInstalledPackages(project);
  const bytes = dirBytes(join(project, 'node_modules'));
  return { project, packages: list.length, bytes, installMs, list };
}

/** Every budgeted page (scripts/browser-bundle.cjs), bundled from the installed package. @param {string} resolveDir */
async function browserBundles(resolveDir) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [name, app] of Object.entries(BROWSER_APPS)) {
    out[name] = {
      ...(await measureBrowserBundle(app.code, { resolveDir })),
      budgetBytes: app.budgetBytes,
    };
  }
  return out;
}

/**
 * @param {{ snap: { work: string, project: string, pack: { tarball: string } }, quick: boolean, officialVersion: string }} opts
 *   the run's packed snapshot; `quick` skips the installs (the bundle resolves from the snapshot)
 */
export async function footprint({ snap, quick, officialVersion }) {
  /** @type {Record<string, any>} */
  const out = { pack: snap.pack };
  let project = snap.project; // --quick: bundle from the snapshot (deps linked, no install)
  if (!quick) {
    const inst = installFootprint(snap.pack.tarball, snap.work);
    project = inst.project;
    out['install'] = { ...inst, project: undefined };
  }
  out['bundles'] = await browserBundles(project);
  if (!quick) {
    try {
      const off = installFootprint(`@okta/okta-sdk-nodejs@${officialVersion}`, snap.work);
      out['officialInstall'] = {
        packages: off.packages,
        bytes: off.bytes,
        installMs: off.installMs,
      };
    } catch (err) {
      out['officialInstall'] = { error: errorText(err) };
    }
  }
  return out;
}
