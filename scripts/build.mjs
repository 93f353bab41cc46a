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
// Only ESM consumers (browsers, bundlers, Deno, Bun) choose a platform through `#platform`;
// `require` means Node, so the CJS build points straight at the Node platform.
for (const file of ['src/client.js', 'src/current-session.js']) {
  const path = join(root, 'dist/cjs', file);
  const code = readFileSync(path, 'utf8');
  if (!code.includes('require("#platform")'))
    throw new Error(`${file}: no #platform import to rewrite`);
  writeFileSync(path, code.replace('require("#platform")', 'require("./platform/node.js")'));
}
// jose is ESM-only: tsc's CommonJS output turns `import('jose')` into `require('jose')`, which
// fails on Node versions without require(esm) (before 20.19). Put the real dynamic import back.
{
  const path = join(root, 'dist/cjs/src/oauth/jose.js');
  const code = readFileSync(path, 'utf8');
  const required = "Promise.resolve().then(() => require('jose'))";
  if (!code.includes(required)) throw new Error('src/oauth/jose.js: no jose import to rewrite');
  writeFileSync(path, code.replace(required, "import('jose')"));
}
// The Redis store loads ioredis on first use; keep that a real dynamic import in the CJS build
// too (tsc turns it into a require), so an ESM-only client version would load as well.
{
  const path = join(root, 'dist/cjs/src/redis/index.js');
  const code = readFileSync(path, 'utf8');
  const required = "Promise.resolve().then(() => require('ioredis'))";
  if (!code.includes(required)) throw new Error('src/redis/index.js: no ioredis import to rewrite');
  writeFileSync(path, code.replace(required, "import('ioredis')"));
}
for (const flavour of ['esm', 'cjs']) {
  const cli = join(root, 'dist', flavour, 'src/cli/main.js');
  if (existsSync(cli)) chmodSync(cli, 0o755);
}
console.log('dist/esm and dist/cjs built');
