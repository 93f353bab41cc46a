// The /me operations in real headless Chromium, as an app on its own origin uses them: the page
// (http://127.0.0.1:A) signs in through the emulator's /api/v1/authn and
// /login/sessionCookieRedirect (http://127.0.0.1:E, A in corsOrigins), so the browser itself
// holds Okta's HttpOnly sid cookie; then the package's browser build, with a client built from
// orgUrl alone, reads, refreshes and closes that session with the browser's own fetch, timers
// and AbortController. A recording proxy in front of the emulator shows what the server saw.
// Without Chromium the suite is skipped locally and fails under CI=true.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import {
  appPages,
  bundlePage,
  CHROMIUM_PATH,
  forwardTo,
  launchChromium,
  type Exchange,
} from './helpers/chromium.js';
import { startRecordingServer, type RecordingServer } from './helpers/recording-server.js';
import type { CallSpec, Outcome, SpanSeen } from './browser/page.js';

const USER = { login: 'dana.lee@example.com', password: 'correct-horse-battery-staple' };
const SCREENSHOT = join(__dirname, '..', 'test-results', 'browser', 'session.png');
const available = existsSync(CHROMIUM_PATH);
const inCi = process.env['CI'] === 'true';

/** Why the suite is skipped on this machine, as it is printed. */
const SKIP_REASON = `Chromium suite skipped: no browser at ${CHROMIUM_PATH} (apt-get install chromium, or set OKTA_SESSIONS_CHROMIUM; under CI=true this fails)`;

if (!available && !inCi) {
  // Jest prints nothing of a file whose every test is skipped, console output included, once
  // it runs more than one file: straight to stderr, the reason shows in any run.
  process.stderr.write(`test/browser-chromium.test.ts: ${SKIP_REASON}\n`);
  test.skip(SKIP_REASON, () => undefined);
} else {
  describe('the /me operations in headless Chromium', chromiumSuite);
  test('without Chromium, a jest run says why the suite was skipped', () => {
    const root = join(__dirname, '..');
    const { CI: _ci, ...env } = process.env;
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--selectProjects',
        'system',
        '--verbose=false',
        '--',
        'test/browser-chromium.test.ts',
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...env, OKTA_SESSIONS_CHROMIUM: '/nonexistent/chromium' },
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toContain(
      'Chromium suite skipped: no browser at /nonexistent/chromium (apt-get install chromium',
    );
  }, 60_000);
}

