// OpenTelemetry (src/call/telemetry.ts) with the real SDK: spans of calls, attempts and token
// requests after the HTTP client conventions, the duration histogram and the rate-limit gauges,
// against the emulator and scripted servers on 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryRateLimitStore, OktaNotFoundError, OktaSessions } from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { otelSdk, trace, type Otel } from './helpers/otel.js';
import { recordEvents, recordingLogger, secretsIn } from './helpers/observed.js';
import { rsaKey } from './helpers/oauth-jwt.js';
import {
  closeAllScriptedServers,
  json,
  oktaError,
  rateLimited,
  sessionOk,
  startScriptedServer,
} from './helpers/scripted-server.js';
import { API_TOKEN, COOKIE, SECRETS, SESSION_ID, SESSION_TOKEN } from './helpers/live-server.js';

const appKey = rsaKey('app-key');
let emu: Emulator;
let otel: Otel;
beforeAll(async () => {
  emu = await startEmulator({
    clients: {
      '0oaDpop': {
        jwks: [appKey.publicJwk],
        scopes: ['okta.sessions.read', 'okta.sessions.manage'],
        dpop: true,
      },
    },
  });
});
afterAll(() => emu.close());
beforeEach(() => {
  otel = otelSdk();
});
afterEach(async () => {
  await otel.close();
  await closeAllScriptedServers();
  trace.disable();
});

const newSession = async () =>
  (
    await new OktaSessions({
      orgUrl: emu.url,
      apiToken: emu.apiToken,
      telemetry: false,
    }).createSession({ sessionToken: emu.issueSessionToken() })
  ).id;

const INTERNAL = 0;
const CLIENT = 2;

test("a getSession: the call's INTERNAL span under the caller's, one CLIENT span per attempt", async () => {
  const server = await startScriptedServer([
    rateLimited({ requestId: 'rl-1', limit: 600, remaining: 0 }),
    sessionOk(SESSION_ID, { requestId: 'ok-1' }),
  ]);
  const { tracerProvider, meterProvider } = otel;
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    retry: { maxDelayMs: 10 },
    telemetry: { tracerProvider, meterProvider },
  });
  const callerId = await otel.inSpan('caller', async (span) => {
    await okta.getSession(SESSION_ID);
    return span.spanContext().spanId;
  });
  const spans = otel.spans();
  const call = spans.find((s) => s.name === 'okta.getSession')!;
  expect(call.kind).toBe(INTERNAL);
  expect(call.parentSpanContext?.spanId).toBe(callerId);
  expect(call.attributes).toMatchObject({ 'okta.operation_id': 'getSession' });
  const attempts = spans.filter((s) => s.name === 'GET /api/v1/sessions/{sessionId}');
  expect(attempts).toHaveLength(2);
  const port = Number(new URL(server.url).port);
  for (const a of attempts) {
    expect(a.kind).toBe(CLIENT);
    expect(a.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(a.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': port,
      'url.template': '/api/v1/sessions/{sessionId}',
      'url.full': `${server.url}/api/v1/sessions/REDACTED`,
      'okta.operation_id': 'getSession',
    });
  }
  expect(attempts[0]!.attributes).toMatchObject({
    'http.response.status_code': 429,
    'error.type': '429',
    'okta.request_id': 'rl-1',
  });
  expect(attempts[0]!.attributes['http.request.resend_count']).toBeUndefined();
  expect(attempts[0]!.status.code).toBe(2);
  expect(attempts[1]!.attributes).toMatchObject({
    'http.response.status_code': 200,
    'http.request.resend_count': 1,
    'okta.request_id': 'ok-1',
  });
  expect(attempts[1]!.attributes['error.type']).toBeUndefined();
  // No traceparent went to Okta.
  expect(server.requests.map((r) => r.headers['traceparent'])).toEqual([undefined, undefined]);
  expect(
    secretsIn(
      spans.map((s) => [s.name, s.attributes]),
      [...SECRETS, SESSION_ID],
    ),
  ).toEqual([]);
});

