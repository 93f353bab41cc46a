#!/usr/bin/env node
// Builds dist/: an ESM and a CommonJS copy of src/ and generated/, each with its declarations.
// The CJS folder gets its own package.json so Node and TypeScript read its .js/.d.ts as CommonJS
// and resolve its `#platform` imports to CJS files.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
execFileSync(tsc, ['-p', 'tsconfig.cjs.json'], { cwd: root, stdio: 'inherit' });
mkdirSync(join(root, 'dist/cjs'), { recursive: true });

/**
 * The root package.json `imports` map (`#platform`: one file of dist/esm per runtime condition),
 * re-pointed at the same files of dist/cjs, relative to dist/cjs. tsc leaves
 * `require("#platform")` as is, and Node (like bundlers) resolves a `#` import through the
 * nearest package.json, so a require() from dist/cjs picks its platform by the same conditions
 * as an import from dist/esm.
 * @param {Record<string, unknown>} imports
 */
function cjsImports(imports) {
  /** @param {string} name @param {string} condition @param {unknown} target */
  const cjsTarget = (name, condition, target) => {
    const js = typeof target === 'string' && /^\.\/dist\/esm\/(.+\.js)$/.exec(target);
    // `types` is for type-checking the sources (src/*.ts); its declaration is in dist/cjs.
    const ts = condition === 'types' && typeof target === 'string' && /^\.\/(.+)\.ts$/.exec(target);
    const file = js ? js[1] : ts ? `${ts[1]}.d.ts` : undefined;
    if (!file) {
      throw new Error(`package.json imports ${name} ${condition}: ${target} is not in dist/esm`);
    }
    if (!existsSync(join(root, 'dist/cjs', file))) {
      throw new Error(`package.json imports ${name} ${condition}: dist/cjs/${file} not built`);
    }
    return `./${file}`;
  };
  return Object.fromEntries(
    Object.entries(imports).map(([name, conditions]) => {
      if (typeof conditions !== 'object' || conditions === null) {
        throw new Error(`package.json imports ${name}: expected an object of conditions`);
      }
      const mapped = Object.entries(conditions).map(([condition, target]) => [
        condition,
        cjsTarget(name, condition, target),
      ]);
      return [name, Object.fromEntries(mapped)];
    }),
  );
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// sideEffects: bundlers read it from the nearest package.json too, so it is repeated here.
const cjsPackage = {
  type: 'commonjs',
  sideEffects: pkg.sideEffects,
  imports: cjsImports(pkg.imports),
};
writeFileSync(join(root, 'dist/cjs/package.json'), `${JSON.stringify(cjsPackage, null, 2)}\n`);
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
