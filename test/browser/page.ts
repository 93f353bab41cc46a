// The test page's script, bundled by esbuild with the package's browser build (the modules the
// `browser` condition selects) and run in Chromium by test/browser-chromium.test.ts. It signs
// in as an app would, then calls the /me operations and reports plain data back to the test.
import {
  OktaNetworkError,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaSessions,
  OktaTimeoutError,
  isOktaError,
  type OktaSessionsOptions,
  type RetryInfo,
  type Session,
} from '../../src/index.js';
import * as light from '../../src/current-session.js';
import * as otelApi from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  StackContextManager,
  WebTracerProvider,
} from '@opentelemetry/sdk-trace-web';

/** What a call gave the page, as data the test can read. */
export type Outcome =
  | { ok: true; session?: SessionSeen; retries: RetryInfo['reason'][]; ms: number }
  | { ok: false; error: ErrorSeen; retries: RetryInfo['reason'][]; ms: number };

export interface SessionSeen {
  id: string;
  login: string;
  status: string;
  datesAreDates: boolean;
  createdAt: string;
  expiresAt: string;
}

export interface ErrorSeen {
  name: string;
  message: string;
  status?: number;
  isOktaError: boolean;
  isNotFound: boolean;
  isNetwork: boolean;
  isRateLimit: boolean;
  isTimeout: boolean;
}

export interface CallSpec {
  orgUrl: string;
  op: 'getCurrentSession' | 'refreshCurrentSession' | 'closeCurrentSession';
  /** Client options besides orgUrl (the main scenario passes none). */
  options?: Omit<OktaSessionsOptions, 'orgUrl' | 'onRetry'>;
  /** Abort the call with AbortSignal.timeout(ms). */
  abortAfterMs?: number;
  /** Use the client-less function of `okta-sessions/current-session` instead of the client. */
  standalone?: boolean;
}

function seen(session: Session): SessionSeen {
  return {
    id: session.id,
    login: session.login,
    status: session.status,
    datesAreDates: session.createdAt instanceof Date && session.expiresAt instanceof Date,
    createdAt: session.createdAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
  };
}

function errorSeen(error: unknown): ErrorSeen {
  const e = error as { name?: unknown; message?: unknown; status?: unknown };
  return {
    name: String(e?.name),
    message: String(e?.message),
    ...(typeof e?.status === 'number' && { status: e.status }),
    isOktaError: isOktaError(error),
    isNotFound: error instanceof OktaNotFoundError,
    isNetwork: error instanceof OktaNetworkError,
    isRateLimit: error instanceof OktaRateLimitError,
    isTimeout: error instanceof OktaTimeoutError,
  };
}

/** Shows the session on the page, as an app's header would. */
function render(session: Session): void {
  const out = document.getElementById('session')!;
  out.replaceChildren();
  const rows: [string, string][] = [
    ['Session id', session.id],
    ['Signed in as', session.login],
    ['Status', session.status],
    ['Expires', session.expiresAt.toISOString()],
  ];
  for (const [label, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    out.append(dt, dd);
  }
}

async function call(spec: CallSpec): Promise<Outcome> {
  const retries: RetryInfo['reason'][] = [];
  const okta = new OktaSessions({
    orgUrl: spec.orgUrl,
    ...spec.options,
    ...(spec.options?.retry && { onRetry: (info: RetryInfo) => retries.push(info.reason) }),
  });
  const callOptions =
    spec.abortAfterMs === undefined
      ? undefined
      : { signal: AbortSignal.timeout(spec.abortAfterMs) };
  const started = performance.now();
  try {
    if (spec.standalone) {
      const session = await light.getCurrentSession({
        orgUrl: spec.orgUrl,
        ...(callOptions && { signal: callOptions.signal }),
      });
      render(session);
      return { ok: true, session: seen(session), retries, ms: performance.now() - started };
    }
    if (spec.op === 'closeCurrentSession') {
      await okta.closeCurrentSession({}, callOptions);
      return { ok: true, retries, ms: performance.now() - started };
    }
    const session = await okta[spec.op]({}, callOptions);
    render(session);
    return { ok: true, session: seen(session), retries, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, error: errorSeen(error), retries, ms: performance.now() - started };
  }
}

/** Signs in with a password as an Okta-hosted or custom login page does, then comes back here. */
async function signIn(orgUrl: string, username: string, password: string): Promise<void> {
  const res = await fetch(`${orgUrl}/api/v1/authn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { sessionToken?: string };
  if (!res.ok || !body.sessionToken) throw new Error(`authn answered ${res.status}`);
  const back = new URL('/signed-in', location.href).href;
  const query = new URLSearchParams({ token: body.sessionToken, redirectUrl: back });
  location.assign(`${orgUrl}/login/sessionCookieRedirect?${query}`);
}

/** A span as the test reads it. */
export interface SpanSeen {
  name: string;
  kind: number;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
}

/**
 * OpenTelemetry in the page: the web SDK's provider and context manager, the page's own
 * `@opentelemetry/api` passed to the client. Two getCurrentSession calls (the first loads the
 * tracing code); the spans of both.
 */
async function traced(orgUrl: string): Promise<SpanSeen[]> {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new WebTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  otelApi.context.setGlobalContextManager(new StackContextManager().enable());
  const okta = new OktaSessions({ orgUrl, telemetry: { api: otelApi, tracerProvider } });
  await okta.getCurrentSession();
  await okta.getCurrentSession();
  return exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    kind: s.kind,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    attributes: { ...s.attributes },
  }));
}

Object.assign(globalThis, { oktaPage: { call, signIn, traced } });
