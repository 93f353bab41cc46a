// Jest runs the TypeScript sources through ts-jest as CommonJS (transpile only; `npm run lint`
// does the type checking). `.js` suffixes in ESM-style imports map back to the .ts files.
const { importsMapper } = require('./scripts/package-sources.cjs');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
    // jose is ESM-only; Jest's CommonJS runtime needs it transpiled (Node itself imports it as is).
    '/node_modules/jose/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'CommonJS', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: {
    // `#platform` and any other package.json `imports`, as Node picks them (the `node` condition).
    ...importsMapper('node'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20000,
};
