// Browser bundles of okta-sessions, as a page's bundler makes them: esbuild, platform browser,
// minified, code splitting on (as in Vite, Rollup and webpack). Shared by `npm run bench` (which
// bundles the packed package) and the tests (which bundle the sources through
// scripts/package-sources.cjs).
// CommonJS so that both the ESM bench and the CommonJS test build can load it.
const { join, resolve } = require('node:path');
const { gzipSync } = require('node:zlib');

const ROOT = resolve(__dirname, '..');

/**
 * The two pages whose size is budgeted (min+gz bytes, 1 kB = 1000 bytes): a server-side style
 * page that creates and reads sessions, and a page that only checks the visitor's session
 * (through the `okta-sessions/current-session` functions, which leave the client out). The
 * first page's 14 kB is a regression guard (it measured 11.3 kB when it was set; the 8 kB goal
 * is out of reach for the whole client, see docs/performance.md); the second page's 5 kB is the goal.
 * @type {Readonly<Record<string, { code: string, budgetBytes: number }>>}
 */
const BROWSER_APPS = {
  'createSession+getSession': {
    code: `import { OktaSessions } from 'okta-sessions';
const okta = new OktaSessions({ orgUrl: 'https://example.okta.com', apiToken: 'token' });
const created = await okta.createSession({ sessionToken: 'session-token' });
const session = await okta.getSession(created.id);
console.log(session.id, session.expiresAt);
`,
    budgetBytes: 14000,
  },
  'getCurrentSession only': {
    code: `import { getCurrentSession } from 'okta-sessions/current-session';
const session = await getCurrentSession({ orgUrl: 'https://example.okta.com' });
console.log(session.id, session.expiresAt);
`,
    budgetBytes: 5000,
  },
};

/**
 * Bundles `code` (an app importing `okta-sessions`) and measures what the page loads up front:
 * the entry and, transitively, its static imports; chunks behind a dynamic import() (openapi-fetch
 * for `okta.raw`) are counted apart as `lazyGzipBytes`.
 * @param {string} code
 * @param {{ resolveDir: string, plugins?: import('esbuild').Plugin[] }} opts
 *   resolveDir: where `okta-sessions` resolves from (a project that has it installed, or any
 *   folder when `plugins` resolve it)
 */
async function measureBrowserBundle(code, { resolveDir, plugins = [] }) {
  const esbuild = require('esbuild');
  const outdir = join(resolveDir, 'browser-bundle-out');
  const result = await esbuild
    .build({
      stdin: { contents: code, resolveDir, sourcefile: 'app.mjs', loader: 'js' },
      bundle: true,
      splitting: true,
      outdir,
      minify: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
      plugins,
    })
    .catch((/** @type {any} */ err) => {
      const first = err.errors?.[0];
      throw new Error(`esbuild: ${first ? `${first.text} (${first.location?.file ?? ''})` : err}`);
    });
  const outputs = result.metafile.outputs;
  const entryOut = Object.keys(outputs).find((out) => outputs[out]?.entryPoint);
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
  const tail = (path) => path.slice(path.lastIndexOf('browser-bundle-out'));
  const files = new Map(result.outputFiles.map((f) => [tail(f.path), f.contents]));
  /** @param {string} out */
  const bytesOf = (out) => files.get(tail(out)) ?? new Uint8Array();
  const bytes = Buffer.concat([...upFront].map(bytesOf));
  const lazy = Object.keys(outputs).filter((out) => !upFront.has(out) && out.endsWith('.js'));
  const inputs = [...upFront]
    .flatMap((out) => Object.entries(outputs[out]?.inputs ?? {}))
    .map(([file, v]) => ({
      file: file.replace(/^.*node_modules\//, '').replace(`${ROOT}/`, ''),
      bytes: v.bytesInOutput,
    }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    minBytes: bytes.byteLength,
    gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
    lazyGzipBytes: lazy.reduce(
      (sum, out) => sum + gzipSync(bytesOf(out), { level: 9 }).byteLength,
      0,
    ),
    topInputs: inputs.slice(0, 8),
    inputFiles: inputs.map((input) => input.file),
  };
}

module.exports = { BROWSER_APPS, measureBrowserBundle };
