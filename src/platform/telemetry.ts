// OpenTelemetry, after the HTTP client semantic conventions: an INTERNAL span per call
// (`okta.<operationId>`), a CLIENT span per attempt and per token request
// (`{method} {url.template}`), the `http.client.request.duration` histogram and the rate-limit
// gauges. Server platforms only (server-side.ts): browser bundles carry none of it, and the API
// is never imported by name a bundler can see (`@opentelemetry/api` is loaded when installed).
// Everything recorded is scrubbed: path templates, ids replaced by REDACTED. The pipeline's
// types are restated structurally here, as the platform sits below the pipeline (call/).
import type { OktaTelemetryOptions } from '../config/options.js';
import type { Transport } from '../transport/transport.js';
import type {
  OtelApi,
  OtelMeter,
  OtelMeterProvider,
  OtelSpan,
  OtelTracer,
  OtelTracerProvider,
} from './otel-api.js';

/** What a span needs of a call (call/attempt.ts Call). */
export interface TracedCall {
  id: string;
  method: string;
  template?: string | undefined;
  path: string;
}

/** The last rate-limit state of each bucket (call/rate-limits.ts RateLimitBoard). */
export interface RateLimitStates {
  states(
    now: number,
  ): Iterable<[string, { limit: number | undefined; remaining: number | undefined }]>;
}

// SpanKind and SpanStatusCode of the API, by value (stable since 1.0).
const INTERNAL = 0;
const CLIENT = 2;
const ERROR = 2;
const NAME = 'okta-sessions';
// @opentelemetry/core's key for "trace nothing in this context" (suppressTracing()), which
// instrumentations honour. Context keys are global symbols (the API's createContextKey).
const SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
// The HTTP client conventions' advised buckets for http.client.request.duration, in seconds.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The parts of a pipeline (call/attempt.ts Wire) that telemetry wraps. */
export interface Instrumented {
  transport: Transport;
  throttle?:
    | {
        wait(...args: never[]): Promise<unknown>;
        noteResponse(...args: never[]): unknown;
      }
    | undefined;
}

/** One attempt's CLIENT span and its duration measure, from the moment its request leaves. */
export interface AttemptTrace {
  /**
   * The request leaves now with these headers: its CLIENT span starts, linked to the token
   * request of another call when `joined` (this attempt waited for a token that call fetched).
   * Returns the headers to send: `traceparent` added when `propagate` is on.
   */
  headers(headers: Record<string, string>, joined: boolean): Record<string, string>;
  ended(status: number | undefined, requestId: string | undefined, error: unknown): void;
}

/** The tracing and metrics of one client. */
export interface Telemetry {
  /** Runs a call under its INTERNAL span, the caller's active span its parent. */
  around<T>(call: TracedCall, run: () => Promise<T>): Promise<T>;
  /** The trace of an attempt about to start, under the active context (the call's span). */
  attempt(call: TracedCall, attempt: number): AttemptTrace | undefined;
  /**
   * Traces the pipeline's transport and throttle: a request runs with other HTTP
   * instrumentation (undici's, fetch's) suppressed, since our CLIENT span is its span and
   * theirs would double it; a wait for a slot of a millisecond or more is an
   * `okta.throttle.wait` span under the call's (a slot at once is no event worth a span).
   */
  instrument(pipeline: Instrumented): void;
}

/**
 * The kind of an error, as events.ts names it; repeated here so that this lazily loaded module
 * shares no code with the page's entry (a shared chunk costs the browser bundle bytes).
 */
const errorTypeOf = (error: unknown): string =>
  error instanceof Error && error.name ? error.name : '_OTHER';

/** `url.full`: the org, the path template with every id REDACTED, the query as sent. */
function fullUrlOf(orgUrl: string, call: TracedCall): string {
  const template = (call.template ?? call.path).replace(/\{[^}]*\}/g, 'REDACTED');
  const query = call.path.indexOf('?');
  return orgUrl + template + (query === -1 ? '' : call.path.slice(query));
}

/**
 * The telemetry of a client on `orgUrl`, or undefined when turned off. `api` arrives when the
 * platform has loaded it; until then calls wait for it (once).
 */
