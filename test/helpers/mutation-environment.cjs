// The node environment, plus a bail for mutation runs: once a test has failed under a mutant
// (the mutant is killed), every later test and describe block of that mutant's run is skipped,
// in this file and in the files after it. Stryker turns jest's own `bail` off, and without this
// a killed mutant still ran all of its covering tests, often a minute of real servers and timers.
// Outside mutant runs (no __STRYKER_ACTIVE_MUTANT__) it is the plain node environment.
const { TestEnvironment } = require('jest-environment-node');

/**
 * The mutant whose run has a failed test. The module is loaded once per runner process.
 * @type {string | undefined}
 */
let killedMutant;

class MutationEnvironment extends TestEnvironment {
  /** @param {{ name: string, test?: any, describeBlock?: any }} event */
  async handleTestEvent(event) {
    const mutant = process.env['__STRYKER_ACTIVE_MUTANT__'];
    if (mutant === undefined) return;
    if (event.name === 'test_done' && event.test.errors.length > 0) {
      killedMutant = mutant;
    } else if (killedMutant === mutant) {
      if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
      else if (event.name === 'test_start') event.test.mode = 'skip';
    }
  }
}

module.exports = MutationEnvironment;
