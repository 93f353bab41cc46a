// The suite Stryker runs for every mutant (npm run test:mutation): both projects of
// jest.config.cjs (`npm run test:all`; the Redis store is core and its tests need
// redis-server) less the tests that pack, build or bundle the package, compile documentation
// examples, drive a browser or only check the spec and the emulator's contract. They test none
// of the client's core behaviour and would make every mutant cost minutes.
const {
  projects: [node],
} = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...node,
  displayName: 'mutation',
  // Each mutant loads only the test files that hold its covering tests (see the sequencer).
  // A killed mutant skips the rest of its tests (see the environment).
  testEnvironment: require.resolve('./test/helpers/mutation-environment.cjs'),
  setupFilesAfterEnv: ['<rootDir>/test/helpers/mutation-test-map.cjs'],
  testSequencer: '<rootDir>/test/helpers/mutation-sequencer.cjs',
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/package\\.test\\.ts$',
    '<rootDir>/test/bundle-size\\.test\\.ts$',
    '<rootDir>/test/browser-chromium\\.test\\.ts$',
    '<rootDir>/test/examples\\.test\\.ts$',
    '<rootDir>/test/readme\\.test\\.ts$',
    '<rootDir>/test/spec\\.test\\.ts$',
    '<rootDir>/test/contract\\.test\\.ts$',
    '<rootDir>/test/consumers.*\\.test\\.ts$',
    '<rootDir>/test/spec-diff.*\\.test\\.ts$',
    '<rootDir>/test/mutation-gate\\.test\\.ts$',
  ],
};
