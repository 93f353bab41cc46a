// The real OpenTelemetry SDK for tests: a tracer provider exporting to memory, a meter provider
// read on demand, and the async-hooks context manager (parent and child spans across awaits).
import { context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

export interface Otel {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  spans(): ReadableSpan[];
  /** Every data point of the metric `name`, after a collection. */
  points(name: string): Promise<Array<{ attributes: Record<string, unknown>; value: unknown }>>;
  /** Runs `fn` under a span of the test (the caller's span). */
  inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

let contextManager: AsyncLocalStorageContextManager | undefined;

/** Installs the async-hooks context manager once (what a Node app's SDK setup does). */
export function useAsyncContext(): void {
  if (contextManager) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
}

export function otelSdk(): Otel {
  useAsyncContext();
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    async points(name) {
      metricExporter.reset();
      await reader.forceFlush();
      return metricExporter
        .getMetrics()
        .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
        .filter((m) => m.descriptor.name === name)
        .flatMap((m) =>
          m.dataPoints.map((p) => ({ attributes: { ...p.attributes }, value: p.value })),
        );
    },
    inSpan: (name, fn) =>
      tracerProvider.getTracer('test').startActiveSpan(name, async (span) => {
        try {
          return await fn(span);
        } finally {
          span.end();
        }
      }),
    async close() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export { trace };
