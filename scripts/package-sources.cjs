// Where the package's own specifiers (`okta-sessions`, `okta-sessions/<subpath>` and the `#`
// imports such as `#platform`) lead, read from package.json and mapped back to the TypeScript
// sources, so that jest and the esbuild bundles of the tests pick the files a consumer's runtime
// would, without building dist/ (which `npm pack` in another test may be rebuilding at that
// moment). CommonJS so that jest.config.cjs, the ESM bench and the CommonJS tests can all load it.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');

/** @returns {any} the repository's package.json */
function packageJson() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
}

/**
 * The file a runtime or bundler with `condition` picks for `specifier` (package.json `exports`
 * with `import`, `imports` with `condition`), as its TypeScript source: `./dist/esm/X.js` -> `X.ts`.
 * @param {string} specifier `okta-sessions`, `okta-sessions/<subpath>` or `#name`
 * @param {string} condition the `imports` condition, e.g. `browser` or `node`
 * @returns {string} an absolute path under the repository
 */
function sourceOf(specifier, condition) {
  const pkg = packageJson();
  /** @type {any} */
  const target = specifier.startsWith('#')
    ? pkg.imports?.[specifier]?.[condition]
    : pkg.exports?.[specifier.replace(/^okta-sessions/, '.')]?.import?.default;
  const match = typeof target === 'string' ? /^\.\/dist\/esm\/(.+)\.js$/.exec(target) : null;
  if (!match) throw new Error(`package.json maps ${specifier} to ${target}, not a dist/esm file`);
  return join(ROOT, `${match[1]}.ts`);
}

/**
 * jest's moduleNameMapper entries for package.json's `#` imports, as `condition` resolves them.
 * @param {string} condition
 * @returns {Record<string, string>}
 */
function importsMapper(condition) {
  const names = Object.keys(packageJson().imports ?? {});
  return Object.fromEntries(names.map((name) => [`^${name}$`, sourceOf(name, condition)]));
}

/**
 * An esbuild plugin resolving `okta-sessions`, its subpaths and package.json's `#` imports to
 * the sources of the files `condition` selects (see sourceOf).
 * @param {string} condition `browser` for a page, `node` for a Node script
 * @returns {import('esbuild').Plugin}
 */
function packageSources(condition) {
  const imports = Object.keys(packageJson().imports ?? {}).map((name) =>
    name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  const filter = new RegExp(`^(okta-sessions(/.*)?|${imports.join('|')})$`);
  return {
    name: `okta-sessions-sources-${condition}`,
    setup(build) {
      // Only our own imports: a dependency's `#name` is its own package.json's business.
      build.onResolve({ filter }, (args) =>
        /[\\/]node_modules[\\/]/.test(args.importer)
          ? undefined
          : { path: sourceOf(args.path, condition) },
      );
    },
  };
}

module.exports = { importsMapper, packageSources, sourceOf };
