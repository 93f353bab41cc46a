// Stryker runs each mutant with a testNamePattern naming the tests that cover it, but jest still
// loads every test file to find them: about 7 s of module loading per mutant. This sequencer
// drops the files that hold none of those tests, using the map the dry run recorded
// (mutation-test-map.cjs). It applies the pattern exactly as jest does, so the tests that run
// are the same; without a map or a pattern it changes nothing.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/** @typedef {import('@jest/test-result').Test} Test */

/** @type {Map<string, string[]> | undefined} test file -> names of its tests */
let namesByFile;

/** @returns {Map<string, string[]> | undefined} */
function loadMap() {
  const file = join(process.cwd(), '.mutation-test-map.jsonl');
  if (!existsSync(file)) return undefined;
  /** @type {Map<string, string[]>} */
  const map = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [name, path] = /** @type {[string, string]} */ (JSON.parse(line));
    const names = map.get(path) ?? [];
    names.push(name);
    map.set(path, names);
  }
  return map;
}

class MutationSequencer extends Sequencer {
  /** @param {import('@jest/test-sequencer').TestSequencerOptions} options */
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  /**
   * @override
   * @param {Test[]} tests
   */
  sort(tests) {
    if (process.env['__STRYKER_ACTIVE_MUTANT__'] === undefined || !this.pattern) {
      return super.sort(tests);
    }
    namesByFile ??= loadMap();
    const map = namesByFile;
    if (!map) return super.sort(tests);
    const pattern = new RegExp(this.pattern, 'i');
    /** @type {Map<string, number>} */
    const matching = new Map();
    for (const test of tests) {
      const names = map.get(test.path);
      // A file the dry run did not see keeps running: never drop a test we know nothing about.
      const count = names === undefined ? Infinity : names.filter((n) => pattern.test(n)).length;
      if (count > 0) matching.set(test.path, count);
    }
    // Files with few covering tests first: they are the targeted ones, most likely to kill the
    // mutant early, and the environment then skips everything after the first failure.
    return tests
      .filter((test) => matching.has(test.path))
      .sort((a, b) => (matching.get(a.path) ?? 0) - (matching.get(b.path) ?? 0));
  }
}

module.exports = MutationSequencer;