function chromiumSuite(): void {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let app: RecordingServer; // the app's origin, listed in the emulators' corsOrigins
  let foreign: RecordingServer; // another origin, not listed
  let emulator: Emulator;
  let org: RecordingServer; // the recording proxy in front of `emulator`: the page's orgUrl
  let limited: Emulator; // rate limit 1 request per 2 s per bucket
  let silent: RecordingServer; // accepts requests and never answers
  const seen: Exchange[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true and no Chromium at ${CHROMIUM_PATH}`);
    const bundle = await bundlePage();
    [app, foreign, org, silent] = await Promise.all([
      startRecordingServer(),
      startRecordingServer(),
      startRecordingServer(),
      startRecordingServer(),
    ]);
    app.reply(appPages(bundle));
    foreign.reply(appPages(bundle));
    silent.reply(() => undefined);
    emulator = await startEmulator({ users: [USER], corsOrigins: [app.url] });
    org.reply(forwardTo(emulator.url, seen));
    limited = await startEmulator({
      corsOrigins: [app.url],
      rateLimit: { limit: 1, windowSeconds: 2 },
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app, foreign, org, silent].map((s) => s?.close()));
    await Promise.all([emulator, limited].map((e) => e?.close()));
  });

  /** Runs one client call in the page. */
  const call = (spec: CallSpec): Promise<Outcome> =>
    page.evaluate((s) => (globalThis as any).oktaPage.call(s) as Promise<Outcome>, spec);
  const meRequests = (method: string) =>
    seen.filter((x) => x.method === method && x.url.startsWith('/api/v1/sessions/me'));

  let sid: string;
  let first: Extract<Outcome, { ok: true }>['session'];

  test('the page signs in through /api/v1/authn and /login/sessionCookieRedirect; the browser holds the HttpOnly sid', async () => {
    await page.goto(`${app.url}/`);
    await Promise.all([
      page.waitForURL(`${app.url}/signed-in`),
      page
        .evaluate(
          ([orgUrl, login, password]) =>
            (globalThis as any).oktaPage.signIn(orgUrl, login, password),
          [org.url, USER.login, USER.password],
        )
        // The page navigates away as it signs in; its result may not make it back.
        .catch((error: unknown) => {
          if (!/context was destroyed/.test(String(error))) throw error;
        }),
    ]);
    const cookie = (await browser.context.cookies(org.url)).find((c) => c.name === 'sid');
    expect(cookie).toMatchObject({ httpOnly: true, domain: '127.0.0.1' });
    sid = cookie!.value;
    // HttpOnly: the page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain(sid);
    const redirect = seen.find((x) => x.url.startsWith('/login/sessionCookieRedirect'))!;
    expect(redirect.status).toBe(302);
    expect(redirect.responseHeaders.location).toBe(`${app.url}/signed-in`);
  });

  test('getCurrentSession() from orgUrl alone: the browser sends the cookie, no Authorization, its own User-Agent; the page gets a Session with Dates', async () => {
    seen.length = 0;
    const outcome = await call({ orgUrl: org.url, op: 'getCurrentSession' });
    expect(outcome).toMatchObject({
      ok: true,
      session: { id: sid, login: USER.login, status: 'ACTIVE', datesAreDates: true },
    });
    first = (outcome as Extract<Outcome, { ok: true }>).session;

    const [get] = meRequests('GET');
    expect(get).toBeDefined();
    expect(get!.headers.cookie).toBe(`sid=${sid}`);
    expect(get!.headers.authorization).toBeUndefined();
    expect(get!.headers.origin).toBe(app.url);
    expect(get!.headers['user-agent']).toMatch(/Chrome\//);
    expect(get!.headers['user-agent']).not.toMatch(/okta-sessions/);
    expect(get!.status).toBe(200);
    expect(get!.responseHeaders['access-control-allow-origin']).toBe(app.url);
    expect(get!.responseHeaders['access-control-allow-credentials']).toBe('true');

    // What a person sees: the session the page rendered.
    await expect(page.textContent('#session')).resolves.toContain(USER.login);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  test('refreshCurrentSession() sends the cookie and returns the session, not expiring earlier', async () => {
    seen.length = 0;
    const outcome = await call({ orgUrl: org.url, op: 'refreshCurrentSession' });
    expect(outcome).toMatchObject({ ok: true, session: { id: sid, datesAreDates: true } });
    const refreshed = (outcome as Extract<Outcome, { ok: true }>).session!;
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThanOrEqual(Date.parse(first!.expiresAt));
    const [post] = meRequests('POST');
    expect(post).toMatchObject({ url: '/api/v1/sessions/me/lifecycle/refresh', status: 200 });
    expect(post!.headers.cookie).toBe(`sid=${sid}`);
    expect(post!.headers.authorization).toBeUndefined();
  });

  test('okta-sessions/current-session: the client-less getCurrentSession() reads the same session', async () => {
    seen.length = 0;
    const outcome = await call({ orgUrl: org.url, op: 'getCurrentSession', standalone: true });
    expect(outcome).toMatchObject({
      ok: true,
      session: { id: sid, login: USER.login, datesAreDates: true },
    });
    const [get] = meRequests('GET');
    expect(get!.headers.cookie).toBe(`sid=${sid}`);
    expect(get!.headers.authorization).toBeUndefined();
    expect(get!.headers['user-agent']).not.toMatch(/okta-sessions/);
  });

  test('OpenTelemetry in the page: with its own @opentelemetry/api passed in, a call and its attempt are spans', async () => {
    const spans = await page.evaluate(
      (orgUrl) => (globalThis as any).oktaPage.traced(orgUrl) as Promise<SpanSeen[]>,
      org.url,
    );
    const calls = spans.filter((s) => s.name === 'okta.getCurrentSession');
    const attempts = spans.filter((s) => s.name === 'GET /api/v1/sessions/me');
    expect(calls).toHaveLength(2);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toMatchObject({
      kind: 2,
      attributes: {
        'http.request.method': 'GET',
        'url.full': `${org.url}/api/v1/sessions/me`,
        'http.response.status_code': 200,
        'okta.operation_id': 'getCurrentSession',
      },
    });
    // The web SDK's context manager keeps a context only within synchronous code: the second
    // call, its tracing code already loaded, starts its attempt inside its call's span.
    expect(attempts[1]!.parentSpanId).toBe(calls[1]!.spanId);
    // The cookie never shows in a span.
    expect(JSON.stringify(spans)).not.toContain(sid);
  });

  test('closeCurrentSession() passes the preflight a credentialed DELETE needs; afterwards getCurrentSession() rejects with OktaNotFoundError', async () => {
    seen.length = 0;
    await expect(call({ orgUrl: org.url, op: 'closeCurrentSession' })).resolves.toMatchObject({
      ok: true,
    });
    // The browser asked first, and the emulator's answer is what a credentialed request needs.
    const preflight = seen.find((x) => x.method === 'OPTIONS')!;
    expect(preflight.headers['access-control-request-method']).toBe('DELETE');
    expect(preflight.headers.cookie).toBeUndefined();
    expect(preflight.responseHeaders).toMatchObject({
      'access-control-allow-origin': app.url,
      'access-control-allow-credentials': 'true',
    });
    expect(preflight.responseHeaders['access-control-allow-methods']).toContain('DELETE');
    const [del] = meRequests('DELETE');
    expect(del).toMatchObject({ status: 204 });
    expect(del!.headers.cookie).toBe(`sid=${sid}`);
    expect(del!.headers.authorization).toBeUndefined();

    const after = await call({ orgUrl: org.url, op: 'getCurrentSession' });
    expect(after).toMatchObject({
      ok: false,
      error: { name: 'OktaNotFoundError', status: 404, isNotFound: true, isOktaError: true },
    });
  });

  test('from an origin not in corsOrigins the browser refuses the answer: OktaNetworkError naming CORS', async () => {
    const other = await browser.context.newPage();
    try {
      await other.goto(`${foreign.url}/`);
      seen.length = 0;
      const outcome = await other.evaluate(
        (s) => (globalThis as any).oktaPage.call(s) as Promise<Outcome>,
        { orgUrl: org.url, op: 'getCurrentSession', options: { retry: { maxRetries: 0 } } },
      );
      expect(outcome).toMatchObject({
        ok: false,
        error: { name: 'OktaNetworkError', isNetwork: true },
      });
      const { message } = (outcome as Extract<Outcome, { ok: false }>).error;
      expect(message).toMatch(/CORS/);
      expect(message).toContain(foreign.url);
      // The request did reach the server, which answered without CORS headers for that origin.
      const [get] = meRequests('GET');
      expect(get!.headers.origin).toBe(foreign.url);
      expect(get!.responseHeaders['access-control-allow-origin']).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  test('a spent rate limit is OktaRateLimitError; with retries on, the client waits for the reset on the browser timers and succeeds', async () => {
    await page.goto(`${app.url}/`);
    const noRetry = { retry: { maxRetries: 0 } };
    // The limited emulator has no session for the browser's sid: 404 is its answer within the limit.
    const within = await call({ orgUrl: limited.url, op: 'getCurrentSession', options: noRetry });
    expect(within).toMatchObject({ ok: false, error: { isNotFound: true } });
    const over = await call({ orgUrl: limited.url, op: 'getCurrentSession', options: noRetry });
    expect(over).toMatchObject({
      ok: false,
      error: { name: 'OktaRateLimitError', status: 429, isRateLimit: true },
    });
    const waited = await call({
      orgUrl: limited.url,
      op: 'getCurrentSession',
      options: { retry: { maxRetries: 2, maxDelayMs: 5_000 } },
    });
    expect(waited).toMatchObject({ ok: false, error: { isNotFound: true } });
    expect(waited.retries).toContain('rate-limit');
  });

  test('AbortSignal.timeout ends a call the server never answers with the signal reason; timeoutMs with OktaTimeoutError', async () => {
    await page.goto(`${app.url}/`);
    const aborted = await call({ orgUrl: silent.url, op: 'getCurrentSession', abortAfterMs: 300 });
    expect(aborted).toMatchObject({
      ok: false,
      error: { name: 'TimeoutError', isOktaError: false },
    });
    expect(aborted.ms).toBeLessThan(10_000);

    const timedOut = await call({
      orgUrl: silent.url,
      op: 'getCurrentSession',
      options: { timeoutMs: 300, retry: { maxRetries: 0 } },
    });
    expect(timedOut).toMatchObject({
      ok: false,
      error: { name: 'OktaTimeoutError', isTimeout: true },
    });
    expect(silent.requests.length).toBeGreaterThanOrEqual(2);
  });
}