test('the duration histogram in seconds per attempt, and the rate-limit gauges per bucket', async () => {
  const server = await startScriptedServer([
    json(404, oktaError('E0000007', 'Not found')),
    sessionOk(SESSION_ID, { headers: { 'X-Rate-Limit-Remaining': '42' } }),
  ]);
  const { tracerProvider, meterProvider } = otel;
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    telemetry: { tracerProvider, meterProvider },
  });
  await expect(okta.getSession(SESSION_ID)).rejects.toBeInstanceOf(OktaNotFoundError);
  await okta.getSession(SESSION_ID);
  const durations = await otel.points('http.client.request.duration');
  expect(durations.map((p) => p.attributes['http.response.status_code']).sort()).toEqual([
    200, 404,
  ]);
  const notFound = durations.find((p) => p.attributes['http.response.status_code'] === 404)!;
  expect(notFound.attributes).toMatchObject({
    'http.request.method': 'GET',
    'url.template': '/api/v1/sessions/{sessionId}',
    'error.type': '404',
  });
  const histogram = notFound.value as {
    count: number;
    sum: number;
    buckets: { boundaries: number[] };
  };
  expect(histogram.count).toBe(1);
  // Seconds: a loopback request takes well under one.
  expect(histogram.sum).toBeLessThan(1);
  expect(histogram.buckets.boundaries).toEqual([
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
  ]);
  expect(await otel.points('okta.rate_limit.remaining')).toEqual([
    { attributes: expect.objectContaining({ 'okta.rate_limit.bucket': 'sessions' }), value: 42 },
  ]);
  expect(await otel.points('okta.rate_limit.limit')).toEqual([
    { attributes: expect.objectContaining({ 'okta.rate_limit.bucket': 'sessions' }), value: 600 },
  ]);
});

test("a service app's token requests are CLIENT spans under the call, the nonce repeat included", async () => {
  const id = await newSession();
  const { tracerProvider, meterProvider } = otel;
  const okta = new OktaSessions({
    orgUrl: emu.url,
    clientId: '0oaDpop',
    privateKey: appKey.privateKey,
    keyId: 'app-key',
    telemetry: { tracerProvider, meterProvider },
  });
  await okta.getSession(id);
  const spans = otel.spans();
  const call = spans.find((s) => s.name === 'okta.getSession')!;
  const tokens = spans.filter((s) => s.name === 'POST /oauth2/v1/token');
  expect(tokens.map((s) => s.attributes['http.response.status_code'])).toEqual([400, 200]);
  for (const t of tokens) {
    expect(t.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(t.attributes['okta.operation_id']).toBe('getAccessToken');
  }
  // No token, assertion, proof or session id in any attribute.
  const produced = spans.map((s) => [s.name, s.attributes]);
  expect(secretsIn(produced, [id])).toEqual([]);
  expect(JSON.stringify(produced)).not.toMatch(/eyJ/);
});

test('the global providers are found when none is passed; telemetry: false turns it off', async () => {
  const id = await newSession();
  trace.setGlobalTracerProvider(otel.tracerProvider);
  await new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken }).getSession(id);
  expect(otel.spans().map((s) => s.name)).toEqual([
    'GET /api/v1/sessions/{sessionId}',
    'okta.getSession',
  ]);
  await new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken, telemetry: false }).getSession(
    id,
  );
  expect(otel.spans()).toHaveLength(2);
});

test('traceparent goes to Okta only with propagate: true, naming the attempt span', async () => {
  const server = await startScriptedServer([sessionOk(SESSION_ID), sessionOk(SESSION_ID)]);
  const { tracerProvider } = otel;
  const { propagation } = await import('@opentelemetry/api');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  try {
    // A propagator is registered, as in most apps: still nothing goes out by default.
    await new OktaSessions({
      orgUrl: server.url,
      apiToken: API_TOKEN,
      telemetry: { tracerProvider },
    }).getSession(SESSION_ID);
    expect(server.requests[0]!.headers['traceparent']).toBeUndefined();
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: API_TOKEN,
      telemetry: { tracerProvider, propagate: true },
    });
    await okta.getSession(SESSION_ID);
    const attempt = otel.spans().filter((s) => s.name.startsWith('GET'))[1]!;
    expect(server.requests[1]!.headers['traceparent']).toBe(
      `00-${attempt.spanContext().traceId}-${attempt.spanContext().spanId}-01`,
    );
  } finally {
    propagation.disable();
  }
});

test('no secret or session id anywhere: events, log lines, span names and attributes, metrics', async () => {
  // Every answer echoes its request's credential, session token, cookie and session id in its
  // request id; the client has every watcher at once.
  const server = await startScriptedServer([
    rateLimited({ requestId: `${API_TOKEN} ${SESSION_TOKEN}`, remaining: 0 }),
    json(404, oktaError('E0000007', 'Not found'), { requestId: `${API_TOKEN} ${SESSION_ID}` }),
    json(500, oktaError('E0000009', 'Internal'), { requestId: COOKIE }),
    sessionOk(SESSION_ID, { requestId: `${SESSION_ID} ${API_TOKEN}` }),
  ]);
  const { logger, lines } = recordingLogger();
  const { tracerProvider, meterProvider } = otel;
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    retry: { maxRetries: 0 },
    logger,
    logLevel: 'debug',
    telemetry: { tracerProvider, meterProvider },
  });
  const events = recordEvents(okta);
  await okta.createSession({ sessionToken: SESSION_TOKEN }).catch(() => undefined);
  await okta.getSession(SESSION_ID).catch(() => undefined);
  await okta.getCurrentSession({ cookie: COOKIE }).catch(() => undefined);
  await okta.refreshSession(SESSION_ID);
  const produced = {
    events,
    lines,
    spans: otel.spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    metrics: [
      ...(await otel.points('http.client.request.duration')),
      ...(await otel.points('okta.rate_limit.remaining')),
      ...(await otel.points('okta.rate_limit.limit')),
    ],
  };
  expect(events.length).toBeGreaterThan(8);
  expect(produced.spans.length).toBe(8);
  expect(secretsIn(produced, [...SECRETS, SESSION_ID, encodeURIComponent(SESSION_ID)])).toEqual([]);
  // The request ids were there, scrubbed.
  expect(JSON.stringify(produced)).toContain('[REDACTED]');
});

