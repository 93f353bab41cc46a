// Behaviour that a mutation run (issue 18) showed no test pinned down: each test is named after
// the behaviour it pins, goes through the public entry (src/index.ts) with an injected fetch,
// and asserts exact values (delays through onRetry's `delayMs`, never wall time; messages and
// their how-to-fix hints word for word, since they are part of the product).

import { generateKeyPairSync } from 'node:crypto';
import { getEventListeners } from 'node:events';
import {
  OktaApiError,
  OktaAuthenticationError,
  OktaBadRequestError,
  OktaConfigError,
  OktaForbiddenError,
  OktaInvalidResponseError,
  OktaNetworkError,
  OktaNotFoundError,
  OktaOAuthError,
  OktaRateLimitError,
  OktaServerError,
  OktaSessions,
  OktaValidationError,
  type OktaSessionsOptions,
  type RateLimitStore,
  type RetryInfo,
} from '../src/index.js';
import { REDACTED, scrub, secretsOfHeader } from '../src/text/redact.js';
import { sessionBody } from './helpers/scripted-server.js';

const ORG = 'https://acme.okta.com';
const API_TOKEN = 'SECRET-api-token-123';
const SESSION_ID = '102Ke2yJpW3Q0ClCnZ_ryqPVQ';
const SESSION_TOKEN = 'SECRET-session-token-abc';
const MAX_TIMER_MS = 2_147_483_647;
// A fixed server clock: delays computed from Date + reset headers do not depend on ours.
const T = 946_684_800; // 2000-01-01T00:00:00Z in seconds
const dateAt = (seconds: number): string => new Date(seconds * 1000).toUTCString();

type Reply = Response | Error;

interface Harness {
  okta: OktaSessions;
  requests: Request[];
  retries: RetryInfo[];
}

