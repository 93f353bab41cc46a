#!/usr/bin/env node
// Builds dist/: an ESM and a CommonJS copy of src/ and generated/, each with its declarations.
// The CJS folder gets its own package.json so Node and TypeScript read its .js/.d.ts as CommonJS.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
execFileSync(tsc, ['-p', 'tsconfig.cjs.json'], { cwd: root, stdio: 'inherit' });
mkdirSync(join(root, 'dist/cjs'), { recursive: true });
writeFileSync(join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
/**
 * Replaces `from` with `to` in one file of the CJS build; fails the build if tsc's output no
 * longer has `from`, so a rewrite never silently stops applying.
 * @param {string} file
 * @param {string} from
 * @param {string} to
 */
function rewriteCjs(file, from, to) {
  const path = join(root, 'dist/cjs', file);
  const code = readFileSync(path, 'utf8');
  if (!code.includes(from)) throw new Error(`${file}: no ${from} to rewrite`);
  writeFileSync(path, code.replace(from, to));
}
// Only ESM consumers (browsers, bundlers, Deno, Bun) choose a platform through `#platform`;
// `require` means Node, so the CJS build points straight at the Node platform.
for (const file of ['src/client.js', 'src/config.js', 'src/current-session.js']) {
  rewriteCjs(file, 'require("#platform")', 'require("./platform/node.js")');
}
// tsc's CommonJS output turns `import('x')` into `require('x')`. jose is ESM-only, and
// require(esm) is missing before Node 20.19; ioredis is loaded on first use of the Redis store,
// and an ESM-only client version should load as well. Put the real dynamic imports back.
rewriteCjs('src/oauth/jose.js', "Promise.resolve().then(() => require('jose'))", "import('jose')");
rewriteCjs(
  'src/redis/index.js',
  "Promise.resolve().then(() => require('ioredis'))",
  "import('ioredis')",
);
for (const flavour of ['esm', 'cjs']) {
  const cli = join(root, 'dist', flavour, 'src/cli/main.js');
  if (existsSync(cli)) chmodSync(cli, 0o755);
}
console.log('dist/esm and dist/cjs built');