test('a provider that throws changes no outcome: the calls succeed, untraced', async () => {
  const id = await newSession();
  const boom = () => {
    throw new Error('telemetry bug');
  };
  const tracing = {
    getTracer: () => ({ startSpan: boom }),
  };
  const okta = new OktaSessions({
    orgUrl: emu.url,
    apiToken: emu.apiToken,
    telemetry: { tracerProvider: tracing, meterProvider: { getMeter: boom } },
  });
  await expect(okta.getSession(id)).resolves.toMatchObject({ id });
  await expect(okta.getSession(id)).resolves.toMatchObject({ id });
  // And one whose spans throw when ended.
  const ending = {
    getTracer: () => ({
      startSpan: () => ({
        isRecording: () => true,
        setAttribute: boom,
        setStatus: boom,
        end: boom,
      }),
    }),
  };
  const other = new OktaSessions({
    orgUrl: emu.url,
    apiToken: emu.apiToken,
    telemetry: { tracerProvider: ending },
  });
  await expect(other.getSession(id)).resolves.toMatchObject({ id });
  await expect(other.getSession('nope')).rejects.toBeInstanceOf(OktaNotFoundError);
});

test("a service app's getSession that meets a 429: the trace under the caller's span", async () => {
  const id = await newSession();
  const { tracerProvider, meterProvider } = otel;
  // One store for two clients: the first, untraced, learns that the window is spent, so the
  // traced call waits for a slot before it sends.
  const store = memoryRateLimitStore();
  const app = {
    orgUrl: emu.url,
    clientId: '0oaDpop',
    privateKey: appKey.privateKey,
    keyId: 'app-key',
  };
  const spend = new OktaSessions({
    ...app,
    throttle: { store },
    retry: { maxRetries: 0 },
    telemetry: false,
  });
  const fault = { kind: 'status', status: 429, resetSeconds: 1 } as const;
  emu.faults.add({ operationId: 'getSession', times: 1, action: fault });
  await expect(spend.getSession(id)).rejects.toMatchObject({ status: 429 });
  emu.faults.add({ operationId: 'getSession', times: 1, action: fault });
  const okta = new OktaSessions({
    ...app,
    throttle: { store },
    telemetry: { tracerProvider, meterProvider },
  });
  const callerId = await otel.inSpan('caller', async (span) => {
    await okta.getSession(id);
    return span.spanContext().spanId;
  });
  const spans = otel
    .spans()
    .sort((a, b) => (a.startTime[0] - b.startTime[0]) * 1e9 + (a.startTime[1] - b.startTime[1]));
  const call = spans.find((s) => s.name === 'okta.getSession')!;
  expect(call.parentSpanContext?.spanId).toBe(callerId);
  const under = spans.filter((s) => s.parentSpanContext?.spanId === call.spanContext().spanId);
  expect(
    under.map((s) => [
      s.name,
      s.attributes['http.response.status_code'],
      s.attributes['http.request.resend_count'],
    ]),
  ).toEqual([
    ['okta.throttle.wait', undefined, undefined],
    ['POST /oauth2/v1/token', 400, undefined],
    // The nonce repeat is a new request (a new assertion and proof), not a resend.
    ['POST /oauth2/v1/token', 200, undefined],
    ['GET /api/v1/sessions/{sessionId}', 429, undefined],
    ['GET /api/v1/sessions/{sessionId}', 200, 1],
  ]);
  expect(under[0]!.kind).toBe(INTERNAL);
  expect(under.slice(1).every((s) => s.kind === CLIENT)).toBe(true);
  // The wait lasted until the spent window's reset, and ended before the token request began.
  const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
  expect(ms(under[0]!.endTime) - ms(under[0]!.startTime)).toBeGreaterThan(100);
  expect(ms(under[0]!.endTime)).toBeLessThanOrEqual(ms(under[1]!.startTime));
});

