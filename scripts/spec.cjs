// The spec as data, for scripts, tests and benchmarks: one reader and one `$ref` follower.
// CommonJS so that both the ESM scripts and the CommonJS test build can load it.
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

const specPath = resolve(__dirname, '..', 'spec', 'okta-sessions.yaml');

/**
 * The spec, parsed.
 * @type {any}
 */
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
    if (current === undefined) throw new Error(`spec/okta-sessions.yaml: unresolved ${ref}`);
  }
  return current;
}

module.exports = { spec, specPath, deref };
