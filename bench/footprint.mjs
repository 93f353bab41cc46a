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
import { lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const APP = `
import { OktaSessions } from 'okta-sessions';
const okta = new OktaSessions({ orgUrl: 'https://example.okta.com', apiToken: 'token' });
const created = await okta.createSession({ sessionToken: 'session-token' });
const session = await okta.getSession(created.id);
console.log(session.id, session.expiresAt);
`;

function npm(args, cwd) {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

function dirBytes(dir) {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) bytes += dirBytes(p);
    else if (e.isFile()) bytes += lstatSync(p).size;
  }
  return bytes;
}

/** Every package in a node_modules tree, nested ones included. */
export function listPackages(nodeModules, out = []) {
  let entries;
  try {
    entries = readdirSync(nodeModules, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dirs = e.name.startsWith('@')
      ? readdirSync(join(nodeModules, e.name)).map((n) => join(nodeModules, e.name, n))
      : [join(nodeModules, e.name)];
    for (const dir of dirs) {
      let pkg;
      try {
        pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      out.push({ name: pkg.name, version: pkg.version, dir });
      listPackages(join(dir, 'node_modules'), out);
    }
  }
  return out;
}

/** Installs `spec` into a fresh empty project and measures what it added. */
export function installFootprint(spec, work) {
  const project = mkdtempSync(join(work, 'project-'));
  npm(['init', '-y'], project);
  const t0 = Date.now();
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', spec], project);
  const installMs = Date.now() - t0;
  const nm = join(project, 'node_modules');
  const packages = listPackages(nm).map((p) => ({
    name: p.name,
    version: p.version,
    bytes: dirBytes(p.dir) - (safeBytes(join(p.dir, 'node_modules')) ?? 0),
  }));
  return { project, packages: packages.length, bytes: dirBytes(nm), installMs, list: packages };
}

function safeBytes(dir) {
  try {
    return dirBytes(dir);
  } catch {
    return 0;
  }
}

export async function browserBundle(resolveDir) {
  const esbuild = await import('esbuild');
  const entry = join(resolveDir, 'bench-browser-app.mjs');
  writeFileSync(entry, APP);
  const result = await esbuild
    .build({
      entryPoints: [entry],
      bundle: true,
      splitting: true,
      outdir: join(resolveDir, 'bench-browser-out'),
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
  const entryOut = Object.keys(outputs).find((out) => outputs[out].entryPoint);
  // What the page loads up front: the entry and, transitively, its static imports.
  const upFront = new Set();
  const visit = (out) => {
    if (upFront.has(out)) return;
    upFront.add(out);
    for (const dep of outputs[out].imports) if (dep.kind === 'import-statement') visit(dep.path);
  };
  visit(entryOut);
  const files = new Map(
    result.outputFiles.map((f) => [f.path.slice(f.path.indexOf('bench-browser-out')), f.contents]),
  );
  const bytesOf = (out) => files.get(out.slice(out.indexOf('bench-browser-out')));
  const code = Buffer.concat([...upFront].map(bytesOf));
  const lazy = Object.keys(outputs).filter((out) => !upFront.has(out) && out.endsWith('.js'));
  const inputs = [...upFront]
    .flatMap((out) => Object.entries(outputs[out].inputs))
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
 * @param {object} opts
 * @param {{work: string, project: string, pack: object}} opts.snap the run's packed snapshot
 */
export async function footprint({ snap, quick, compareOfficial, officialVersion }) {
  const out = { pack: snap.pack };
  let project = snap.project; // --quick: bundle from the snapshot (deps linked, no install)
  if (!quick) {
    const inst = installFootprint(snap.pack.tarball, snap.work);
    project = inst.project;
    delete inst.project;
    out.install = inst;
  }
  out.bundle = await browserBundle(project);
  if (compareOfficial) {
    try {
      const off = installFootprint(`@okta/okta-sdk-nodejs@${officialVersion}`, snap.work);
      out.officialInstall = { packages: off.packages, bytes: off.bytes, installMs: off.installMs };
    } catch (err) {
      out.officialInstall = { error: String(err.message).split('\n')[0] };
    }
  }
  return out;
}
