// The layers of src/, lowest first: a module may import from its own folder and the layers
// below it, never above (issue #24). `npm run lint:layers` checks it, and that nothing imports
// in a circle. Types count: a type lives with the layer that owns it.
const LAYERS = [
  'text', // printable, redact: no imports
  'time', // clock, deadline (cancellation, sleep)
  'transport', // the Transport seam: undici, fetch
  'rate-limit', // Okta's rate-limit headers, RateLimitStore and the memory store
  'errors', // OktaError and its classes, the error factory
  'model', // the spec's operations, Session, dates, argument checks, credential headers
  'oauth', // service apps: keys, assertions, DPoP, the token cache and request
  'config', // options, their checks, okta.yaml, environment, proxies
  'platform', // node, fetch-server, edge, web
  'call', // the pipeline: attempt, retry, throttle, authorizer, a client's parts
  'raw', // okta.raw
];
// Above every layer: the entry modules at the root of src/ (index, client, current-session),
// then okta-sessions/redis, the emulator (which uses generated/ only) and the CLI.
const TOP = ['redis', 'emulator', 'cli'];

const below = (i) => LAYERS.slice(0, i);
const folder = (name) => `^src/${name}/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other in a circle.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.map((layer, i) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `src/${layer}/ may import only from itself and ${below(i).join(', ') || 'nothing else in src/'}.`,
      from: { path: folder(layer) },
      to: {
        path: '^src/',
        pathNot: [folder(layer), ...below(i).map(folder)],
      },
    })),
    {
      name: 'entries-above-layers',
      severity: 'error',
      comment: 'No layer imports an entry module (src/*.ts) or redis/emulator/cli.',
      from: { path: `^src/(${LAYERS.join('|')})/` },
      to: { path: [`^src/[^/]+\\.ts$`, `^src/(${TOP.join('|')})/`] },
    },
    {
      name: 'emulator-stands-alone',
      severity: 'error',
      comment:
        'The emulator answers as Okta does from the spec, and imports nothing of the client.',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/emulator/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { conditionNames: ['node', 'import', 'types', 'default'] },
    exclude: { path: '^(generated|test|bench|scripts|dist)/' },
  },
};
