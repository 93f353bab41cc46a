// Jest runs the TypeScript sources through ts-jest as CommonJS (transpile only; `npm run lint`
// does the type checking). `.js` suffixes in ESM-style imports map back to the .ts files.
//
// Two projects: `node`, the suites that need nothing but Node (`npm test`, the quick loop), and
// `system`, the ones that need another binary or pack the package (`npm run test:all` runs both).
const { importsMapper } = require('./scripts/package-sources.cjs');

/** The `system` suites, each with what it needs beyond Node. */
const SYSTEM = {
  'package.test.ts': 'npm pack, an install into a new project, tsc',
  'bundle-size.test.ts': 'esbuild bundles of the package as a browser app loads it',
  'browser-chromium.test.ts': 'Chromium',
  'redis-throttle.test.ts': 'redis-server',
  'redis-store.test.ts': 'redis-server',
  'spec-diff.test.ts': 'the pinned oasdiff (Go), built by npm run fetch:oasdiff',
  'readme.test.ts': "curl, for docs/emulator.md's shell example",
  'users-curl.test.ts': 'curl, for revokeUserSessions from a shell',
  'hsm-signer.test.ts': 'SoftHSM2 (softhsm2-util, libsofthsm2) and pkcs11-tool (opensc)',
  'emulator-recipes-other-languages.test.ts':
    "python3 with pytest and go, for docs/emulator.md's recipes",
};
const systemPatterns = Object.keys(SYSTEM).map(
  (file) => `<rootDir>/test/${file.replace(/\./g, '\\.')}$`,
);

/** What every project shares. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
    // jose is ESM-only, and the OTLP exporter's transport loads node:http with import(): Jest's
    // CommonJS runtime needs both transpiled (Node itself runs them as they are).
    '/node_modules/(jose|@opentelemetry/otlp-exporter-base)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'CommonJS', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/|@opentelemetry/otlp-exporter-base/)'],
  moduleNameMapper: {
    // `#platform` and any other package.json `imports`, as Node picks them (the `node` condition).
    ...importsMapper('node'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20000,
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'node',
      testPathIgnorePatterns: ['/node_modules/', ...systemPatterns],
    },
    {
      ...common,
      displayName: 'system',
      testMatch: Object.keys(SYSTEM).map((file) => `<rootDir>/test/${file}`),
    },
  ],
};