test('a call that waits for the token another call is fetching links to that token request', async () => {
  const id = await newSession();
  const { tracerProvider } = otel;
  const okta = new OktaSessions({
    orgUrl: emu.url,
    clientId: '0oaDpop',
    privateKey: appKey.privateKey,
    keyId: 'app-key',
    telemetry: { tracerProvider },
  });
  await Promise.all([
    otel.inSpan('first', () => okta.getSession(id)),
    otel.inSpan('second', () => okta.getSession(id)),
  ]);
  const spans = otel.spans();
  const tokens = spans.filter((s) => s.name === 'POST /oauth2/v1/token');
  // One token fetch for both calls (the nonce repeat included), under the first call.
  expect(tokens.map((s) => s.attributes['http.response.status_code'])).toEqual([400, 200]);
  const fetched = tokens[1]!;
  const calls = spans.filter((s) => s.name === 'okta.getSession');
  const owner = calls.find((c) => c.spanContext().spanId === fetched.parentSpanContext?.spanId)!;
  const other = calls.find((c) => c !== owner)!;
  const gets = spans.filter((s) => s.name === 'GET /api/v1/sessions/{sessionId}');
  const attemptOf = (call: typeof owner) =>
    gets.find((g) => g.parentSpanContext?.spanId === call.spanContext().spanId)!;
  expect(attemptOf(other).links.map((l) => l.context.spanId)).toEqual([
    fetched.spanContext().spanId,
  ]);
  // The call that fetched the token does not link to its own request.
  expect(attemptOf(owner).links).toEqual([]);
  // A later call, with the token cached, waited for no fetch: no link.
  await okta.getSession(id);
  expect(otel.spans().at(-2)!.links).toEqual([]);
});

test("other HTTP instrumentation (undici's) makes no span of our requests; outside them it still does", async () => {
  const { UndiciInstrumentation } = await import('@opentelemetry/instrumentation-undici');
  const { tracerProvider } = otel;
  const id = await newSession();
  const instrumentation = new UndiciInstrumentation();
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.enable();
  try {
    const okta = new OktaSessions({
      orgUrl: emu.url,
      apiToken: emu.apiToken,
      telemetry: { tracerProvider },
    });
    await okta.getSession(id);
    expect(otel.spans().map((s) => s.name)).toEqual([
      'GET /api/v1/sessions/{sessionId}',
      'okta.getSession',
    ]);
    // The instrumentation is live: a request of the test's own is traced by it.
    await (await fetch(`${emu.url}/api/v1/sessions/${id}`)).arrayBuffer();
    expect(otel.spans()).toHaveLength(3);
    expect(otel.spans()[2]!.instrumentationScope.name).toMatch(/undici/);
  } finally {
    instrumentation.disable();
  }
});

test('spans exported over OTLP/HTTP reach a collector as the trace of the call', async () => {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const received: unknown[] = [];
  const collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url,
        type: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` })),
    ],
  });
  try {
    const id = await newSession();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      apiToken: emu.apiToken,
      telemetry: { tracerProvider },
    });
    await expect(okta.getSession('missing-session-id')).rejects.toBeInstanceOf(OktaNotFoundError);
    await okta.getSession(id);
    await tracerProvider.forceFlush();
  } finally {
    await tracerProvider.shutdown();
    await new Promise((resolve) => collector.close(resolve));
  }
  // What a collector stores: OTLP's JSON, spans with their kind, parent and attributes.
  type Value = { stringValue?: string; intValue?: string | number };
  type OtlpSpan = {
    name: string;
    kind: number;
    spanId: string;
    parentSpanId?: string;
    attributes: Array<{ key: string; value: Value }>;
  };
  const spans = (received as Array<{ body: any }>).flatMap((r) =>
    r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)),
  ) as OtlpSpan[];
  expect(received.map((r) => (r as { path: string }).path)).toContain('/v1/traces');
  const attr = (s: OtlpSpan, key: string) => {
    const v = s.attributes.find((a) => a.key === key)?.value;
    return v?.stringValue ?? (v?.intValue === undefined ? undefined : Number(v.intValue));
  };
  const calls = spans.filter((s) => s.name === 'okta.getSession');
  const attempts = spans.filter((s) => s.name === 'GET /api/v1/sessions/{sessionId}');
  expect(calls).toHaveLength(2);
  expect(attempts).toHaveLength(2);
  // OTLP's SpanKind numbers INTERNAL 1 and CLIENT 3.
  expect(calls.map((s) => s.kind)).toEqual([1, 1]);
  expect(attempts.map((s) => s.kind)).toEqual([3, 3]);
  for (const a of attempts) {
    expect(calls.map((c) => c.spanId)).toContain(a.parentSpanId);
    expect(attr(a, 'url.full')).toBe(`${emu.url}/api/v1/sessions/REDACTED`);
  }
  expect(attempts.map((a) => attr(a, 'http.response.status_code')).sort()).toEqual([200, 404]);
  expect(JSON.stringify(received)).not.toContain('missing-session-id');
  expect(secretsIn(received, [emu.apiToken])).toEqual([]);
});