/** A client whose fetch plays `replies` in order and records every request. */
function harness(replies: Reply[], extra: Partial<OktaSessionsOptions> = {}): Harness {
  const requests: Request[] = [];
  const retries: RetryInfo[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    const next = replies.shift();
    if (next === undefined) throw new Error('test: unexpected extra request');
    if (next instanceof Error) throw next;
    return next;
  };
  const okta = new OktaSessions({
    orgUrl: ORG,
    apiToken: API_TOKEN,
    fetch: fetch as typeof globalThis.fetch,
    onRetry: (info) => retries.push(info),
    ...extra,
  });
  return { okta, requests, retries };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const ok = (): Response => json(200, sessionBody(SESSION_ID));

function rateLimited(headers: Record<string, string>): Response {
  return json(
    429,
    { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' },
    headers,
  );
}

function refused(code: string | undefined, depth = 1): TypeError {
  let cause: unknown =
    code === undefined ? new Error('boom') : Object.assign(new Error(code), { code });
  for (let i = 1; i < depth; i++) cause = new Error('wrapped', { cause });
  return new TypeError('fetch failed', { cause });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('test: expected a rejection');
}

/** The message of the OktaValidationError `call` gets, checking that nothing was sent. */
async function refusedBeforeIo(call: (okta: OktaSessions) => Promise<unknown>): Promise<string> {
  const h = harness([ok()]);
  const err = await rejection(call(h.okta));
  expect(err).toBeInstanceOf(OktaValidationError);
  expect(h.requests).toHaveLength(0);
  return (err as Error).message;
}

/** The one request `call` sent. */
async function sent(call: (okta: OktaSessions) => Promise<unknown>): Promise<Request> {
  const h = harness([ok()]);
  await call(h.okta);
  expect(h.requests).toHaveLength(1);
  return h.requests[0]!;
}

function configError(options: unknown): OktaConfigError {
  try {
    new OktaSessions(options as OktaSessionsOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(OktaConfigError);
    return error as OktaConfigError;
  }
  throw new Error('test: expected an OktaConfigError');
}

function expectInRange(value: number | undefined, low: number, high: number): void {
  expect(value).toBeGreaterThanOrEqual(low);
  expect(value).toBeLessThanOrEqual(high);
}

// ---------------------------------------------------------------------------------------------

describe('connect-phase failures: createSession is retried only when the request never left', () => {
  test.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])(
    'createSession after %s is retried once, reported as reason "network"',
    async (code) => {
      const h = harness([refused(code), ok()]);

      const session = await h.okta.createSession({ sessionToken: SESSION_TOKEN });

      expect(session.id).toBe(SESSION_ID);
      expect(h.requests).toHaveLength(2);
      expect(h.retries).toHaveLength(1);
      expect(h.retries[0]).toMatchObject({
        operationId: 'createSession',
        attempt: 1,
        reason: 'network',
      });
    },
  );

  test('the connect-phase code is found down the cause chain (a cause of a cause)', async () => {
    const h = harness([refused('ECONNREFUSED', 3), ok()]);

    await h.okta.createSession({ sessionToken: SESSION_TOKEN });

    expect(h.requests).toHaveLength(2);
    expect(h.retries.map((r) => r.reason)).toEqual(['network']);
  });

  test.each([['ECONNRESET'], ['UND_ERR_SOCKET'], [undefined]])(
    'createSession after a failure with code %s is not retried (the request may have been processed)',
    async (code) => {
      const h = harness([refused(code), ok()]);

      const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

      expect(err).toBeInstanceOf(OktaNetworkError);
      expect((err as Error).message).toBe(
        'Okta request failed: fetch failed (POST /api/v1/sessions)',
      );
      expect(h.requests).toHaveLength(1);
      expect(h.retries).toEqual([]);
    },
  );
});

describe('backoff size and jitter (realistic maxDelayMs)', () => {
  test('after 503s the first wait is 125–250 ms and the second 250–500 ms', async () => {
    const h = harness([json(503, {}), json(503, {}), ok()], { retry: { maxDelayMs: 60_000 } });

    await h.okta.getSession(SESSION_ID);

    expect(h.retries.map((r) => [r.attempt, r.reason, r.status])).toEqual([
      [1, 'server-error', 503],
      [2, 'server-error', 503],
    ]);
    expectInRange(h.retries[0]?.delayMs, 125, 250);
    expectInRange(h.retries[1]?.delayMs, 250, 500);
  });

  test('the first wait is jittered over the upper half of 250 ms, not fixed', async () => {
    const runs = Array.from({ length: 20 }, () => harness([json(502, {}), ok()]));

    await Promise.all(runs.map((h) => h.okta.getSession(SESSION_ID)));

    const delays = runs.map((h) => h.retries[0]?.delayMs ?? -1);
    for (const d of delays) expectInRange(d, 125, 250);
    // Uniform over 125–250: 20 draws all in one 35 ms edge is a 1-in-10^11 event.
    expect(Math.max(...delays)).toBeGreaterThan(160);
    expect(Math.min(...delays)).toBeLessThan(215);
  });
});

describe('X-Okta-Retry-Count and X-Okta-Retry-For', () => {
  test("X-Okta-Retry-For keeps the first 429's request id on every later retry", async () => {
    const h = harness([
      rateLimited({ 'retry-after': '0', 'x-okta-request-id': 'req-first' }),
      rateLimited({ 'retry-after': '0', 'x-okta-request-id': 'req-second' }),
      ok(),
    ]);

    await h.okta.getSession(SESSION_ID);

    const sent = h.requests.map((r) => [
      r.headers.get('x-okta-retry-count'),
      r.headers.get('x-okta-retry-for'),
    ]);
    expect(sent).toEqual([
      [null, null],
      ['1', 'req-first'],
      ['2', 'req-first'],
    ]);
    expect(h.retries.map((r) => r.requestId)).toEqual(['req-first', 'req-second']);
  });

  test('X-Okta-Retry-For is never set after a 5xx, only X-Okta-Retry-Count', async () => {
    const h = harness([
      json(503, {}, { 'x-okta-request-id': 'req-503' }),
      rateLimited({ 'retry-after': '0', 'x-okta-request-id': 'req-429' }),
      ok(),
    ]);

    await h.okta.getSession(SESSION_ID);

    const sent = h.requests.map((r) => [
      r.headers.get('x-okta-retry-count'),
      r.headers.get('x-okta-retry-for'),
    ]);
    expect(sent).toEqual([
      [null, null],
      ['1', null],
      ['2', 'req-429'],
    ]);
  });
});

describe('Retry-After', () => {
  test('Retry-After: 0 retries at once (delayMs 0, not a backoff)', async () => {
    const h = harness([rateLimited({ 'retry-after': '0' }), ok()]);

    await h.okta.getSession(SESSION_ID);

    expect(h.retries).toEqual([
      { operationId: 'getSession', attempt: 1, delayMs: 0, status: 429, reason: 'rate-limit' },
    ]);
  });

  test('Retry-After as a past HTTP-date falls back to the backoff (125–250 ms)', async () => {
    const h = harness([rateLimited({ date: dateAt(T), 'retry-after': dateAt(T - 30) }), ok()]);

    await h.okta.getSession(SESSION_ID);

    expectInRange(h.retries[0]?.delayMs, 125, 250);
  });

  test("Retry-After as a future HTTP-date waits until it, counted from the server's Date", async () => {
    const h = harness([rateLimited({ date: dateAt(T), 'retry-after': dateAt(T + 1) }), ok()]);

    await h.okta.getSession(SESSION_ID);

    expect(h.retries[0]?.delayMs).toBe(1_000);
  });
});

describe('rate-limit header numbers', () => {
  async function rateLimitError(headers: Record<string, string>): Promise<OktaRateLimitError> {
    const h = harness([rateLimited(headers)], { retry: { maxRetries: 0 } });
    const err = await rejection(h.okta.getSession(SESSION_ID));
    expect(err).toBeInstanceOf(OktaRateLimitError);
    return err as OktaRateLimitError;
  }

  test('"", "-5" and "1e3" are not numbers: limit, remaining and resetAt stay undefined', async () => {
    for (const bad of ['', '-5', '1e3', '0x10', '1.5']) {
      const err = await rateLimitError({
        'x-rate-limit-limit': bad,
        'x-rate-limit-remaining': bad,
        'x-rate-limit-reset': bad,
      });
      expect([bad, err.limit, err.remaining, err.resetAt]).toEqual([
        bad,
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  test('a trailing comma is not a value: "600," reads as 600', async () => {
    const err = await rateLimitError({
      'x-rate-limit-limit': '600,',
      'x-rate-limit-remaining': '0, ',
      'x-rate-limit-reset': `${T + 60},`,
    });
    expect([err.limit, err.remaining, err.resetAt?.getTime()]).toEqual([600, 0, (T + 60) * 1000]);
  });

  test('of repeated values the smallest wins wherever it stands (first, middle, last)', async () => {
    for (const value of ['100, 900, 600', '900, 100, 600', '900, 600, 100']) {
      const err = await rateLimitError({
        'x-rate-limit-limit': value,
        'x-rate-limit-remaining': value.replace(/00/g, ''),
        'x-rate-limit-reset': value
          .split(', ')
          .map((n) => T + Number(n))
          .join(', '),
      });
      expect([value, err.limit, err.remaining, err.resetAt?.getTime()]).toEqual([
        value,
        100,
        1,
        (T + 100) * 1000,
      ]);
    }
  });

  test('a value that is not a number is skipped, not read as 0: "x, 7" reads as 7', async () => {
    const err = await rateLimitError({
      'x-rate-limit-limit': 'x, 7',
      'x-rate-limit-remaining': ', 3',
    });
    expect([err.limit, err.remaining]).toEqual([7, 3]);
  });
});

describe('reset exactly at the boundary', () => {
  test('a reset equal to the Date second waits exactly one second', async () => {
    const h = harness([
      rateLimited({ date: dateAt(T), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': `${T}` }),
      ok(),
    ]);

    await h.okta.getSession(SESSION_ID);

    expect(h.retries[0]?.delayMs).toBe(1_000);
  });

  test('a reset one second before the Date is over: the backoff applies (125–250 ms)', async () => {
    const h = harness([
      rateLimited({
        date: dateAt(T),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': `${T - 1}`,
      }),
      ok(),
    ]);

    await h.okta.getSession(SESSION_ID);

    expectInRange(h.retries[0]?.delayMs, 125, 250);
  });
});

// ---------------------------------------------------------------------------------------------

describe('config ranges and their messages', () => {
  const BAD_NUMBERS = [-1, Number.NaN, Number.POSITIVE_INFINITY, MAX_TIMER_MS + 1, '5'];

  test.each(BAD_NUMBERS.concat([0]))('timeoutMs %p is refused with its range', (value) => {
    expect(configError({ orgUrl: ORG, apiToken: API_TOKEN, timeoutMs: value }).message).toBe(
      `timeoutMs must be a number from 1 to ${MAX_TIMER_MS}. Got ${String(value)}`,
    );
  });

  test.each(BAD_NUMBERS)('retry.maxRetries %p is refused with its range', (value) => {
    expect(
      configError({ orgUrl: ORG, apiToken: API_TOKEN, retry: { maxRetries: value } }).message,
    ).toBe(`retry.maxRetries must be a number from 0 to ${MAX_TIMER_MS}. Got ${String(value)}`);
  });

  test.each(BAD_NUMBERS)('retry.maxDelayMs %p is refused with its range', (value) => {
    expect(
      configError({ orgUrl: ORG, apiToken: API_TOKEN, retry: { maxDelayMs: value } }).message,
    ).toBe(`retry.maxDelayMs must be a number from 0 to ${MAX_TIMER_MS}. Got ${String(value)}`);
  });

  test('the limits themselves are accepted: timeoutMs 1 and the timer maximum, retries and delay 0', () => {
    for (const options of [
      { timeoutMs: 1 },
      { timeoutMs: MAX_TIMER_MS },
      { retry: { maxRetries: 0, maxDelayMs: 0 } },
      { retry: { maxRetries: MAX_TIMER_MS, maxDelayMs: MAX_TIMER_MS } },
    ]) {
      expect(
        () => new OktaSessions({ orgUrl: ORG, apiToken: API_TOKEN, ...options }),
      ).not.toThrow();
    }
  });

  test('maxRetries counts retries: 0 is one attempt, 1.9 rounds down to one retry', async () => {
    const none = harness([json(503, {}), ok()], { retry: { maxRetries: 0 } });
    expect(await rejection(none.okta.getSession(SESSION_ID))).toBeInstanceOf(OktaServerError);
    expect(none.requests).toHaveLength(1);

    const one = harness([json(503, {}), json(503, {}), ok()], { retry: { maxRetries: 1.9 } });
    expect(await rejection(one.okta.getSession(SESSION_ID))).toBeInstanceOf(OktaServerError);
    expect(one.requests).toHaveLength(2);
  });

  test('options null is refused with how to call it', () => {
    expect(configError(null).message).toBe(
      'options are required. Pass { orgUrl, apiToken } or { orgUrl, accessToken }',
    );
  });

  test('a non-string apiToken is refused', () => {
    expect(configError({ orgUrl: ORG, apiToken: 42 }).message).toBe(
      'apiToken must be a string. Pass the token text',
    );
  });

  test('an accessToken that is neither a string nor a function is refused', () => {
    expect(configError({ orgUrl: ORG, accessToken: { token: 'x' } }).message).toBe(
      'accessToken must be a string or a function. Pass the token or a function returning it',
    );
  });

  test('apiToken and accessToken together are refused', () => {
    expect(configError({ orgUrl: ORG, apiToken: API_TOKEN, accessToken: 'abc' }).message).toBe(
      'Both apiToken and accessToken were given. Pass exactly one credential',
    );
  });

  test('no credential is refused with the three ways to give one', () => {
    expect(configError({ orgUrl: ORG }).message).toBe(
      'No credential given. Pass an Okta API token as apiToken, an OAuth 2.0 access token as accessToken, or a service app\'s clientId + privateKey; a client that only uses the /me operations can pass credentials: "include" instead',
    );
    expect(() => new OktaSessions({ orgUrl: ORG, credentials: 'include' })).not.toThrow();
  });

  test('empty and whitespace-only tokens are refused with the stray-newline hint', () => {
    for (const [name, value] of [
      ['apiToken', ''],
      ['apiToken', '  \n'],
      ['accessToken', ' '],
    ] as const) {
      expect([name, configError({ orgUrl: ORG, [name]: value }).message]).toEqual([
        name,
        `${name} is empty. Pass the bare token as issued (no scheme; check for a stray newline if it was read from a file)`,
      ]);
    }
  });

  test('client-level headers { Authorization } are refused: credentials are configured', () => {
    expect(
      configError({ orgUrl: ORG, apiToken: API_TOKEN, headers: { Authorization: 'x' } }).message,
    ).toBe(
      'headers must not set Authorization. Configure apiToken/accessToken, or pass { cookie } to a /me operation',
    );
  });

  test('a fetch that is not a function is refused', () => {
    expect(configError({ orgUrl: ORG, apiToken: API_TOKEN, fetch: 'fetch' }).message).toBe(
      'fetch must be a function. Pass a WHATWG fetch implementation',
    );
  });

  test.each([
    'https://user:pass@acme.okta.com',
    'https://user@acme.okta.com',
    'https://:pass@acme.okta.com',
  ])('credentials in orgUrl (%s) are refused', (orgUrl) => {
    expect(configError({ orgUrl, apiToken: API_TOKEN }).message).toBe(
      'orgUrl must not contain credentials. Remove user:pass@',
    );
  });

  test('fromEnv without a credential names the variables', () => {
    for (const env of [
      { OKTA_CLIENT_ORGURL: ORG },
      { OKTA_CLIENT_ORGURL: ORG, OKTA_CLIENT_TOKEN: '', OKTA_CLIENT_ACCESS_TOKEN: '' },
    ]) {
      expect(() => OktaSessions.fromEnv(env)).toThrow(
        new OktaConfigError(
          'No credential given. Pass an Okta API token as apiToken (OKTA_CLIENT_TOKEN), an OAuth 2.0 access token as accessToken (OKTA_CLIENT_ACCESS_TOKEN), or a service app\'s clientId (OKTA_CLIENT_CLIENTID) + privateKey (OKTA_CLIENT_PRIVATEKEY); a client that only uses the /me operations can pass credentials: "include" instead',
        ),
      );
    }
    expect(() => OktaSessions.fromEnv({ OKTA_CLIENT_TOKEN: API_TOKEN })).toThrow(
      new OktaConfigError(
        'orgUrl (OKTA_CLIENT_ORGURL) is required. Set OKTA_CLIENT_ORGURL or okta.client.orgUrl in okta.yaml, or pass { orgUrl: "https://acme.okta.com" }',
      ),
    );
    expect(() =>
      OktaSessions.fromEnv({ OKTA_CLIENT_ORGURL: ORG, OKTA_CLIENT_ACCESS_TOKEN: 'abc' }),
    ).not.toThrow();
  });

  test.each([
    'http://127.0.0.2:8080',
    'http://[::1]:8080',
    'http://127.255.255.255',
    'http://localhost:1',
  ])('plain http:// to the loopback host %s is accepted', (orgUrl) => {
    expect(() => new OktaSessions({ orgUrl, apiToken: API_TOKEN })).not.toThrow();
  });

  test.each([
    ['ftp://localhost', 'ftp:'],
    ['http://128.0.0.1', 'http:'],
    ['http://localhost.example.com', 'http:'],
    ['http://[::2]', 'http:'],
  ])('%s is refused: plain http:// is for loopback only', (orgUrl, scheme) => {
    expect(configError({ orgUrl, apiToken: API_TOKEN }).message).toBe(
      `orgUrl must use https:// (got ${scheme}//). Plain http:// is accepted only for loopback hosts such as 127.0.0.1 (local emulators and tests)`,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('validation before any I/O', () => {
  async function pathOf(call: (okta: OktaSessions) => Promise<unknown>): Promise<string> {
    return new URL((await sent(call)).url).pathname;
  }

  test.each([' abc', 'abc ', 'abc\u00a0', '\u2003abc'])(
    'a session id with leading or trailing whitespace (%p) is refused',
    async (id) => {
      expect(await refusedBeforeIo((o) => o.getSession(id))).toBe(
        'Invalid sessionId: has leading or trailing whitespace',
      );
    },
  );

  test('whitespace inside a session id is percent-encoded, not refused', async () => {
    expect(await pathOf((o) => o.getSession('a b'))).toBe('/api/v1/sessions/a%20b');
  });

  test.each(['me', 'ME', 'Me', '.', '..'])(
    'the session id %p is refused (it is a path, not an id)',
    async (id) => {
      expect(await refusedBeforeIo((o) => o.getSession(id))).toBe(
        `Invalid sessionId: "${id}" is not a session id`,
      );
    },
  );

  test.each(['home', 'meeting', 'mee', 'ame'])(
    'the session id %p (me inside it) is accepted',
    async (id) => {
      expect(await pathOf((o) => o.getSession(id))).toBe(`/api/v1/sessions/${id}`);
    },
  );

  test('lengths exactly at the limits: id 256, sessionToken and cookie 8192 go; one more is refused', async () => {
    const id = 'a'.repeat(256);
    expect(await pathOf((o) => o.getSession(id))).toBe(`/api/v1/sessions/${id}`);
    expect(await refusedBeforeIo((o) => o.getSession(`${id}a`))).toBe(
      'Invalid sessionId: longer than 256 characters',
    );

    const token = 't'.repeat(8192);
    expect(await pathOf((o) => o.createSession({ sessionToken: token }))).toBe('/api/v1/sessions');
    expect(await refusedBeforeIo((o) => o.createSession({ sessionToken: `${token}t` }))).toBe(
      'Invalid sessionToken: longer than 8192 characters',
    );

    const cookie = `sid=${'c'.repeat(8188)}`;
    expect(await pathOf((o) => o.getCurrentSession({ cookie }))).toBe('/api/v1/sessions/me');
    expect(await refusedBeforeIo((o) => o.getCurrentSession({ cookie: `${cookie}c` }))).toBe(
      'Invalid cookie: longer than 8192 characters',
    );
  });

  test('empty and whitespace-only session ids, session tokens and cookies are refused', async () => {
    for (const blank of ['', '   ', '\u00a0']) {
      expect(await refusedBeforeIo((o) => o.getSession(blank))).toBe(
        'Invalid sessionId: must not be empty',
      );
      expect(await refusedBeforeIo((o) => o.createSession({ sessionToken: blank }))).toBe(
        'Invalid sessionToken: must not be empty',
      );
      expect(await refusedBeforeIo((o) => o.getCurrentSession({ cookie: blank }))).toBe(
        'Invalid cookie: must not be empty',
      );
    }
    expect(await refusedBeforeIo((o) => o.getSession(7 as unknown as string))).toBe(
      'Invalid sessionId: expected a string',
    );
  });

  test.each(['a\u0000b', 'a\u001fb', 'a\u007fb', 'a\u0085b', 'a\u009fb'])(
    'a sessionToken with a control character (%p) is refused',
    async (sessionToken) => {
      expect(await refusedBeforeIo((o) => o.createSession({ sessionToken }))).toBe(
        'Invalid sessionToken: contains control characters',
      );
    },
  );

  test('characters next to the control ranges are accepted in a sessionToken (space, ~, U+00A0)', async () => {
    expect(await pathOf((o) => o.createSession({ sessionToken: 'a b~c\u00a0d' }))).toBe(
      '/api/v1/sessions',
    );
  });

  test.each(['Cookie', 'cookie', 'Authorization'])(
    'a per-call %s header is refused',
    async (name) => {
      expect(
        await refusedBeforeIo((o) => o.getSession(SESSION_ID, { headers: { [name]: 'sid=x' } })),
      ).toBe(
        `Invalid options.headers: ${name} cannot be set per call. Configure apiToken/accessToken, or pass { cookie } to a /me operation`,
      );
    },
  );

  test.each(['Host', 'Proxy-Authorization', 'Transfer-Encoding'])(
    'a per-call %s header is refused',
    async (name) => {
      expect(
        await refusedBeforeIo((o) => o.getSession(SESSION_ID, { headers: { [name]: 'x' } })),
      ).toBe(
        `Invalid options.headers: ${name} cannot be set per call. The transport sets framing and connection headers itself; leave it out`,
      );
    },
  );

  test.each(['bad name', 'x:y', '', 'ä'])('the header name %p is refused', async (name) => {
    expect(
      await refusedBeforeIo((o) => o.getSession(SESSION_ID, { headers: { [name]: 'x' } })),
    ).toBe(`Invalid options.headers: "${name}" is not a valid header name`);
  });

  test("every token character is a valid header name (!#$%&'*+.^_`|~, digits, letters, -)", async () => {
    const name = "x-A9!#$%&'*+.^_`|~";
    const h = harness([ok()]);
    await h.okta.getSession(SESSION_ID, { headers: { [name]: 'v' } });
    expect(h.requests[0]?.headers.get(name)).toBe('v');
  });

  test.each([5, null, ['a']])('a non-string header value (%p) is refused', async (value) => {
    expect(
      await refusedBeforeIo((o) =>
        o.getSession(SESSION_ID, { headers: { 'X-Trace': value as unknown as string } }),
      ),
    ).toBe('Invalid options.headers: the value of X-Trace is not a string');
  });

  test.each([0, -1, MAX_TIMER_MS + 1, Number.NaN])(
    'a per-call timeoutMs of %p is refused',
    async (timeoutMs) => {
      expect(await refusedBeforeIo((o) => o.getSession(SESSION_ID, { timeoutMs }))).toBe(
        `Invalid options.timeoutMs: must be a number from 1 to ${MAX_TIMER_MS}`,
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------

describe('session parsing', () => {
  test('a 200 body whose createdAt is not a date is an OktaInvalidResponseError, not Invalid Date', async () => {
    const body = { ...sessionBody(SESSION_ID), createdAt: 'yesterday' };
    const h = harness([json(200, body, { 'x-okta-request-id': 'req-1' })]);

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: "createdAt" is not a date-time (GET /api/v1/sessions/${SESSION_ID}, request req-1)`,
    );
  });

  test.each(['42', 'true', 'false', '"session"', 'null', '[]'])(
    'a 200 body that is the JSON value %s is refused as not an object',
    async (text) => {
      const h = harness([
        new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }),
      ]);

      const err = await rejection(h.okta.getSession(SESSION_ID));

      expect(err).toBeInstanceOf(OktaInvalidResponseError);
      expect((err as Error).message).toBe(
        `Okta HTTP 200 with an unusable body: body is not a JSON object (GET /api/v1/sessions/${SESSION_ID})`,
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------

describe('error bodies', () => {
  async function apiError(status: number, body: string): Promise<OktaApiError> {
    const h = harness(
      [new Response(body, { status, headers: { 'content-type': 'application/json' } })],
      {
        retry: { maxRetries: 0 },
      },
    );
    const err = await rejection(h.okta.getSession(SESSION_ID));
    expect(err).toBeInstanceOf(OktaApiError);
    return err as OktaApiError;
  }

  test('echoed text is cut at 2,000 characters plus an ellipsis; 2,000 exactly stays whole', async () => {
    const long = await apiError(
      400,
      JSON.stringify({ errorSummary: 'a'.repeat(2_500), errorLink: 'b'.repeat(2_001) }),
    );
    expect(long.errorSummary).toBe(`${'a'.repeat(2_000)}…`);
    expect(long.errorLink).toBe(`${'b'.repeat(2_000)}…`);

    const exact = await apiError(400, JSON.stringify({ errorSummary: 'a'.repeat(2_000) }));
    expect(exact.errorSummary).toBe('a'.repeat(2_000));
  });

  test('at most 20 error causes are kept, in order', async () => {
    const errorCauses = Array.from({ length: 25 }, (_, i) => ({ errorSummary: `cause ${i}` }));
    const err = await apiError(400, JSON.stringify({ errorCauses }));
    expect(err.errorCauses).toEqual(errorCauses.slice(0, 20));
  });

  test('errorCauses that is one object becomes one cause; a string, number or null becomes none', async () => {
    expect(
      (await apiError(400, JSON.stringify({ errorCauses: { errorSummary: 'one' } }))).errorCauses,
    ).toEqual([{ errorSummary: 'one' }]);
    for (const errorCauses of ['oops', 5, null, true]) {
      expect([
        errorCauses,
        (await apiError(400, JSON.stringify({ errorCauses }))).errorCauses,
      ]).toEqual([errorCauses, []]);
    }
    const mixed = await apiError(
      400,
      JSON.stringify({ errorCauses: [null, 3, {}, { errorSummary: 7 }, { errorSummary: 'ok' }] }),
    );
    expect(mixed.errorCauses).toEqual([{}, {}, {}, {}, { errorSummary: 'ok' }]);
  });

  test('a JSON null (or array) error body still gives the status class, with no Okta fields', async () => {
    for (const body of ['null', '[{"errorCode":"E0000007"}]']) {
      const err = await apiError(404, body);
      expect(err).toBeInstanceOf(OktaNotFoundError);
      expect([err.errorCode, err.errorSummary, err.errorCauses]).toEqual([
        undefined,
        undefined,
        [],
      ]);
      expect(err.message).toBe(`Okta HTTP 404 (GET /api/v1/sessions/${SESSION_ID})`);
    }
  });

  test('errorLink and errorId are read from the body, and the message names code, summary and request', async () => {
    const h = harness([
      json(
        404,
        {
          errorCode: 'E0000007',
          errorSummary: 'Not found: Resource not found',
          errorLink: 'E0000007',
          errorId: 'oaeXYZ',
        },
        { 'x-okta-request-id': 'req-404' },
      ),
    ]);
    const err = (await rejection(h.okta.getSession(SESSION_ID))) as OktaApiError;
    expect([err.errorCode, err.errorLink, err.errorId, err.requestId]).toEqual([
      'E0000007',
      'E0000007',
      'oaeXYZ',
      'req-404',
    ]);
    expect(err.message).toBe(
      `Okta HTTP 404 E0000007 Not found: Resource not found (GET /api/v1/sessions/${SESSION_ID}, request req-404)`,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('redaction', () => {
  test('proxy-authorization and dpop values are secrets (scheme dropped), in any case', () => {
    expect(secretsOfHeader('Proxy-Authorization', 'Basic dXNlcjpwYXNz')).toEqual(['dXNlcjpwYXNz']);
    expect(secretsOfHeader('DPoP', 'eyJhbGciOiJFUzI1NiJ9.proof')).toEqual([
      'eyJhbGciOiJFUzI1NiJ9.proof',
    ]);
    expect(secretsOfHeader('authorization', 'Bearer ')).toEqual([]);
    expect(secretsOfHeader('x-other', 'Bearer abc')).toEqual([]);
  });

  test('a per-call DPoP value echoed by the server never reaches the error', async () => {
    const proof = 'proof-value-echoed-back';
    const h = harness([json(400, { errorSummary: `bad proof ${proof}` })]);
    const err = (await rejection(
      h.okta.getSession(SESSION_ID, { headers: { DPoP: proof } }),
    )) as OktaApiError;
    expect(err.errorSummary).toBe(`bad proof ${REDACTED}`);
  });

  test('cookie values are trimmed; empty ones are no secret; quotes give both forms', () => {
    expect(secretsOfHeader('Cookie', ' sid = abc123 ;  x=  y z  ; empty=; =bare')).toEqual([
      'abc123',
      'y z',
      'bare',
    ]);
    expect(secretsOfHeader('cookie', 'sid="quoted"; e=""; o="x')).toEqual([
      '"quoted"',
      'quoted',
      '""',
      '"x',
    ]);
  });

  test('a secret of 8 characters is scrubbed inside a word; one of 7 only where it stands alone', () => {
    expect(scrub('req-abcdefgh1', ['abcdefgh'])).toBe(`req-${REDACTED}1`);
    expect(scrub('req-abcdefg1', ['abcdefg'])).toBe('req-abcdefg1');
    expect(scrub('req abcdefg.', ['abcdefg'])).toBe(`req ${REDACTED}.`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('connect-phase codes: how deep the cause chain is read', () => {
  test('a code at the 5th level of the chain is not read: createSession is not retried', async () => {
    const h = harness([refused('ECONNREFUSED', 4), ok()]);

    const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

    expect(err).toBeInstanceOf(OktaNetworkError);
    expect(h.requests).toHaveLength(1);
    expect(h.retries).toEqual([]);
  });

  test.each([
    ['null', null],
    ['a function carrying a code', Object.assign(() => undefined, { code: 'ECONNREFUSED' })],
  ])(
    'a cause that is %s ends the walk: createSession fails once with OktaNetworkError',
    async (_, cause) => {
      const h = harness([new TypeError('fetch failed', { cause }), ok()]);

      const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

      expect(err).toBeInstanceOf(OktaNetworkError);
      expect((err as Error).message).toBe(
        'Okta request failed: fetch failed (POST /api/v1/sessions)',
      );
      expect(h.requests).toHaveLength(1);
      expect(h.retries).toEqual([]);
    },
  );
});

describe('session parsing: not JSON', () => {
  test('a 200 body that is not JSON is an OktaInvalidResponseError saying "body is not JSON"', async () => {
    const h = harness([
      new Response('{"id": "102', { status: 200, headers: { 'content-type': 'application/json' } }),
    ]);

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: body is not JSON (GET /api/v1/sessions/${SESSION_ID})`,
    );
  });
});

describe('credential messages', () => {
  test('an operation the credential cannot call names what the client has: no credential', async () => {
    const h = harness([], { apiToken: undefined, credentials: 'include' });

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toBe(
      'getSession needs an API token (apiToken) or an OAuth 2.0 access token (accessToken, or a service app: clientId + privateKey), but this client has no credential. Create the client with an API token (apiToken) or an OAuth 2.0 access token (accessToken, or a service app: clientId + privateKey)',
    );
    expect(h.requests).toEqual([]);
  });

  test('an operation the credential cannot call names what the client has: a service app', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const h = harness([], {
      apiToken: undefined,
      clientId: '0oa1',
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    });

    const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toBe(
      'createSession needs an API token (apiToken), but this client has an OAuth 2.0 service app (clientId + privateKey). Create the client with an API token (apiToken)',
    );
    expect(h.requests).toEqual([]);
  });

  test('an accessToken function that throws gives OktaConfigError with its error as cause', async () => {
    const thrown = new Error('SECRET provider failure');
    const h = harness([ok()], {
      apiToken: undefined,
      accessToken: () => {
        throw thrown;
      },
    });

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toBe(
      'The accessToken function threw; its error is in `cause`. Fix the token provider',
    );
    expect((err as Error).cause).toBe(thrown);
    expect(h.requests).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the caller signal: one listener, removed when done', () => {
  /** A fetch whose answers the test releases one by one, in the order the requests came. */
  function heldFetch() {
    const held: ((response: Response) => void)[] = [];
    const fetch = (() =>
      new Promise<Response>((resolve) => held.push(resolve))) as typeof globalThis.fetch;
    return { fetch, held };
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  test('calls sharing a signal hold one abort listener until the last of them ends', async () => {
    const { fetch, held } = heldFetch();
    const okta = new OktaSessions({ orgUrl: ORG, apiToken: API_TOKEN, fetch, throttle: false });
    const controller = new AbortController();
    const { signal } = controller;

    const first = okta.getSession(SESSION_ID, { signal });
    const second = okta.getSession(SESSION_ID, { signal });
    await until(() => held.length === 2);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);

    held[0]!(ok());
    expect((await first).id).toBe(SESSION_ID);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);

    // The call still in flight hears the abort through that one listener.
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(await rejection(second)).toBe(reason);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  test('an abort during a retry wait leaves no listener on the signal', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const h = harness([json(503, {}), ok()], {
      throttle: false,
      retry: { maxDelayMs: 60_000 },
      onRetry: () => setTimeout(() => controller.abort(reason), 20),
    });

    expect(await rejection(h.okta.getSession(SESSION_ID, { signal: controller.signal }))).toBe(
      reason,
    );
    expect(h.requests).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('a wait of 0 ms (Retry-After: 0) sends the retry before any timer runs', async () => {
    let sentWhenTimerRan: number | undefined;
    const h = harness([rateLimited({ 'retry-after': '0' }), ok()], {
      throttle: false,
      onRetry: () => {
        setTimeout(() => (sentWhenTimerRan = h.requests.length), 0);
      },
    });

    await h.okta.getSession(SESSION_ID);
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(sentWhenTimerRan).toBe(2);
  });

  test('a signal aborted while the throttle store answers ends the call with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const store: RateLimitStore = {
      reserve: () => {
        controller.abort(reason);
        return 0;
      },
      record: () => undefined,
    };
    const h = harness([ok()], { throttle: { store } });

    expect(await rejection(h.okta.getSession(SESSION_ID, { signal: controller.signal }))).toBe(
      reason,
    );
  });

  test('a signal aborted by the token provider, before the request is sent, ends the call with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const h = harness([ok()], {
      apiToken: undefined,
      throttle: false,
      accessToken: () => {
        controller.abort(reason);
        return Promise.resolve('provided-access-token-0123456789');
      },
    });

    expect(await rejection(h.okta.getSession(SESSION_ID, { signal: controller.signal }))).toBe(
      reason,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('throttle waits', () => {
  /** A store whose reserve answers `waits` in order, then 0 (send now); it counts the calls. */
  function scriptedStore(waits: number[]): RateLimitStore & { reserved: number } {
    const store = {
      reserved: 0,
      reserve: () => {
        store.reserved++;
        return waits.shift() ?? 0;
      },
      record: () => undefined,
    };
    return store;
  }

  test('the wait is at least what the store asked: jitter only adds to it', async () => {
    const store = scriptedStore([500, 500, 500]);
    const h = harness([ok()], { throttle: { store }, retry: { maxDelayMs: 60_000 } });

    const started = Date.now();
    await h.okta.getSession(SESSION_ID);
    const waited = Date.now() - started;

    expect(store.reserved).toBe(4);
    // 10 ms of slack for timer rounding; jitter taken off instead would be 0–50 ms per wait.
    expect(waited).toBeGreaterThanOrEqual(1490);
  });

  test('jitter adds at most a tenth of a short wait, not up to a second', async () => {
    const store = scriptedStore(Array<number>(8).fill(100));
    const h = harness([ok()], { throttle: { store }, retry: { maxDelayMs: 60_000 } });

    const started = Date.now();
    await h.okta.getSession(SESSION_ID);
    const waited = Date.now() - started;

    expect(store.reserved).toBe(9);
    // 8 waits of 100–110 ms; with up to a second of jitter each they would sum to ~4 s.
    expect(waited).toBeGreaterThanOrEqual(800);
    expect(waited).toBeLessThan(2000);
  });

  test('jitter scales with the wait: five waits of a microsecond take milliseconds, not seconds', async () => {
    const store = scriptedStore(Array<number>(5).fill(0.001));
    const h = harness([ok()], { throttle: { store }, retry: { maxDelayMs: 60_000 } });

    const started = Date.now();
    await h.okta.getSession(SESSION_ID);
    const waited = Date.now() - started;

    expect(store.reserved).toBe(6);
    // Each wait is a 1 ms timer; jitter not in proportion would add seconds.
    expect(waited).toBeLessThan(2000);
  });

  test('with maxDelayMs 0 the store is asked once per call and the request goes at once', async () => {
    const store: RateLimitStore & { reserved: number } = {
      reserved: 0,
      reserve: () => {
        store.reserved++;
        return 1000;
      },
      record: () => undefined,
    };
    const h = harness([ok(), ok(), ok(), ok(), ok()], {
      throttle: { store },
      retry: { maxDelayMs: 0 },
    });

    for (let i = 0; i < 5; i++) await h.okta.getSession(SESSION_ID);

    expect(store.reserved).toBe(5);
    expect(h.requests).toHaveLength(5);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the service app token cache', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const unauthorized = (): Response =>
    json(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' });

  /**
   * A service app client (Bearer tokens) whose fetch issues tok-1, tok-2, … living `expiresIn`
   * seconds, and answers API calls with `api` (by default 200 with a Session).
   */
  function serviceApp(
    expiresIn: number,
    api: (authorization: string | null) => Response | Promise<Response> = ok,
  ) {
    const tokenRequests: number[] = [];
    const apiCalls: (string | null)[] = [];
    const fetch = (async (request: Request) => {
      if (new URL(request.url).pathname === '/oauth2/v1/token') {
        tokenRequests.push(Date.now());
        return json(200, {
          token_type: 'Bearer',
          expires_in: expiresIn,
          access_token: `tok-${tokenRequests.length}`,
          scope: 'okta.sessions.read',
        });
      }
      const authorization = request.headers.get('authorization');
      apiCalls.push(authorization);
      return api(authorization);
    }) as typeof globalThis.fetch;
    const okta = new OktaSessions({
      orgUrl: ORG,
      clientId: '0oa1',
      privateKey: pem,
      dpop: false,
      throttle: false,
      fetch,
    });
    return { okta, tokenRequests, apiCalls };
  }

  test('a token of 60 s is reused at once (renewed at half its life, not 60 s before expiry)', async () => {
    const app = serviceApp(60);

    await app.okta.getSession(SESSION_ID);
    await app.okta.getSession(SESSION_ID);

    expect(app.tokenRequests).toHaveLength(1);
    expect(app.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });

  test('a token of 1 s is renewed after half a second', async () => {
    const app = serviceApp(1);

    await app.okta.getSession(SESSION_ID);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await app.okta.getSession(SESSION_ID);

    expect(app.tokenRequests).toHaveLength(2);
    expect(app.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  // A 401 drops the token the refused request carried (attempt.ts keeps it beside the error),
  // not whichever token is cached when the answer arrives. Before, a 401 that arrived after
  // another call had fetched a new token dropped the new one (a token request per refused call
  // under a burst); one that arrived while that fetch was in flight found no token and was not
  // repeated.
  function revokedWithTwoCallsInFlight() {
    const held: ((response: Response) => void)[] = [];
    const app = serviceApp(3600, (authorization) =>
      authorization === 'Bearer tok-1'
        ? new Promise<Response>((resolve) => held.push(resolve))
        : ok(),
    );
    const first = app.okta.getSession(SESSION_ID);
    const second = app.okta.getSession(SESSION_ID);
    const bothSent = async () => {
      while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    return { ...app, held, first, second, bothSent };
  }

  test('a 401 for an old token does not drop the newer one another call fetched meanwhile', async () => {
    const run = revokedWithTwoCallsInFlight();
    await run.bothSent();

    // The first 401 drops tok-1 and its repeat fetches tok-2.
    run.held[0]!(unauthorized());
    expect((await run.first).id).toBe(SESSION_ID);
    // The second call's 401 was for tok-1: tok-2 stays, and its repeat uses it.
    run.held[1]!(unauthorized());
    expect((await run.second).id).toBe(SESSION_ID);

    expect(run.tokenRequests).toHaveLength(2);
    expect(run.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2']);
  });

  test('two calls refused at the same moment are both repeated, sharing one new token', async () => {
    const run = revokedWithTwoCallsInFlight();
    await run.bothSent();

    run.held[0]!(unauthorized());
    run.held[1]!(unauthorized());
    const settled = await Promise.allSettled([run.first, run.second]);

    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(run.tokenRequests).toHaveLength(2);
    expect(run.apiCalls).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('validation messages and their hints', () => {
  const HEADER_UNSAFE =
    'contains characters that cannot be sent in an HTTP header (control or non-Latin-1)';

  test.each(['a\rb', 'a\nb', 'a\u0000b'])(
    'a header value with CR, LF or NUL (%p) is refused as such',
    async (value) => {
      expect(
        await refusedBeforeIo((o) => o.getSession(SESSION_ID, { headers: { 'X-Trace': value } })),
      ).toBe('Invalid options.headers: the value of X-Trace contains CR, LF or NUL');
      expect(await refusedBeforeIo((o) => o.getCurrentSession({ cookie: `sid=${value}` }))).toBe(
        'Invalid cookie: contains CR, LF or NUL',
      );
    },
  );

  test.each(['a\u0001b', 'a\u007fb', 'caf\u20ac'])(
    'a header value with another control or a non-Latin-1 character (%p) is refused as unsendable',
    async (value) => {
      expect(
        await refusedBeforeIo((o) => o.getSession(SESSION_ID, { headers: { 'X-Trace': value } })),
      ).toBe(`Invalid options.headers: the value of X-Trace ${HEADER_UNSAFE}`);
      expect(await refusedBeforeIo((o) => o.getCurrentSession({ cookie: `sid=${value}` }))).toBe(
        `Invalid cookie: ${HEADER_UNSAFE}`,
      );
    },
  );

  test('tab, space and Latin-1 go in a header value as they are', async () => {
    const request = await sent((o) =>
      o.getSession(SESSION_ID, { headers: { 'X-Trace': 'a\tb c\u00e9' } }),
    );
    expect(request.headers.get('x-trace')).toBe('a\tb c\u00e9');
  });

  test.each(['a\u0000b', 'a\u001fb', 'a\u0085b'])(
    'a session id with a control character (%p) is refused',
    async (id) => {
      expect(await refusedBeforeIo((o) => o.getSession(id))).toBe(
        'Invalid sessionId: contains control characters',
      );
    },
  );

  test.each(['a\ud800', '\udc00a', 'a\udbffb'])(
    'a session id with a lone surrogate (%p) is refused',
    async (id) => {
      expect(await refusedBeforeIo((o) => o.getSession(id))).toBe(
        'Invalid sessionId: is not well-formed Unicode (a lone surrogate)',
      );
    },
  );

  test('a session id with a surrogate pair is accepted and percent-encoded', async () => {
    const request = await sent((o) => o.getSession('a\ud83d\ude00'));
    expect(new URL(request.url).pathname).toBe('/api/v1/sessions/a%F0%9F%98%80');
  });

  test('a /me call without a cookie says what to pass and where it comes from', async () => {
    expect(await refusedBeforeIo((o) => o.getCurrentSession())).toBe(
      `Invalid cookie: the /me operations need the user's Okta cookie, e.g. { cookie: 'sid=…' }. Okta names the session by its "sid" cookie (or "idx", from the Identity Engine sign-in page); pass the Cookie header your server received from the user`,
    );
  });

  test.each(['foo=bar', 'sid=', 'sid= ; idx=', 'sid', 'sidd', 'idxx', 'xsid=abc', 'a=sid=x'])(
    'a cookie without a non-empty sid or idx (%p) is refused with which cookie Okta reads',
    async (cookie) => {
      expect(await refusedBeforeIo((o) => o.getCurrentSession({ cookie }))).toBe(
        'Invalid cookie: has no sid=… or idx=… cookie. Okta names the session by its "sid" cookie (or "idx", from the Identity Engine sign-in page)',
      );
    },
  );

  test.each(['sid=abc', 'idx=abc', ' sid = abc ', 'a=1; sid=abc; b=2', 'theme=dark;idx=x'])(
    'a cookie with a sid or idx value (%p) is sent as it is',
    async (cookie) => {
      const request = await sent((o) => o.getCurrentSession({ cookie }));
      expect(request.headers.get('cookie')).toBe(cookie.trim());
    },
  );

  test.each([
    ['SSWS abc', 'starts with an authorization scheme'],
    ['Bearer abc', 'starts with an authorization scheme'],
    ['bearer\tabc', 'starts with an authorization scheme'],
    ['abc\n', 'contains CR, LF or NUL'],
    ['ab\u0001c', HEADER_UNSAFE],
  ])('the apiToken %p is refused: it %s', (apiToken, problem) => {
    expect(configError({ orgUrl: ORG, apiToken }).message).toBe(
      `apiToken ${problem}. Pass the bare token as issued (no scheme; check for a stray newline if it was read from a file)`,
    );
  });

  test.each(['SSWSabc', 'Bearerabc', 'x SSWS abc'])(
    'the apiToken %p is no scheme: it is sent after SSWS',
    async (apiToken) => {
      const h = harness([ok()], { apiToken });
      await h.okta.getSession(SESSION_ID);
      expect(h.requests[0]!.headers.get('authorization')).toBe(`SSWS ${apiToken}`);
    },
  );

  test('client-level framing headers are refused with the transport hint', () => {
    expect(configError({ orgUrl: ORG, apiToken: API_TOKEN, headers: { Host: 'x' } }).message).toBe(
      'headers must not set Host. The transport sets framing and connection headers itself; leave it out',
    );
  });

  test('a client-level header with a bad name or value is refused, naming the headers option', () => {
    for (const [headers, message] of [
      [{ 'bad name': 'x' }, 'Invalid headers: "bad name" is not a valid header name'],
      [{ 'X-Trace': 5 }, 'Invalid headers: the value of X-Trace is not a string'],
      [{ 'X-Trace': 'a\nb' }, 'Invalid headers: the value of X-Trace contains CR, LF or NUL'],
    ] as const) {
      let error: unknown;
      try {
        new OktaSessions({
          orgUrl: ORG,
          apiToken: API_TOKEN,
          headers: headers as unknown as Record<string, string>,
        });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(OktaValidationError);
      expect((error as Error).message).toBe(message);
    }
  });

  test('per-call timeoutMs: the timer maximum is accepted, a numeric string is not', async () => {
    await sent((o) => o.getSession(SESSION_ID, { timeoutMs: 1_000 }));
    await sent((o) => o.getSession(SESSION_ID, { timeoutMs: MAX_TIMER_MS }));
    expect(
      await refusedBeforeIo((o) =>
        o.getSession(SESSION_ID, { timeoutMs: '100' as unknown as number }),
      ),
    ).toBe(`Invalid options.timeoutMs: must be a number from 1 to ${MAX_TIMER_MS}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the error factory', () => {
  async function errorFor(response: Response): Promise<OktaApiError> {
    const h = harness([response], { retry: { maxRetries: 0 } });
    const err = await rejection(h.okta.getSession(SESSION_ID));
    expect(err).toBeInstanceOf(OktaApiError);
    return err as OktaApiError;
  }

  test.each([
    [400, 'OktaBadRequestError', OktaBadRequestError],
    [401, 'OktaAuthenticationError', OktaAuthenticationError],
    [403, 'OktaForbiddenError', OktaForbiddenError],
    [404, 'OktaNotFoundError', OktaNotFoundError],
    [429, 'OktaRateLimitError', OktaRateLimitError],
    [500, 'OktaServerError', OktaServerError],
    [599, 'OktaServerError', OktaServerError],
    [499, 'OktaApiError', OktaApiError],
    [418, 'OktaApiError', OktaApiError],
    [302, 'OktaApiError', OktaApiError],
  ])('HTTP %i gives exactly %s', async (status, _, Class) => {
    const err = await errorFor(json(status, {}));
    expect([err.status, err.constructor]).toEqual([status, Class]);
  });

  test('a 429 carries its limit, remaining and reset', async () => {
    const err = await errorFor(
      rateLimited({
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(T + 60),
      }),
    );
    expect(err).toBeInstanceOf(OktaRateLimitError);
    const { limit, remaining, resetAt } = err as OktaRateLimitError;
    expect([limit, remaining, resetAt]).toEqual([600, 0, new Date((T + 60) * 1000)]);
  });

  test('the rate-limit store hears refused: true from a 429 and not from a 503', async () => {
    const states: Array<boolean | undefined> = [];
    const store: RateLimitStore = {
      reserve: () => 0,
      record: (_, state) => {
        states.push(state.refused);
      },
    };
    const headers = { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '5' };
    const h = harness([rateLimited(headers), json(503, {}, headers)], {
      throttle: { store },
      retry: { maxRetries: 0 },
    });
    await rejection(h.okta.getSession(SESSION_ID));
    await rejection(h.okta.getSession(SESSION_ID));
    expect(states).toEqual([true, undefined]);
  });

  test('Set-Cookie is withheld from the error headers; the others are kept, frozen', async () => {
    const err = await errorFor(
      new Response('{}', {
        status: 404,
        headers: { 'Set-Cookie': 'sid=abc', 'X-Okta-Request-Id': 'req-9', 'X-Other': 'v' },
      }),
    );
    expect(err.headers).toEqual({
      'content-type': 'text/plain;charset=UTF-8',
      'x-okta-request-id': 'req-9',
      'x-other': 'v',
    });
    expect(Object.isFrozen(err.headers)).toBe(true);
  });

  test('header values and body fields that echo the API token are scrubbed', async () => {
    const err = await errorFor(
      json(
        401,
        {
          errorCode: `E0000011 ${API_TOKEN}`,
          errorSummary: `Invalid token provided: ${API_TOKEN}`,
          errorLink: API_TOKEN,
          errorId: `id ${API_TOKEN}`,
          errorCauses: [{ errorSummary: `cause ${API_TOKEN}` }],
        },
        { 'x-echo': `SSWS ${API_TOKEN}` },
      ),
    );
    expect([
      err.errorCode,
      err.errorSummary,
      err.errorLink,
      err.errorId,
      err.errorCauses,
      err.headers['x-echo'],
    ]).toEqual([
      `E0000011 ${REDACTED}`,
      `Invalid token provided: ${REDACTED}`,
      REDACTED,
      `id ${REDACTED}`,
      [{ errorSummary: `cause ${REDACTED}` }],
      `SSWS ${REDACTED}`,
    ]);
  });

  test('body fields that are not strings are left out', async () => {
    const err = await errorFor(
      json(400, { errorCode: 11, errorSummary: ['a'], errorLink: {}, errorId: true }),
    );
    expect([err.errorCode, err.errorSummary, err.errorLink, err.errorId]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('an error body that fails while being read still gives the status class', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.error(new Error('socket hang up'));
      },
    });
    const err = await errorFor(new Response(body, { status: 404 }));
    expect(err).toBeInstanceOf(OktaNotFoundError);
    expect(err.message).toBe(`Okta HTTP 404 (GET /api/v1/sessions/${SESSION_ID})`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('session parsing: each date field', () => {
  async function parsed(body: string): Promise<unknown> {
    const h = harness([
      new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
    ]);
    return h.okta.getSession(SESSION_ID).catch((error: unknown) => error);
  }

  test('an empty 200 body is refused as such', async () => {
    const err = await parsed('');
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: empty body where a Session was expected (GET /api/v1/sessions/${SESSION_ID})`,
    );
  });

  test.each([
    ['createdAt', null],
    ['expiresAt', null],
    ['lastPasswordVerification', 5],
    ['lastFactorVerification', 'soon'],
  ])('%s %p is refused, naming the field', async (field, value) => {
    const err = await parsed(JSON.stringify({ ...sessionBody(SESSION_ID), [field]: value }));
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: "${field}" is not a date-time (GET /api/v1/sessions/${SESSION_ID})`,
    );
  });

  test('absent verification times stay absent; the other fields pass through untouched', async () => {
    const body = sessionBody(SESSION_ID);
    delete body['lastPasswordVerification'];
    delete body['lastFactorVerification'];
    const session = (await parsed(JSON.stringify(body))) as Record<string, unknown>;
    expect(Object.keys(session).sort()).toEqual(Object.keys(body).sort());
    expect(session).toEqual({
      ...body,
      createdAt: new Date(body['createdAt'] as string),
      expiresAt: new Date(body['expiresAt'] as string),
    });
  });

  test('null verification times stay null', async () => {
    const session = (await parsed(
      JSON.stringify({
        ...sessionBody(SESSION_ID),
        lastPasswordVerification: null,
        lastFactorVerification: null,
      }),
    )) as Record<string, unknown>;
    expect([session['lastPasswordVerification'], session['lastFactorVerification']]).toEqual([
      null,
      null,
    ]);
  });

  test('valid verification times become Dates', async () => {
    const session = (await parsed(
      JSON.stringify({
        ...sessionBody(SESSION_ID),
        lastPasswordVerification: '2026-11-29T10:00:00.000Z',
        lastFactorVerification: '2026-11-29T10:05:00.000Z',
      }),
    )) as Record<string, unknown>;
    expect([session['lastPasswordVerification'], session['lastFactorVerification']]).toEqual([
      new Date('2026-11-29T10:00:00.000Z'),
      new Date('2026-11-29T10:05:00.000Z'),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('scrubbing: how marks are placed', () => {
  test('an echo of the whole Cookie header becomes one mark', async () => {
    const cookie = 'sid=102sidvalue; idx=idxvalue';
    const h = harness([json(404, { errorSummary: `Not found: ${cookie}` })]);
    const err = (await rejection(h.okta.getCurrentSession({ cookie }))) as OktaApiError;
    expect(err.errorSummary).toBe(`Not found: ${REDACTED}`);
  });

  test('secrets that touch or nest become one mark, whatever their order', () => {
    expect(scrub('abcdefghijklmnop', ['abcdefgh', 'ijklmnop'])).toBe(REDACTED);
    expect(scrub('xx abcdefghijkl yy', ['abcdefghijkl', 'cdefghij'])).toBe(`xx ${REDACTED} yy`);
    // Found last to first: five secrets in one text still take one pass, not five.
    const words = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd', 'eeeeeeee'];
    expect(scrub(words.join(' '), [...words].reverse())).toBe(Array(5).fill(REDACTED).join(' '));
  });

  test('a secret completed by the mark itself is scrubbed for up to four passes, then nothing is shown', () => {
    const chain = (n: number): string[] => [
      'abcdefgh',
      ...Array.from({ length: n }, (_, i) => `${REDACTED}${i + 1}`),
    ];
    expect(scrub('abcdefgh123', chain(3))).toBe(REDACTED);
    expect(scrub('abcdefgh1234', chain(4))).toBe('');
  });
});

describe('scrubbing: the character before a secret', () => {
  test('U+FFFF is one code unit: the letter after it still glues onto a short secret', () => {
    expect(scrub('\uffffxa', ['a'])).toBe('\uffffxa');
    expect(scrub('\uffff a', ['a'])).toBe(`\uffff ${REDACTED}`);
  });
});

describe('headers a caller may set', () => {
  test.each(['X-Host', 'Hostname', 'Tea', 'X-Proxy-Id', 'Proxy'])(
    'the per-call header %s only resembles a transport header: it is sent',
    async (name) => {
      const h = harness([ok()]);
      await h.okta.getSession(SESSION_ID, { headers: { [name]: 'v' } });
      expect(h.requests[0]?.headers.get(name)).toBe('v');
    },
  );

  test.each(['Proxy-Authorization', 'proxy-connection', 'Proxy-X', 'TE', 'Keep-Alive'])(
    "the per-call header %s is the transport's: refused",
    async (name) => {
      const h = harness([ok()]);
      const err = await rejection(h.okta.getSession(SESSION_ID, { headers: { [name]: 'x' } }));
      expect((err as Error).message).toBe(
        `Invalid options.headers: ${name} cannot be set per call. The transport sets framing and connection headers itself; leave it out`,
      );
      expect(h.requests).toHaveLength(0);
    },
  );
});

describe('OAuth answers from an API call', () => {
  test('a 401 with a Bearer challenge naming an error is an OktaOAuthError', async () => {
    const h = harness(
      [
        new Response('', {
          status: 401,
          headers: {
            'www-authenticate': 'Bearer error="invalid_token", error_description="expired"',
          },
        }),
      ],
      { apiToken: undefined, accessToken: 'access-token-1' },
    );
    const err = await rejection(h.okta.getSession(SESSION_ID));
    expect(err).toBeInstanceOf(OktaOAuthError);
    expect([(err as OktaOAuthError).error, (err as OktaOAuthError).errorDescription]).toEqual([
      'invalid_token',
      'expired',
    ]);
  });
});

describe('scrubbing: what glues onto a secret', () => {
  test('only the first character of a secret can glue it to the word before', () => {
    expect(scrub('x"ab', ['"ab'])).toBe(`x${REDACTED}`);
    expect(scrub('x"a', ['"a'])).toBe(`x${REDACTED}`);
  });

  test('only the character right after a secret can glue it to the word after', () => {
    expect(scrub('ab.c', ['ab'])).toBe(`${REDACTED}.c`);
    expect(scrub('ab c', ['ab'])).toBe(`${REDACTED} c`);
  });

  test('letters, combining marks and digits glue; spaces and punctuation do not', () => {
    expect(scrub('xa a\u0301 a1 1a', ['a'])).toBe('xa a\u0301 a1 1a');
    expect(scrub('(a) a. "a"', ['a'])).toBe(`(${REDACTED}) ${REDACTED}. "${REDACTED}"`);
  });

  test('quoted cookie values give the unquoted form only when quoted on both sides', () => {
    expect(secretsOfHeader('cookie', 'a="xx; b=yy"; c="zz"')).toEqual(['"xx', 'yy"', '"zz"', 'zz']);
  });

  test('an error text with no secret of the request in it is kept word for word', async () => {
    // Stryker's filler text: a mutant that seeds the request's secrets with it is caught here.
    const summary = 'Stryker was here: a summary that names no secret';
    const h = harness([json(400, { errorSummary: summary })]);
    const err = (await rejection(h.okta.getSession(SESSION_ID))) as OktaApiError;
    expect(err.errorSummary).toBe(summary);
  });
});
