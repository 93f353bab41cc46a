// Footprint of the package as a user gets it:
//  - install: the run's `npm pack` tarball (snapshot.mjs) installed into an empty project, count the
//    packages in node_modules (nested included) and the bytes of their files;
//  - browser bundle: esbuild bundle + minify (platform browser, so `browser` conditions
//    apply) of a tiny app calling createSession and getSession, gzipped (zlib level 9). Code
//    splitting is on, as in Vite, Rollup and webpack: the size is what the page loads up front
//    (the entry and the chunks it imports statically); chunks behind a dynamic import(), such as
//    openapi-fetch for `okta.raw`, are reported apart as `lazyGzipBytes`.
// With `quick`, no install: the bundle resolves okta-sessions in the run's snapshot.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { errorText } from './processes.mjs';

const APP = `
import { OktaSessions } from 'okta-sessions';
const okta = new OktaSessions({ orgUrl: 'https://example.okta.com', apiToken: 'token' });
const created = await okta.createSession({ sessionToken: 'session-token' });
const session = await okta.getSession(created.id);
console.log(session.id, session.expiresAt);
`;

/** @param {string[]} args @param {string} cwd */
function npm(args, cwd) {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

/** Bytes of the files under `dir` (0 if it does not exist). @param {string} dir @returns {number} */
function dirBytes(dir) {
  if (!existsSync(dir)) return 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) bytes += dirBytes(p);
    else if (e.isFile()) bytes += lstatSync(p).size;
  }
  return bytes;
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
  const dirs = npm(['ls', '--all', '--parseable'], project).trim().split('\n').slice(1);
  const list = dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const bytes = dirBytes(dir) - dirBytes(join(dir, 'node_modules'));
    return { name: pkg.name, version: pkg.version, bytes };
  });
  const bytes = dirBytes(join(project, 'node_modules'));
  return { project, packages: list.length, bytes, installMs, list };
}

/** @param {string} resolveDir */
async function browserBundle(resolveDir) {
  const esbuild = await import('esbuild');
  const entry = join(resolveDir, 'bench-browser-app.mjs');
  writeFileSync(entry, APP);
  const outdir = 'bench-browser-out';
  const result = await esbuild
    .build({
      entryPoints: [entry],
      bundle: true,
      splitting: true,
      outdir: join(resolveDir, outdir),
      minify: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
    })
    .catch((err) => {
      const first = err.errors?.[0];
      throw new Error(`esbuild: ${first ? `${first.text} (${first.location?.file ?? ''})` : err}`);
    });
  const outputs = result.metafile.outputs;
  const entryOut = Object.keys(outputs).find((out) => outputs[out]?.entryPoint);
  // What the page loads up front: the entry and, transitively, its static imports.
  /** @type {Set<string>} */
  const upFront = new Set();
  /** @param {string} out */
  const visit = (out) => {
    if (upFront.has(out)) return;
    upFront.add(out);
    for (const dep of outputs[out]?.imports ?? []) {
      if (dep.kind === 'import-statement') visit(dep.path);
    }
  };
  if (entryOut) visit(entryOut);
  /** @param {string} path */
  const tail = (path) => path.slice(path.indexOf(outdir));
  const files = new Map(result.outputFiles.map((f) => [tail(f.path), f.contents]));
  /** @param {string} out */
  const bytesOf = (out) => files.get(tail(out)) ?? new Uint8Array();
  const code = Buffer.concat([...upFront].map(bytesOf));
  const lazy = Object.keys(outputs).filter((out) => !upFront.has(out) && out.endsWith('.js'));
  const inputs = [...upFront]
    .flatMap((out) => Object.entries(outputs[out]?.inputs ?? {}))
    .map(([file, v]) => ({ file: file.replace(/^.*node_modules\//, ''), bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    lazyGzipBytes: lazy.reduce(
      (sum, out) => sum + gzipSync(bytesOf(out), { level: 9 }).byteLength,
      0,
    ),
    topInputs: inputs.slice(0, 8),
  };
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
  out['bundle'] = await browserBundle(project);
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
