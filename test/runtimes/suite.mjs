// The runtime conformance suite: one set of cases, run unchanged by Node, Deno, Bun and workerd
// against the emulator (running in Node on 127.0.0.1). It imports the built package by name, as
// users do. `config` comes from the driver (scripts/runtimes.mjs): the emulator's URL and
// tokens, a recorder's URL (it answers anything and tells what it received), the demo user and
// a service app's key. Times are measured only across I/O (workerd's clock stands still during
// synchronous work) and only as generous upper bounds.
import {
  OktaSessions,
  OktaApiError,
  OktaConfigError,
  OktaError,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaTimeoutError,
  OktaValidationError,
  VERSION,
  isOktaApiError,
  isOktaError,
} from 'okta-sessions';
import * as current from 'okta-sessions/current-session';
import { assert, createRunner, equal, rejection, thrown } from './runner.mjs';

/** What each runtime can do beyond the common core; the rest of the suite is the same for all. */
const CAN = {
  node: { agent: /^node\//, proxyOption: true, configFiles: true },
  deno: { agent: /^deno\/2\./, proxyOption: false, configFiles: true },
  bun: { agent: /^bun\/1\./, proxyOption: false, configFiles: true },
  workerd: { agent: /^workerd$/, proxyOption: false, configFiles: false },
  // A Worker without the nodejs_compat flag: no node:crypto, so no private-key auth.
  'workerd-nocompat': {
    agent: /^workerd$/,
    proxyOption: false,
    configFiles: false,
    serviceApps: false,
  },
};
const NAMES = {
  deno: 'Deno',
  bun: 'Bun',
  workerd: 'Cloudflare Workers \\(workerd\\)',
  'workerd-nocompat': 'Cloudflare Workers \\(workerd\\)',
};

/**
 * The suite's cases for `config.runtime` ('node', 'deno', 'bun' or 'workerd'); resolves to
 * `{ passed, failed, lines }`.
 */
export async function runSuite(config, only = '') {
  const can = CAN[config.runtime];
  if (!can) throw new Error(`unknown runtime ${config.runtime}`);
  const { url, recorderUrl } = config;
  const secrets = [config.apiToken, config.password, config.privateJwk.d];
  const { test, run } = createRunner();

  const admin = async (method, path, body) => {
    const response = await fetch(`${url}/__emulator/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${config.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const fault = (f) => admin('POST', 'faults', f);
  const journal = async () => (await admin('GET', 'requests')).requests;
  /** What the recorder received last. */
  const recorded = async () => (await fetch(`${recorderUrl}/__last`)).json();
  const sessionToken = async () => {
    const response = await fetch(`${url}/api/v1/authn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: config.login, password: config.password }),
    });
    const body = await response.json();
    if (!body.sessionToken) throw new Error(`authn answered ${response.status}`);
    return body.sessionToken;
  };
  const client = (extra = {}) =>
    new OktaSessions({
      orgUrl: url,
      apiToken: config.apiToken,
      timeoutMs: 5_000,
      retry: { maxDelayMs: 3_000 },
      ...extra,
    });
  const newSession = async (okta = client()) =>
    okta.createSession({ sessionToken: await sessionToken() });
  /** No secret in the error's message, string, JSON, stack, cause chain or util.inspect. */
  const noSecrets = (error) => {
    const inspect = globalThis.process?.getBuiltinModule?.('node:util')?.inspect;
    const texts = [];
    for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
      texts.push(String(e), String(e.message), String(e.stack), JSON.stringify(e) ?? '');
    }
    if (inspect) texts.push(inspect(error, { depth: 5 }));
    for (const secret of secrets) {
      assert(!texts.some((t) => t.includes(secret)), `a secret in ${error?.name}'s text`);
    }
  };
  const timed = async (fn) => {
    const start = Date.now();
    const outcome = await fn().then(
      (value) => ({ ok: true, value }),
      (error) => ({ ok: false, error }),
    );
    return { ...outcome, ms: Date.now() - start };
  };
  const reset = () => admin('POST', 'reset');
  /** How long the delay faults hold an answer back. */
  const HELD_MS = 1_500;
  /**
   * Once the held answers are due: none of them went out, because the client closed the
   * connection when it gave up (a rejected promise alone would leave the request running).
   */
  const expectHungUp = async () => {
    await fetch(`${recorderUrl}/__pause?ms=${HELD_MS}`);
    const held = (await journal()).filter((r) => r.fault === 'delay');
    equal(held.length, 2, 'held requests');
    equal(
      held.map((r) => r.status),
      [null, null],
      'the status of the held answers (null: the client hung up first)',
    );
  };

  // --- the platform ----------------------------------------------------------------------------

  test('platform: not a browser; the User-Agent names the runtime; a cookie may be set', async () => {
    const okta = new OktaSessions({ orgUrl: recorderUrl, apiToken: config.apiToken });
    await okta.revokeSession('s1');
    const seen = await recorded();
    equal(seen.path, '/api/v1/sessions/s1', 'path');
    const agent = seen.headers['user-agent'] ?? '';
    assert(agent.startsWith(`okta-sessions/${VERSION} `), `User-Agent ${agent}`);
    assert(can.agent.test(agent.slice(`okta-sessions/${VERSION} `.length)), `runtime in ${agent}`);
    await rejection(okta.getCurrentSession({ cookie: 'sid=abc' }));
    equal((await recorded()).headers.cookie, 'sid=abc', 'the Cookie header sent');
  });

  // --- the operations --------------------------------------------------------------------------

  test('createSession, getSession, refreshSession, revokeSession: Dates, ids, 404 after revoke', async () => {
    await reset();
    const okta = client();
    const session = await newSession(okta);
    assert(session.expiresAt instanceof Date, 'expiresAt is a Date');
    assert(session.createdAt instanceof Date && !Number.isNaN(+session.createdAt), 'createdAt');
    assert(session.lastPasswordVerification instanceof Date, 'lastPasswordVerification');
    const got = await okta.getSession(session.id);
    equal(got.id, session.id, 'id');
    equal(got.userId, session.userId, 'userId');
    const refreshed = await okta.refreshSession(session.id);
    assert(refreshed.expiresAt instanceof Date, 'refreshed expiresAt');
    assert(+refreshed.expiresAt >= +session.expiresAt, 'refresh does not shorten the session');
    await okta.revokeSession(session.id);
    const error = await rejection(okta.getSession(session.id));
    assert(error instanceof OktaNotFoundError, `OktaNotFoundError, got ${error?.name}`);
    equal(error.status, 404, 'status');
    noSecrets(error);
  });

  test('getCurrentSession, refreshCurrentSession, closeCurrentSession with the sid cookie', async () => {
    const okta = client();
    const session = await newSession(okta);
    const cookie = `sid=${session.id}`;
    equal((await okta.getCurrentSession({ cookie })).id, session.id, 'current id');
    assert((await okta.refreshCurrentSession({ cookie })).expiresAt instanceof Date, 'refresh');
    await okta.closeCurrentSession({ cookie });
    const error = await rejection(okta.getCurrentSession({ cookie }));
    assert(error instanceof OktaNotFoundError, `closed: OktaNotFoundError, got ${error?.name}`);
    noSecrets(error);
  });

  test('revokeUserSessions ends every session of the user', async () => {
    const okta = client();
    const a = await newSession(okta);
    const b = await newSession(okta);
    await okta.revokeUserSessions(a.userId, { oauthTokens: true });
    for (const s of [a, b]) {
      assert((await rejection(okta.getSession(s.id))) instanceof OktaNotFoundError, 'revoked');
    }
  });

  test('okta.raw: the typed fetch client reaches the same API', async () => {
    const okta = client();
    const session = await newSession(okta);
    const { data, response } = await okta.raw.GET('/api/v1/sessions/{sessionId}', {
      params: { path: { sessionId: session.id } },
    });
    equal(response.status, 200, 'status');
    equal(data.id, session.id, 'id');
    const missing = await rejection(
      okta.raw.GET('/api/v1/sessions/{sessionId}', {
        params: { path: { sessionId: 'no-such-session' } },
      }),
    );
    assert(
      missing instanceof OktaNotFoundError,
      `raw 404: OktaNotFoundError, got ${missing?.name}`,
    );
    noSecrets(missing);
  });

  test('events and okta.rateLimit(): each attempt seen, its URL template, no secret or session id', async () => {
    const okta = client();
    const session = await newSession(okta);
    const seen = [];
    okta.on('request', (e) => seen.push(['request', e]));
    okta.on('response', (e) => seen.push(['response', e]));
    okta.on('error', (e) => seen.push(['error', e]));
    await okta.getSession(session.id);
    await rejection(okta.getSession('no-such-session'));
    equal(
      JSON.stringify(
        seen.map(([name, e]) => [name, e.operationId, e.urlTemplate, e.status ?? null]),
      ),
      JSON.stringify([
        ['request', 'getSession', '/api/v1/sessions/{sessionId}', null],
        ['response', 'getSession', '/api/v1/sessions/{sessionId}', 200],
        ['request', 'getSession', '/api/v1/sessions/{sessionId}', null],
        ['response', 'getSession', '/api/v1/sessions/{sessionId}', 404],
        ['error', 'getSession', '/api/v1/sessions/{sessionId}', 404],
      ]),
      'events',
    );
    const text = JSON.stringify(seen);
    for (const secret of [...secrets, session.id])
      assert(!text.includes(secret), 'a secret in an event');
    const state = okta.rateLimit('getSession');
    assert(
      state && typeof state.limit === 'number' && state.resetAt instanceof Date,
      'rateLimit()',
    );
  });

  test('okta-sessions/current-session: the /me functions answer (no cookie on a server: 404)', async () => {
    for (const call of [current.getCurrentSession, current.refreshCurrentSession]) {
      const error = await rejection(call({ orgUrl: url, timeoutMs: 5_000 }));
      assert(error instanceof current.OktaNotFoundError, `OktaNotFoundError, got ${error?.name}`);
      assert(current.isOktaError(error), 'isOktaError');
    }
    await rejection(current.closeCurrentSession({ orgUrl: url })).then((error) =>
      assert(error instanceof current.OktaNotFoundError, `close: ${error?.name}`),
    );
    const bad = await rejection(current.getCurrentSession({ orgUrl: 'http://acme.okta.com' }));
    assert(bad instanceof current.OktaConfigError, 'a bad orgUrl is an OktaConfigError');
  });

  // --- typed errors ----------------------------------------------------------------------------

  test('typed errors: instanceof, the guards, status, errorCode; none carries a secret', async () => {
    const okta = client();
    const spent = await sessionToken();
    await okta.createSession({ sessionToken: spent });
    const error = await rejection(okta.createSession({ sessionToken: spent }));
    assert(error instanceof OktaApiError && error instanceof OktaError, 'OktaApiError');
    assert(isOktaError(error) && isOktaApiError(error), 'guards');
    assert(!isOktaError(new Error('x')) && !isOktaApiError({}), 'guards refuse others');
    equal(typeof error.errorCode, 'string', 'errorCode');
    noSecrets(error);
    const unauthorized = await rejection(
      new OktaSessions({ orgUrl: url, apiToken: 'wrong-token-value' }).getSession('abc'),
    );
    equal(unauthorized.status, 401, 'a wrong token: 401');
    const invalid = thrown(() => new OktaSessions({ orgUrl: 'ftp://x', apiToken: 't' }));
    assert(invalid instanceof OktaConfigError, 'bad orgUrl: OktaConfigError');
    const badId = await rejection(okta.getSession('..'));
    assert(badId instanceof OktaValidationError, `'..' as id: OktaValidationError`);
  });

  // --- cancellation and timeouts ---------------------------------------------------------------

  test('abort: before sending (no request), while waiting for headers, while reading the body', async () => {
    await reset();
    const okta = client({ retry: { maxRetries: 0 } });
    const session = await newSession(okta);
    const before = new AbortController();
    before.abort(new Error('stopped before'));
    const early = await rejection(okta.getSession(session.id, { signal: before.signal }));
    equal(early.message, 'stopped before', 'the signal reason');
    for (const phase of ['headers', 'body']) {
      await fault({ operationId: 'getSession', action: { kind: 'delay', ms: HELD_MS, phase } });
      const controller = new AbortController();
      const call = okta.getSession(session.id, { signal: controller.signal });
      // Aborted once the emulator holds the request (its journal lists a request on arrival),
      // and, for 'body', a moment later, when its headers and half its body are back.
      for (let i = 0; i < 100; i++) {
        const held = (await journal()).filter((r) => r.fault === 'delay');
        if (held.length === (phase === 'headers' ? 1 : 2)) break;
        await fetch(`${recorderUrl}/__pause?ms=20`);
      }
      await fetch(`${recorderUrl}/__pause?ms=${phase === 'body' ? 200 : 0}`);
      controller.abort(new Error(`stopped in ${phase}`));
      const outcome = await timed(() => call);
      assert(!outcome.ok, `${phase}: rejected`);
      equal(outcome.error.message, `stopped in ${phase}`, `${phase}: the signal reason`);
      assert(outcome.ms < 3_000, `${phase}: ended at once (${outcome.ms} ms)`);
      await admin('DELETE', 'faults');
    }
    await expectHungUp();
  });

  test('timeoutMs: a silent server in each phase (headers, body) gives OktaTimeoutError', async () => {
    await reset();
    const okta = client({ retry: { maxRetries: 0 }, timeoutMs: 300 });
    const session = await newSession(client());
    for (const phase of ['headers', 'body']) {
      await fault({ operationId: 'getSession', action: { kind: 'delay', ms: HELD_MS, phase } });
      const outcome = await timed(() => okta.getSession(session.id));
      assert(!outcome.ok, `${phase}: rejected`);
      assert(outcome.error instanceof OktaTimeoutError, `${phase}: ${outcome.error?.name}`);
      assert(isOktaError(outcome.error), `${phase}: isOktaError`);
      assert(outcome.ms < 3_000, `${phase}: within a generous bound (${outcome.ms} ms)`);
      noSecrets(outcome.error);
      await admin('DELETE', 'faults');
    }
    await expectHungUp();
  });

  // --- rate limits -----------------------------------------------------------------------------

  test('429: retried after the reset wait the headers give; OktaRateLimitError when retries run out', async () => {
    await reset();
    const retries = [];
    const okta = client({ onRetry: (info) => retries.push(info) });
    const session = await newSession(okta);
    await fault({
      operationId: 'getSession',
      times: 2,
      action: { kind: 'status', status: 429, resetSeconds: 1 },
    });
    equal((await okta.getSession(session.id)).id, session.id, 'succeeds after two 429s');
    equal(
      retries.map((r) => [r.reason, r.status]),
      [
        ['rate-limit', 429],
        ['rate-limit', 429],
      ],
      'retries',
    );
    assert(
      retries.every((r) => r.delayMs > 0 && r.delayMs <= 3_000),
      `reset waits ${retries.map((r) => r.delayMs)}`,
    );
    await fault({
      operationId: 'getSession',
      times: 'always',
      action: { kind: 'status', status: 429, resetSeconds: 0 },
    });
    const error = await rejection(client({ retry: { maxRetries: 1 } }).getSession(session.id));
    await admin('DELETE', 'faults');
    assert(error instanceof OktaRateLimitError, `OktaRateLimitError, got ${error?.name}`);
    assert(error.resetAt instanceof Date, 'resetAt is a Date');
    equal(error.remaining, 0, 'remaining');
    noSecrets(error);
  });

  test('throttle: after Remaining 0 the next call waits for the reset instead of sending', async () => {
    await reset();
    const okta = client({ throttle: true, retry: { maxRetries: 0, maxDelayMs: 10_000 } });
    const session = await newSession(client());
    await fault({
      operationId: 'getSession',
      action: { kind: 'status', status: 429, resetSeconds: 5 },
    });
    assert((await rejection(okta.getSession(session.id))) instanceof OktaRateLimitError, '429');
    const sentBefore = (await journal()).filter((r) => r.operationId === 'getSession').length;
    const held = await rejection(okta.getSession(session.id, { signal: AbortSignal.timeout(300) }));
    equal(held.name, 'TimeoutError', 'the signal ended the wait');
    const sentAfter = (await journal()).filter((r) => r.operationId === 'getSession').length;
    equal(sentAfter, sentBefore, 'no request sent while throttled');
    // Another bucket is not held back.
    await okta.revokeUserSessions(session.userId);
  });

  // --- what servers have, runtime by runtime ---------------------------------------------------

  test('an explicit proxy option: applied on Node, refused before I/O elsewhere (naming the runtime)', async () => {
    const make = () => client({ proxy: 'http://127.0.0.1:9' });
    if (can.proxyOption) {
      equal(make().toJSON().auth, 'apiToken', 'accepted');
      return;
    }
    const error = thrown(make);
    assert(error instanceof OktaConfigError, `OktaConfigError, got ${error?.name}`);
    assert(new RegExp(NAMES[config.runtime]).test(error.message), error.message);
    const fromEnv = OktaSessions.fromEnv({
      OKTA_CLIENT_ORGURL: url,
      OKTA_CLIENT_TOKEN: config.apiToken,
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1',
    });
    const session = await newSession(fromEnv);
    equal(session.status, 'ACTIVE', 'the proxy variables are left to the runtime');
  });

  test('fromConfig: okta.yaml where node:fs exists; refused before I/O on workerd', async () => {
    const env = { OKTA_CLIENT_ORGURL: url, OKTA_CLIENT_TOKEN: config.apiToken };
    const sources = { env, homeDir: '/nonexistent-okta-home', cwd: '/nonexistent-okta-project' };
    if (can.configFiles) {
      const okta = await OktaSessions.fromConfig({}, sources);
      equal(okta.toJSON(), { orgUrl: url, auth: 'apiToken' }, 'toJSON');
      await newSession(okta);
      return;
    }
    const error = await rejection(OktaSessions.fromConfig({}, sources));
    assert(error instanceof OktaConfigError, `OktaConfigError, got ${error?.name}`);
    assert(/node:fs, which Cloudflare Workers \(workerd\)/.test(error.message), error.message);
  });

  test('service app: private JWK, client assertion and DPoP-bound token, then a call', async () => {
    if (can.serviceApps === false) {
      const refused = thrown(
        () =>
          new OktaSessions({
            orgUrl: url,
            clientId: config.clientId,
            privateKey: config.privateJwk,
          }),
      );
      assert(refused instanceof OktaConfigError, `OktaConfigError, got ${refused?.name}`);
      assert(/needs node:crypto.*nodejs_compat/.test(refused.message), refused.message);
      noSecrets(refused);
      return;
    }
    await reset();
    const okta = new OktaSessions({
      orgUrl: url,
      clientId: config.clientId,
      privateKey: config.privateJwk,
      scopes: ['okta.sessions.read', 'okta.sessions.manage'],
      timeoutMs: 5_000,
    });
    const session = await newSession();
    equal((await okta.getSession(session.id)).id, session.id, 'a call with the token');
    // The journal takes an answer's status when the server has finished sending it, which under
    // Deno's node:http can be a moment after the client has read it: read again briefly.
    let calls = [];
    for (let i = 0; i < 20 && !calls.includes('getSession dpop 200'); i++) {
      if (i > 0) await fetch(`${recorderUrl}/__pause?ms=50`);
      calls = (await journal()).map((r) => `${r.operationId} ${r.credential} ${r.status}`);
    }
    assert(calls.includes('getSession dpop 200'), `journal ${calls}`);
    const error = thrown(
      () => new OktaSessions({ orgUrl: url, clientId: 'x', privateKey: { kty: 'EC' } }),
    );
    assert(error instanceof OktaConfigError, `a broken key: OktaConfigError, got ${error?.name}`);
    noSecrets(error);
  });

  return run(only);
}