export function telemetry(
  orgUrl: string,
  options: OktaTelemetryOptions,
  loading: Promise<OtelApi | undefined>,
  rateLimits: RateLimitStates,
): Telemetry {
  const url = new URL(orgUrl);
  const address = url.hostname;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const server = { 'server.address': address, 'server.port': port };
  // `url.full` of each route without a query, made once.
  const fullUrls = new Map<string, string>();
  const urlFull = (call: TracedCall): string => {
    if (call.path.includes('?')) return fullUrlOf(orgUrl, call);
    const template = call.template ?? call.path;
    let full = fullUrls.get(template);
    if (full === undefined) fullUrls.set(template, (full = fullUrlOf(orgUrl, call)));
    return full;
  };
  let api: OtelApi | undefined;
  let tracer: OtelTracer | undefined;
  // The API's global provider is a proxy: it has a tracer only once an SDK registers.
  let proxy: OtelTracerProvider | undefined;
  let duration: ReturnType<OtelMeter['createHistogram']> | undefined;
  let loaded = false;
  const ready = loading.then(
    (found) => {
      loaded = true;
      // A provider that throws here leaves the client untraced, never failing.
      if (found) safely(() => setUp(found));
    },
    () => {
      loaded = true;
    },
  );

  function setUp(found: OtelApi): void {
    api = found;
    // Explicit providers win; otherwise the global ones (a no-op until an SDK registers).
    const tracers =
      (options.tracerProvider as OtelTracerProvider | undefined) ?? api.trace.getTracerProvider();
    if (!options.tracerProvider && tracers.getDelegateTracer) proxy = tracers;
    else tracer = tracers.getTracer(NAME);
    const meters =
      (options.meterProvider as OtelMeterProvider | undefined) ?? api.metrics.getMeterProvider();
    // The global provider stays the API's no-op one until an SDK registers: then nothing is
    // measured, and attempts pay nothing for it.
    if (!options.meterProvider && meters.constructor?.name === 'NoopMeterProvider') return;
    const meter = meters.getMeter(NAME);
    duration = meter.createHistogram('http.client.request.duration', {
      unit: 's',
      description: 'Duration of HTTP client requests.',
      advice: { explicitBucketBoundaries: BUCKETS },
    });
    // Gauges (observable: the last value each bucket's responses said), one series per bucket.
    for (const [name, field] of [
      ['okta.rate_limit.remaining', 'remaining'],
      ['okta.rate_limit.limit', 'limit'],
    ] as const) {
      meter
        .createObservableGauge(name, {
          unit: '{request}',
          description: `X-Rate-Limit-${field === 'limit' ? 'Limit' : 'Remaining'} of the bucket's last response.`,
        })
        .addCallback((result) => {
          for (const [bucket, state] of rateLimits.states(Date.now())) {
            const value = state[field];
            if (value !== undefined)
              result.observe(value, { ...server, 'okta.rate_limit.bucket': bucket });
          }
        });
    }
  }

  /**
   * The tracer, or undefined while the global provider has no SDK behind it: then a call pays
   * for no span at all, not even a no-op one (an SDK registered later is found at the next call).
   */
  const currentTracer = () => (tracer ??= proxy?.getDelegateTracer!(NAME));

  const self: Telemetry = {
    around(call, run) {
      if (!loaded) return ready.then(() => self.around(call, run));
      const tracing = currentTracer();
      if (!api || !tracing) return run();
      let span: OtelSpan;
      let context: unknown;
      try {
        const parent = api.context.active();
        span = tracing.startSpan(
          `okta.${call.id}`,
          { kind: INTERNAL, attributes: { 'okta.operation_id': call.id } },
          parent,
        );
        // No SDK registered: a non-recording span, and nothing else is paid.
        if (!span.isRecording()) return run();
        context = api.trace.setSpan(parent, span);
      } catch {
        // A provider that throws must not fail the call it would trace.
        return run();
      }
      const ended = (error?: unknown) =>
        safely(() => {
          if (error !== undefined) {
            span.setAttribute('error.type', errorTypeOf(error));
            span.setStatus({ code: ERROR });
          }
          span.end();
        });
      return api.context.with(context, run).then(
        (value) => {
          ended();
          return value;
        },
        (error: unknown) => {
          ended(error ?? 'undefined');
          throw error;
        },
      );
    },
    attempt: (call, attempt) => safely(() => attemptTrace(call, attempt)),
    instrument(pipeline) {
      const { transport, throttle } = pipeline;
      pipeline.transport = {
        request(request) {
          const otel = api;
          const quiet =
            otel && safely(() => otel.context.active().setValue(SUPPRESS_TRACING, true));
          return quiet
            ? otel.context.with(quiet, () => transport.request(request))
            : transport.request(request);
        },
      };
      if (!throttle) return;
      pipeline.throttle = {
        wait(...args) {
          const startedAt = performance.now();
          return throttle.wait(...args).finally(() => {
            const tracing = currentTracer();
            const endedAt = performance.now();
            if (!api || !tracing || endedAt - startedAt < 1) return;
            const otel = api;
            safely(() =>
              tracing
                .startSpan(
                  'okta.throttle.wait',
                  { kind: INTERNAL, attributes: {}, startTime: startedAt },
                  otel.context.active(),
                )
                .end(endedAt),
            );
          });
        },
        noteResponse: (...args) => throttle.noteResponse(...args),
      };
    },
  };

  /** The last token request that succeeded, and the call it was made under. */
  let lastToken: { span: OtelSpan; call: OtelSpan | undefined } | undefined;

  function attemptTrace(call: TracedCall, attempt: number): AttemptTrace | undefined {
    const tracing = currentTracer();
    if (!api || (!tracing && !duration)) return undefined;
    const otel = api;
    const template = call.template ?? call.path;
    const active = otel.context.active();
    // The call this attempt belongs to (its INTERNAL span), to tell our own token requests from
    // another call's.
    const owner = otel.trace.getSpan(active);
    const token = call.id === 'getAccessToken';
    let startedAt: number | undefined;
    let recording: OtelSpan | undefined;
    return {
      headers(headers, joined) {
        startedAt = performance.now();
        const from = joined && lastToken?.call !== owner ? lastToken?.span : undefined;
        const span = safely(() => {
          if (!tracing) return undefined;
          const attributes: Record<string, string | number> = {
            'http.request.method': call.method,
            'server.address': address,
            'server.port': port,
            'url.template': template,
            'url.full': urlFull(call),
            'okta.operation_id': call.id,
          };
          if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1;
          const links = from ? [{ context: from.spanContext() }] : undefined;
          return tracing.startSpan(
            `${call.method} ${template}`,
            { kind: CLIENT, attributes, links },
            active,
          );
        });
        if (span?.isRecording()) recording = span;
        else span?.end();
        if (!options.propagate || !recording) return headers;
        const carrier = { ...headers };
        const sending = recording;
        safely(() => otel.propagation.inject(otel.trace.setSpan(active, sending), carrier));
        return carrier;
      },
      ended: (status, requestId, error) =>
        safely(() => {
          // Nothing was sent (no credential, a deadline spent first): no request to trace.
          if (startedAt === undefined) return;
          // The conventions: an error status is its own error type; else the error's kind.
          const errorType =
            error === undefined ? undefined : status! >= 400 ? String(status) : errorTypeOf(error);
          if (duration) {
            const attributes: Record<string, string | number> = {
              'http.request.method': call.method,
              'server.address': address,
              'server.port': port,
              'url.template': template,
            };
            if (status !== undefined) attributes['http.response.status_code'] = status;
            if (errorType !== undefined) attributes['error.type'] = errorType;
            duration.record((performance.now() - startedAt) / 1000, attributes);
          }
          if (!recording) return;
          if (status !== undefined) recording.setAttribute('http.response.status_code', status);
          if (requestId !== undefined) recording.setAttribute('okta.request_id', requestId);
          if (errorType !== undefined) {
            recording.setAttribute('error.type', errorType);
            recording.setStatus({ code: ERROR });
          } else if (token) {
            lastToken = { span: recording, call: owner };
          }
          recording.end();
        }),
    };
  }
  return self;
}

/** Runs `fn`, ignoring what it throws: telemetry never changes the outcome of a call. */
function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
