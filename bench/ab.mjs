// An interleaved A/B of per-call client CPU between two builds of okta-sessions, both loaded in
// this one process: alternating batches of sequential getSession against the bench server (its
// own process, so its CPU never counts), each batch measured with process.cpuUsage. Batches of
// A and B run back to back, so the machine's state is shared within each pair, and the ratio
// reported is the median of the pairs' own ratios.
//
//   node bench/ab.mjs <dir of build A> <dir of build B> [--rounds 40] [--calls 400] [--variant ...]
//
// Each dir is a checkout with dist/ built (npm run build). Variants of B's client: `none` (the
// defaults: with @opentelemetry/api installed, as here, it finds the API and no provider),
// `telemetry-off` (telemetry: false), `listener` (a no-op `response` listener), `logger` (a
// logger at the default level, warn), `otel-sdk` (the SDK tracing to an in-memory exporter through
// a batch processor, as services run it), `otel-sdk-simple` (the same, exporting span by span).
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { EXAMPLE_SESSION_ID } from './contenders.mjs';
import { benchCore, startServer } from './processes.mjs';
import { execFileSync } from 'node:child_process';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '40' },
    calls: { type: 'string', default: '400' },
    variant: { type: 'string', default: 'none' },
  },
});
const [dirA, dirB] = positionals;
if (!dirA || !dirB) throw new Error('usage: node bench/ab.mjs <dir A> <dir B>');
const ROUNDS = Number(values.rounds);
const CALLS = Number(values.calls);

/** @param {string} dir */
const load = async (dir) => import(pathToFileURL(resolve(dir, 'dist/esm/src/index.js')).href);

const server = await startServer();
// Client and server on one core, as the bench's per-call phase runs them (see processes.mjs).
const core = benchCore();
if (core !== null) {
  execFileSync('taskset', ['-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
  server.pin(core);
}
const [modA, modB] = await Promise.all([load(dirA), load(dirB)]);
const options = { orgUrl: server.url, apiToken: 'bench-token' };
// A is the base: no telemetry option there.
const a = new modA.OktaSessions(options);
/** @type {Record<string, () => Promise<object>>} */
const VARIANTS = {
  none: async () => ({}),
  'telemetry-off': async () => ({ telemetry: false }),
  listener: async () => ({}),
  logger: async () => ({ logger: { debug() {}, info() {}, warn() {}, error() {} } }),
  // The SDK as a Node service sets it up: the async-hooks context manager, a batch processor
  // (export off the call's path), here to an exporter that keeps nothing.
  'otel-sdk': async () => otelSdk('batch'),
  // The same with the simple processor, which exports each span as it ends.
  'otel-sdk-simple': async () => otelSdk('simple'),
};
/** @param {'batch' | 'simple'} kind */
async function otelSdk(kind) {
  const sdk = await import('@opentelemetry/sdk-trace-base');
  const { context } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // In memory, emptied as it goes: 100,000s of spans would otherwise pile up.
  const exporter = new sdk.InMemorySpanExporter();
  const export_ = exporter.export.bind(exporter);
  exporter.export = (spans, done) => {
    export_(spans, done);
    if (exporter.getFinishedSpans().length > 1000) exporter.reset();
  };
  const processor =
    kind === 'batch' ? new sdk.BatchSpanProcessor(exporter) : new sdk.SimpleSpanProcessor(exporter);
  const tracerProvider = new sdk.BasicTracerProvider({ spanProcessors: [processor] });
  return { telemetry: { tracerProvider } };
}
const variant = VARIANTS[values.variant];
if (!variant) throw new Error(`--variant: one of ${Object.keys(VARIANTS).join(', ')}`);
const b = new modB.OktaSessions({ ...options, ...(await variant()) });
if (values.variant === 'listener') b.on('response', () => undefined);

/**
 * Under an SDK, both clients' batches run inside an active context, as calls inside a traced
 * service do: the context manager's async hooks are then on for A too, a cost of the service's
 * tracing and not of the client's.
 * @type {(<T>(run: () => Promise<T>) => Promise<T>) | undefined}
 */
let inContext;
if (values.variant.startsWith('otel-sdk')) {
  const { context, ROOT_CONTEXT, createContextKey } = await import('@opentelemetry/api');
  const active = ROOT_CONTEXT.setValue(createContextKey('bench'), true);
  inContext = (run) => context.with(active, run);
}

/** @param {any} client */
async function batch(client) {
  const run = async () => {
    const start = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await client.getSession(EXAMPLE_SESSION_ID);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / CALLS;
  };
  return inContext ? inContext(run) : run();
}

// Warm-up: JIT, sockets, the first-call loads of both.
for (let i = 0; i < 3; i++) {
  await batch(a);
  await batch(b);
}
/** @type {number[]} */
const usA = [];
/** @type {number[]} */
const usB = [];
/** @type {number[]} */
const ratios = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which goes first, so that neither always follows the other.
  const [first, second] = round % 2 ? [b, a] : [a, b];
  const x = await batch(first);
  const y = await batch(second);
  const [ua, ub] = round % 2 ? [y, x] : [x, y];
  usA.push(ua);
  usB.push(ub);
  ratios.push(ub / ua);
}
await server.close();
/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  const at = (/** @type {number} */ i) => s[i] ?? NaN;
  return s.length % 2 ? at((s.length - 1) / 2) : (at(s.length / 2 - 1) + at(s.length / 2)) / 2;
};
const q = (/** @type {number[]} */ xs, /** @type {number} */ p) =>
  [...xs].sort((m, n) => m - n)[Math.floor(p * (xs.length - 1))];
console.log(
  JSON.stringify({
    variant: values.variant,
    rounds: ROUNDS,
    callsPerBatch: CALLS,
    pinnedCore: core,
    cpuUsPerCallA: Number(median(usA)?.toFixed(1)),
    cpuUsPerCallB: Number(median(usB)?.toFixed(1)),
    ratioBtoA: Number(median(ratios)?.toFixed(3)),
    ratioP25: Number(q(ratios, 0.25)?.toFixed(3)),
    ratioP75: Number(q(ratios, 0.75)?.toFixed(3)),
  }),
);
