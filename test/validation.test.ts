// Validation before any I/O: a bad argument is refused with an OktaValidationError (its message
// and how-to-fix hint word for word) and no request is sent; and the headers a caller may set.

import * as fetchHarness from './helpers/fetch-harness.js';
import { OktaNetworkError, OktaSessions, OktaValidationError } from '../src/index.js';
import { expectNoSecrets, measure, valueOf } from './helpers/faults-expect.js';
import { closeAllScriptedServers, sessionOk } from './helpers/scripted-server.js';
import {
  API_TOKEN,
  COOKIE_VALUE,
  SECRETS,
  SESSION_ID,
  client,
  failure,
  serve,
  server,
  summary,
} from './helpers/live-server.js';
import {
  MAX_TIMER_MS,
  ORG,
  configError,
  harness,
  ok,
  refusedBeforeIo,
  rejection,
  sent,
} from './helpers/fetch-harness.js';

afterEach(closeAllScriptedServers);

describe('input validation before I/O', () => {
  test('session ids ".", "..", "", "a/b", "%2F", "?x#y": rejected, or sent as one encoded segment', async () => {
    await serve(sessionOk(), sessionOk(), sessionOk());
    const okta = client({ retry: { maxRetries: 0 } });

    for (const id of ['.', '..', '']) {
      const err = failure(await measure(() => okta.getSession(id)), OktaValidationError);
      expect(err.message).toMatch(/sessionId/);
    }
    expect(server.attempts).toBe(0);
    for (const id of ['a/b', '%2F', '?x#y']) {
      const outcome = await measure(() => okta.getSession(id));
      valueOf(outcome);
      expect(outcome.elapsedMs).toBeLessThan(2_000);
    }
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/v1/sessions/a%2Fb',
      '/api/v1/sessions/%252F',
      '/api/v1/sessions/%3Fx%23y',
    ]);
  });

  test('a session id with a lone surrogate: OktaValidationError before any I/O', async () => {
    await serve(sessionOk());
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.getSession('abc\ud800def'));

    expect(summary(outcome)).toEqual({
      error: 'OktaValidationError',
      retries: 0,
      attempts: 0,
    });
    if (!outcome.ok) expectNoSecrets(outcome.error, SECRETS);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('a cookie with characters outside Latin-1: OktaValidationError before any I/O, never retried', async () => {
    await serve(sessionOk());
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });
    const cookie = `sid=${COOKIE_VALUE}-\u65e5\u672c`;

    const outcome = await measure(() => okta.getCurrentSession({ cookie }));

    expect(summary(outcome)).toEqual({
      error: 'OktaValidationError',
      retries: 0,
      attempts: 0,
    });
    if (!outcome.ok) expectNoSecrets(outcome.error, [...SECRETS, cookie]);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('an apiToken with characters outside Latin-1: OktaConfigError at construction, or OktaValidationError before any I/O', async () => {
    await serve(sessionOk());
    const token = `${API_TOKEN}-\u65e5\u672c`;

    const outcome = await measure(async () =>
      client({ apiToken: token, retry: { maxRetries: 2, maxDelayMs: 50 } }).getSession(SESSION_ID),
    );

    const got = summary(outcome);
    expect(['OktaConfigError', 'OktaValidationError']).toContain(got.error);
    expect(got).toMatchObject({ retries: 0, attempts: 0 });
    if (!outcome.ok) expectNoSecrets(outcome.error, [...SECRETS, token]);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('a cookie with CR/LF: OktaValidationError before any I/O, the cookie not in the error', async () => {
    await serve(sessionOk());
    const okta = client();
    const cookie = `sid=${COOKIE_VALUE}\r\nX-Injected: 1`;

    const err = failure(
      await measure(() => okta.getCurrentSession({ cookie })),
      OktaValidationError,
    );
    expectNoSecrets(err, [cookie]);
    expect(server.attempts).toBe(0);
  });

  test('expectNoSecrets catches a secret hidden in a nested cause (self-check of the helper)', () => {
    const inner = new Error(`upstream said ${COOKIE_VALUE}`);
    const outer = new OktaNetworkError('GET', 'http://127.0.0.1/api/v1/sessions/me', inner);
    expect(() => expectNoSecrets(outer, SECRETS)).toThrow(/secret leaked/);
    expect(() => expectNoSecrets(new Error('clean'), SECRETS)).not.toThrow();
  });
});

describe('validation before any I/O', () => {
  const { SESSION_ID } = fetchHarness; // test/helpers/fetch-harness.ts's own
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
      'Invalid sessionId: expected a string, got a number',
    );
    expect(await refusedBeforeIo((o) => o.getSession(undefined as unknown as string))).toBe(
      'Invalid sessionId: is missing',
    );
  });

  test('createSession given the session token bare says to wrap it, not that a string is no string', async () => {
    const bare = (o: OktaSessions) => o.createSession('abc' as never);
    const message = await refusedBeforeIo(bare);
    expect(message).toBe(
      'Invalid sessionToken: createSession takes an object, got a string; call createSession({ sessionToken })',
    );
    expect(message).not.toMatch(/expected a string/);
    expect(await refusedBeforeIo((o) => o.createSession(undefined as never))).toBe(
      'Invalid sessionToken: createSession takes an object, got undefined; call createSession({ sessionToken })',
    );
    expect(await refusedBeforeIo((o) => o.createSession({} as never))).toBe(
      'Invalid sessionToken: is missing',
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

describe('validation messages and their hints', () => {
  const { API_TOKEN, SESSION_ID } = fetchHarness; // test/helpers/fetch-harness.ts's own
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

describe('headers a caller may set', () => {
  const { SESSION_ID } = fetchHarness; // test/helpers/fetch-harness.ts's own
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
