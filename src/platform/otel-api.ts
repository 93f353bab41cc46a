// The parts of `@opentelemetry/api` 1.x the client uses (call/telemetry.ts), described
// structurally: the API is an optional peer, loaded by the server platforms when installed.
/** The parts of `@opentelemetry/api` 1.x used here, structurally (it is an optional peer). */
export interface OtelApi {
  trace: {
    getTracerProvider(): OtelTracerProvider;
    setSpan(context: unknown, span: OtelSpan): unknown;
    getSpan(context: unknown): OtelSpan | undefined;
  };
  context: { active(): OtelContext; with<T>(context: unknown, run: () => T): T };
  metrics: { getMeterProvider(): OtelMeterProvider };
  propagation: { inject(context: unknown, carrier: Record<string, string>): void };
}

/** A Context (immutable: setValue returns a new one). */
export interface OtelContext {
  setValue(key: symbol, value: unknown): OtelContext;
}

/** A TracerProvider, structurally. */
export interface OtelTracerProvider {
  getTracer(name: string, version?: string): OtelTracer;
  /** The API's global proxy only: the registered SDK's tracer, undefined while there is none. */
  getDelegateTracer?(name: string, version?: string): OtelTracer | undefined;
}

export interface OtelTracer {
  startSpan(
    name: string,
    options: {
      kind: number;
      attributes: Record<string, string | number>;
      links?: Array<{ context: unknown }> | undefined;
      startTime?: number;
    },
    context: unknown,
  ): OtelSpan;
}

export interface OtelSpan {
  isRecording(): boolean;
  setAttribute(name: string, value: string | number): unknown;
  setStatus(status: { code: number }): unknown;
  spanContext(): unknown;
  /** `endTime` as `performance.now()` gives it, as the SDK's own clock reads. */
  end(endTime?: number): void;
}

/** A MeterProvider, structurally. */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}

export interface OtelMeter {
  createHistogram(
    name: string,
    options: { unit: string; description: string; advice?: { explicitBucketBoundaries: number[] } },
  ): { record(value: number, attributes: Record<string, string | number>): void };
  createObservableGauge(
    name: string,
    options: { unit: string; description: string },
  ): {
    addCallback(
      callback: (result: {
        observe(value: number, attributes: Record<string, string | number>): void;
      }) => void,
    ): void;
  };
}
