// okta-sessions/current-session: the client-less /me functions, against a real HTTP server on
// 127.0.0.1. What they send (method, path, headers), what they answer, and the retry policy
// they share with the client, including its defaults.
import {
  closeCurrentSession,
  getCurrentSession,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaApiError,
  refreshCurrentSession,
  type RetryInfo,
} from '../src/current-session.js';
import {
  closeAllScriptedServers,
  empty,
  json,
  nowSeconds,
  oktaError,
  rateLimited,
  sessionBody,
  sessionOk,
  startScriptedServer,
} from './helpers/scripted-server.js';

afterEach(closeAllScriptedServers);

const ME = '/api/v1/sessions/me';

test.each([
  { fn: getCurrentSession, method: 'GET', path: ME },
  { fn: refreshCurrentSession, method: 'POST', path: `${ME}/lifecycle/refresh` },
])(
  '$fn.name sends $method $path and reads the session, with Dates',
  async ({ fn, method, path }) => {
    const server = await startScriptedServer([sessionOk('s1')]);
    const session = await fn({ orgUrl: server.url });
    expect(session.id).toBe('s1');
    expect(session.createdAt).toEqual(new Date(String(sessionBody('s1')['createdAt'])));
    expect(server.requests.map((r) => [r.method, r.url, r.headers['accept'], r.body])).toEqual([
      [method, path, 'application/json', ''],
    ]);
  },
);

test('closeCurrentSession sends DELETE /api/v1/sessions/me and resolves to nothing', async () => {
  const server = await startScriptedServer([empty(204)]);
  await expect(closeCurrentSession({ orgUrl: server.url })).resolves.toBeUndefined();
  expect(server.requests.map((r) => [r.method, r.url, r.headers['accept']])).toEqual([
    ['DELETE', ME, 'application/json'],
  ]);
});

test("an error answer is the client's typed error, with Okta's summary", async () => {
  const server = await startScriptedServer([
    json(404, oktaError('E0000007', 'Not found: Resource not found: me (Session)')),
  ]);
  const err = await getCurrentSession({ orgUrl: server.url }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OktaNotFoundError);
  expect(err).toBeInstanceOf(OktaApiError);
  expect((err as Error).message).toContain('Not found: Resource not found: me (Session)');
  expect((err as OktaNotFoundError).status).toBe(404);
});

test.each([
  { name: 'getCurrentSession', fn: getCurrentSession },
  { name: 'refreshCurrentSession', fn: refreshCurrentSession },
  { name: 'closeCurrentSession', fn: closeCurrentSession },
])('$name retries a 503 twice by default, naming itself to onRetry', async ({ name, fn }) => {
  const server = await startScriptedServer([empty(503), empty(503), empty(503)]);
  const retries: RetryInfo[] = [];
  const err = await fn({
    orgUrl: server.url,
    retry: { maxDelayMs: 0 },
    onRetry: (info) => retries.push(info),
  }).catch((e: unknown) => e);
  expect((err as OktaApiError).status).toBe(503);
  expect(server.attempts).toBe(3);
  expect(retries.map((r) => [r.operationId, r.attempt, r.reason, r.delayMs])).toEqual([
    [name, 1, 'server-error', 0],
    [name, 2, 'server-error', 0],
  ]);
});

test('retry.maxRetries 0 sends once', async () => {
  const server = await startScriptedServer([empty(503), sessionOk()]);
  const err = await getCurrentSession({ orgUrl: server.url, retry: { maxRetries: 0 } }).catch(
    (e: unknown) => e,
  );
  expect((err as OktaApiError).status).toBe(503);
  expect(server.attempts).toBe(1);
});

test('a rate-limit wait is capped at 60 s by default, at retry.maxDelayMs when given', async () => {
  const delays: number[] = [];
  for (const extra of [{}, { retry: { maxDelayMs: 5_000 } }]) {
    const server = await startScriptedServer([rateLimited({ reset: nowSeconds() + 600 })]);
    const controller = new AbortController();
    const err = await getCurrentSession({
      orgUrl: server.url,
      ...extra,
      signal: controller.signal,
      // The wait is what is checked, not waited for: the call ends as soon as it is known.
      onRetry: (info) => {
        delays.push(info.delayMs);
        controller.abort(new Error('enough'));
      },
    }).catch((e: unknown) => e);
    expect(err).toEqual(new Error('enough'));
    expect(server.attempts).toBe(1);
  }
  expect(delays).toEqual([60_000, 5_000]);
});

test('a 429 past the retries is OktaRateLimitError', async () => {
  const server = await startScriptedServer([rateLimited({ reset: nowSeconds() })]);
  const err = await getCurrentSession({ orgUrl: server.url, retry: { maxRetries: 0 } }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OktaRateLimitError);
});

test("an aborted signal ends the call with the signal's reason, before any request", async () => {
  const server = await startScriptedServer([sessionOk()]);
  const reason = new Error('left the page');
  const err = await getCurrentSession({
    orgUrl: server.url,
    signal: AbortSignal.abort(reason),
  }).catch((e: unknown) => e);
  expect(err).toBe(reason);
  expect(server.attempts).toBe(0);
});
