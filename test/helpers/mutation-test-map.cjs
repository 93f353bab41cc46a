// Stryker's dry run (no active mutant) records which test file holds each test it ran, one JSON
// line per test, for mutation-sequencer.cjs. setupFilesAfterEnv of jest.mutation.config.cjs only.
const { appendFileSync } = require('node:fs');
const { join } = require('node:path');

// Only inside Stryker's sandbox (tempDirName .stryker-tmp), and only in the dry run.
if (process.cwd().includes('.stryker-tmp') && process.env.__STRYKER_ACTIVE_MUTANT__ === undefined) {
  const file = join(process.cwd(), '.mutation-test-map.jsonl');
  beforeEach(() => {
    const { currentTestName, testPath } = expect.getState();
    if (currentTestName && testPath) {
      appendFileSync(file, `${JSON.stringify([currentTestName, testPath])}\n`);
    }
  });
}
