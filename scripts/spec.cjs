// The spec as data, for scripts, tests and benchmarks: one reader and one `$ref` follower.
// CommonJS so that both the ESM scripts and the CommonJS test build can load it.
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

/**
 * Reads `spec/<file>` and returns it with its own `$ref` follower.
 * @param {string} file
 * @returns {{ spec: any, specPath: string, deref: (node: any) => any }}
 */
function loadSpec(file) {
  const specPath = resolve(__dirname, '..', 'spec', file);
  /** @type {any} */
  const spec = parse(readFileSync(specPath, 'utf8'));

  /**
   * Follows `$ref`s (local JSON pointers into the spec) until a non-reference node.
   * @param {any} node
   * @returns {any}
   */
  function deref(node) {
    let current = node;
    while (current && typeof current.$ref === 'string') {
      const ref = current.$ref;
      current = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce(
          (/** @type {any} */ obj, /** @type {string} */ key) =>
            obj?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
          spec,
        );
      if (current === undefined) throw new Error(`spec/${file}: unresolved ${ref}`);
    }
    return current;
  }
  return { spec, specPath, deref };
}

// The Sessions spec, which everything but the emulator's Authentication API tests reads.
const { spec, specPath, deref } = loadSpec('okta-sessions.yaml');

module.exports = { spec, specPath, deref, loadSpec };
