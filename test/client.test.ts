import { inspect } from 'node:util';
import {
  OktaApiError,
  OktaAuthenticationError,
  OktaBadRequestError,
  OktaConfigError,
  OktaError,
  OktaForbiddenError,
  OktaInvalidResponseError,
  OktaNetworkError,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaServerError,
  OktaSessions,
  OktaTimeoutError,
  OktaValidationError,
  isOktaApiError,
  isOktaError,
  type RateLimitStore,
} from '../src/index.js';
import { VERSION } from '../src/model/version.js';
import {
  json,
  raw,
  SESSION,
  startRecordingServer,
  type RecordingServer,
  type Reply,
} from './helpers/recording-server.js';
import { runNodeScript } from './helpers/node-script.js';
import { slot } from './helpers/slots.js';

const API_TOKEN = 'SECRET-api-token-00abc';
const ACCESS_TOKEN = 'SECRET-access-token-00xyz';
const COOKIE = 'sid=SECRET-cookie-value-77';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());

const client = (extra: object = {}) =>
  new OktaSessions({ orgUrl: server.url, apiToken: API_TOKEN, retry: { maxRetries: 0 }, ...extra });

describe('operations end to end', () => {
  const ops = [
    {
      name: 'createSession',
      call: (o: OktaSessions) => o.createSession({ sessionToken: 'SECRET-session-token' }),
      method: 'POST',
      path: '/api/v1/sessions',
      auth: `SSWS ${API_TOKEN}`,
      body: { sessionToken: 'SECRET-session-token' },
      returns: 'session',
    },
    {
      name: 'getSession',
      call: (o: OktaSessions) => o.getSession('abc'),
      method: 'GET',
      path: '/api/v1/sessions/abc',
      auth: `SSWS ${API_TOKEN}`,
      returns: 'session',
    },
    {
      name: 'refreshSession',
      call: (o: OktaSessions) => o.refreshSession('abc'),
      method: 'POST',
      path: '/api/v1/sessions/abc/lifecycle/refresh',
      auth: `SSWS ${API_TOKEN}`,
      returns: 'session',
    },
    {
      name: 'revokeSession',
      call: (o: OktaSessions) => o.revokeSession('abc'),
      method: 'DELETE',
      path: '/api/v1/sessions/abc',
      auth: `SSWS ${API_TOKEN}`,
      returns: 'void',
    },
    {
      name: 'getCurrentSession',
      call: (o: OktaSessions) => o.getCurrentSession({ cookie: COOKIE }),
      method: 'GET',
      path: '/api/v1/sessions/me',
      cookie: COOKIE,
      returns: 'session',
    },
    {
      name: 'refreshCurrentSession',
      call: (o: OktaSessions) => o.refreshCurrentSession({ cookie: COOKIE }),
      method: 'POST',
      path: '/api/v1/sessions/me/lifecycle/refresh',
      cookie: COOKIE,
      returns: 'session',
    },
    {
      name: 'closeCurrentSession',
      call: (o: OktaSessions) => o.closeCurrentSession({ cookie: COOKIE }),
      method: 'DELETE',
      path: '/api/v1/sessions/me',
      cookie: COOKIE,
      returns: 'void',
    },
  ];

  test.each(ops)('$name sends the right request and returns the right type', async (op) => {
    server.reply(op.returns === 'void' ? raw(204, '') : json(200, SESSION));
    const result = await op.call(client({ userAgent: 'my-app/1.2' }));
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req!.method).toBe(op.method);
    expect(req!.url).toBe(op.path);
    expect(req!.headers['accept']).toBe('application/json');
    expect(req!.headers['user-agent']).toMatch(
      new RegExp(`^my-app/1\\.2 okta-sessions/${VERSION.replace(/\./g, '\\.')} node/\\d+`),
    );
    expect(req!.headers['authorization']).toBe(op.auth);
    expect(req!.headers['cookie']).toBe(op.cookie);
    if (op.body) {
      expect(req!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req!.body)).toEqual(op.body);
    } else {
      expect(req!.body).toBe('');
    }
    if (op.returns === 'void') {
      expect(result).toBeUndefined();
    } else {
      const session = result as Exclude<typeof result, void>;
      expect(session.id).toBe(SESSION.id);
      expect(session.createdAt).toBeInstanceOf(Date);
      expect(session.createdAt?.toISOString()).toBe(SESSION.createdAt);
      expect(session.expiresAt).toBeInstanceOf(Date);
      expect(session.lastPasswordVerification).toBeInstanceOf(Date);
      expect(session.lastFactorVerification).toBeNull();
    }
  });

  test('the /me operations never send a configured access token either', async () => {
    server.reply(json(200, SESSION));
    await client({ apiToken: undefined, accessToken: () => ACCESS_TOKEN }).getCurrentSession({
      cookie: COOKIE,
    });
    expect(server.requests[0]!.headers['authorization']).toBeUndefined();
  });

  test('an access token (string or async function) is sent as Bearer where the spec allows oauth2', async () => {
    server.reply(json(200, SESSION));
    await client({ apiToken: undefined, accessToken: ACCESS_TOKEN }).getSession('abc');
    await client({ apiToken: undefined, accessToken: async () => ACCESS_TOKEN }).refreshSession(
      'abc',
    );
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual([
      `Bearer ${ACCESS_TOKEN}`,
      `Bearer ${ACCESS_TOKEN}`,
    ]);
  });

  test('createSession with only an access token fails before any request', async () => {
    server.reply(json(200, SESSION));
    const okta = client({ apiToken: undefined, accessToken: ACCESS_TOKEN });
    const err = await okta.createSession({ sessionToken: 'tok' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toMatch(/createSession needs an API token \(apiToken\)/);
    expect(server.requests).toHaveLength(0);
  });

  test('unknown enum values pass through unchanged', async () => {
    server.reply(json(200, { ...SESSION, status: 'SOMETHING_NEW', amr: ['pwd', 'newthing'] }));
    const session = await client().getSession('abc');
    expect(session.status).toBe('SOMETHING_NEW');
    expect(session.amr).toEqual(['pwd', 'newthing']);
  });

  test('per-call headers and client headers are sent', async () => {
    server.reply(json(200, SESSION));
    await client({ headers: { 'X-Client': 'c' } }).getSession('abc', {
      headers: { 'X-Trace': 't1' },
    });
    expect(server.requests[0]!.headers['x-client']).toBe('c');
    expect(server.requests[0]!.headers['x-trace']).toBe('t1');
  });

  test('the raw client is wired with the same auth and error mapping', async () => {
    server.reply(json(404, { errorCode: 'E0000007', errorSummary: 'Not found' }));
    const okta = client();
    const err = await okta.raw
      .GET('/api/v1/sessions/{sessionId}', { params: { path: { sessionId: 'abc' } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaNotFoundError);
    expect(server.requests[0]!.headers['authorization']).toBe(`SSWS ${API_TOKEN}`);
    server.reply(json(200, SESSION));
    await okta.raw.GET('/api/v1/sessions/me', { params: { header: { Cookie: COOKIE } } });
    expect(server.requests[0]!.headers['authorization']).toBeUndefined();
  });
});

describe('error mapping (one factory, by status)', () => {
  const table: Array<[number, string, new (...a: never[]) => OktaApiError]> = [
    [400, 'E0000001', OktaBadRequestError],
    [401, 'E0000011', OktaAuthenticationError],
    [403, 'E0000006', OktaForbiddenError],
    [404, 'E0000007', OktaNotFoundError],
    [429, 'E0000047', OktaRateLimitError],
    [500, 'E0000009', OktaServerError],
    [503, 'E0000010', OktaServerError],
    [409, 'E0000999', OktaApiError],
  ];

  test.each(table)('HTTP %d → %s', async (status, code, Class) => {
    server.reply(
      json(status, {
        errorCode: code,
        errorSummary: 'Something happened',
        errorLink: code,
        errorId: 'oae123',
        errorCauses: [{ errorSummary: 'detail' }],
      }),
    );
    const err = (await client()
      .getSession('abc')
      .catch((e: unknown) => e)) as OktaApiError;
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(OktaApiError);
    expect(err).toBeInstanceOf(OktaError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(Class.name);
    expect(err.status).toBe(status);
    expect(err.errorCode).toBe(code);
    expect(err.errorId).toBe('oae123');
    expect(err.errorCauses).toEqual([{ errorSummary: 'detail' }]);
    expect(err.requestId).toBe('req-test-1');
    expect(err.method).toBe('GET');
    expect(err.url).toBe(`${server.url}/api/v1/sessions/abc`);
    expect(err.message).toBe(
      `Okta HTTP ${status} ${code} Something happened (GET /api/v1/sessions/abc, request req-test-1)`,
    );
    expect(isOktaError(err)).toBe(true);
    expect(isOktaApiError(err)).toBe(true);
  });

  test('the class comes from the status even with an empty or HTML body', async () => {
    server.reply(raw(404, ''));
    await expect(client().getSession('abc')).rejects.toBeInstanceOf(OktaNotFoundError);
    server.reply(raw(403, '<html>nope</html>', { 'content-type': 'text/html' }));
    const err = (await client()
      .getSession('abc')
      .catch((e: unknown) => e)) as OktaForbiddenError;
    expect(err).toBeInstanceOf(OktaForbiddenError);
    expect(err.errorCode).toBeUndefined();
    expect(err.errorCauses).toEqual([]);
  });

  test('a rate-limit error carries limit, remaining and resetAt', async () => {
    server.reply(
      json(
        429,
        { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' },
        {
          'x-rate-limit-limit': '100',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': '1796032860',
        },
      ),
    );
    const err = (await client()
      .getSession('abc')
      .catch((e: unknown) => e)) as OktaRateLimitError;
    expect(err).toBeInstanceOf(OktaRateLimitError);
    expect(err.limit).toBe(100);
    expect(err.remaining).toBe(0);
    expect(err.resetAt).toEqual(new Date(1796032860 * 1000));
  });

  test('an API error exposes the response headers, read-only, without Set-Cookie or secrets', async () => {
    const answer: Reply = (_req, res) => {
      res.writeHead(503, {
        'content-type': 'application/json',
        'retry-after': '7',
        'x-okta-request-id': 'req-1',
        'x-echo': `SSWS ${API_TOKEN}`,
        'set-cookie': ['sid=SECRET-sid-from-server; Path=/', 'JSESSIONID=abc; Path=/'],
      });
      res.end('{"errorCode":"E0000009","errorSummary":"Internal Server Error"}');
    };
    for (const call of [
      (okta: OktaSessions) => okta.getSession('abc'),
      (okta: OktaSessions) =>
        okta.raw.GET('/api/v1/sessions/{sessionId}', { params: { path: { sessionId: 'abc' } } }),
    ]) {
      server.reply(answer);
      const err = (await call(client()).catch((e: unknown) => e)) as OktaApiError;
      expect(err).toBeInstanceOf(OktaServerError);
      expect(err.headers['retry-after']).toBe('7');
      expect(err.headers['x-okta-request-id']).toBe('req-1');
      expect(err.headers['content-type']).toBe('application/json');
      expect(err.headers).not.toHaveProperty('set-cookie');
      expect(err.headers['x-echo']).not.toContain(API_TOKEN);
      expect(Object.isFrozen(err.headers)).toBe(true);
      expect(inspect(err, { depth: 5 })).not.toMatch(/SECRET/);
    }
  });

  test('a 200 with a body that is not a Session is an invalid response', async () => {
    server.reply(raw(200, '<html>proxy login</html>', { 'content-type': 'text/html' }));
    await expect(client().getSession('abc')).rejects.toBeInstanceOf(OktaInvalidResponseError);
  });

  test('guards work across module copies (brand, not prototype)', () => {
    jest.isolateModules(() => {
      // A second copy of the whole package, as when ESM and CJS builds are both loaded.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const copy = require('../src/index.ts') as typeof import('../src/index.js');
      expect(copy.OktaNotFoundError).not.toBe(OktaNotFoundError);
      const foreign = new copy.OktaNotFoundError({
        status: 404,
        errorCode: 'E0000007',
        errorSummary: 'x',
        errorLink: undefined,
        errorId: undefined,
        errorCauses: [],
        requestId: undefined,
        method: 'GET',
        url: 'https://acme.okta.com/api/v1/sessions/x',
      });
      expect(foreign).toBeInstanceOf(OktaNotFoundError);
      expect(foreign).toBeInstanceOf(OktaApiError);
      expect(foreign).not.toBeInstanceOf(OktaRateLimitError);
      expect(isOktaApiError(foreign)).toBe(true);
    });
  });
});

describe('validation before any I/O', () => {
  const bad: Array<[string, (o: OktaSessions) => Promise<unknown>]> = [
    ['empty sessionId', (o) => o.getSession('')],
    ['missing sessionId', (o) => o.getSession(undefined as unknown as string)],
    ['"." sessionId', (o) => o.refreshSession('.')],
    ['".." sessionId', (o) => o.revokeSession('..')],
    ['"me" sessionId (the cookie-only route)', (o) => o.getSession('me')],
    ['"ME" sessionId', (o) => o.revokeSession('ME')],
    ['control characters', (o) => o.getSession('ab\u0000c')],
    ['absurd length', (o) => o.getSession('a'.repeat(10_000))],
    ['empty sessionToken', (o) => o.createSession({ sessionToken: '' })],
    ['cookie with CR/LF', (o) => o.getCurrentSession({ cookie: 'sid=a\r\nX-Evil: 1' })],
    ['cookie with NUL', (o) => o.closeCurrentSession({ cookie: 'sid=a\u0000' })],
    [
      'per-call Authorization header',
      (o) => o.getSession('a', { headers: { Authorization: 'x' } }),
    ],
  ];
  test.each(bad)('%s → OktaValidationError', async (_name, call) => {
    server.reply(json(200, SESSION));
    await expect(call(client())).rejects.toBeInstanceOf(OktaValidationError);
    expect(server.requests).toHaveLength(0);
  });

  test('a session id is always one path segment', async () => {
    server.reply(json(200, SESSION));
    await client().getSession('a/../../users?x=1#y %');
    expect(server.requests[0]!.url).toBe('/api/v1/sessions/a%2F..%2F..%2Fusers%3Fx%3D1%23y%20%25');
  });
});

describe('configuration', () => {
  const cases: Array<[string, object, RegExp]> = [
    ['missing orgUrl', { apiToken: 't' }, /orgUrl is required/],
    ['no credential', { orgUrl: 'https://acme.okta.com' }, /No credential given/],
    [
      'both credentials',
      { orgUrl: 'https://acme.okta.com', apiToken: 't', accessToken: 'a' },
      /exactly one/,
    ],
    ['http orgUrl', { orgUrl: 'http://acme.okta.com', apiToken: 't' }, /must use https/],
    [
      'placeholder domain',
      { orgUrl: 'https://{yourOktaDomain}', apiToken: 't' },
      /\{yourOktaDomain\}/,
    ],
    [
      'placeholder token',
      { orgUrl: 'https://acme.okta.com', apiToken: '{apiToken}' },
      /placeholder/,
    ],
    ['admin domain', { orgUrl: 'https://acme-admin.okta.com', apiToken: 't' }, /admin domain/],
    [
      'admin preview domain',
      { orgUrl: 'https://acme-admin.oktapreview.com', apiToken: 't' },
      /admin domain/,
    ],
    ['.com.com', { orgUrl: 'https://acme.okta.com.com', apiToken: 't' }, /\.com\.com/],
    ['a path', { orgUrl: 'https://acme.okta.com/api/v1', apiToken: 't' }, /path, query/],
    ['a query', { orgUrl: 'https://acme.okta.com?x=1', apiToken: 't' }, /path, query/],
    ['two schemes', { orgUrl: 'https://https://acme.okta.com', apiToken: 't' }, /one scheme/],
  ];
  test.each(cases)('%s → OktaConfigError', (_name, options, message) => {
    let thrown: unknown;
    try {
      new OktaSessions(options as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OktaConfigError);
    expect((thrown as Error).message).toMatch(message);
  });

  test('a trailing slash and loopback http are fine', () => {
    expect(
      () => new OktaSessions({ orgUrl: 'https://acme.okta.com/', apiToken: 't' }),
    ).not.toThrow();
    expect(
      () => new OktaSessions({ orgUrl: 'http://127.0.0.1:8080', apiToken: 't' }),
    ).not.toThrow();
    expect(
      () => new OktaSessions({ orgUrl: 'http://localhost:8080', apiToken: 't' }),
    ).not.toThrow();
  });

  test('fromEnv reads the official SDK variables', async () => {
    server.reply(json(200, SESSION));
    await OktaSessions.fromEnv({
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_TOKEN: API_TOKEN,
    }).getSession('a');
    await OktaSessions.fromEnv({
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_ACCESS_TOKEN: ACCESS_TOKEN,
    }).getSession('a');
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual([
      `SSWS ${API_TOKEN}`,
      `Bearer ${ACCESS_TOKEN}`,
    ]);
    expect(() => OktaSessions.fromEnv({})).toThrow(OktaConfigError);
  });
});

describe('the /me operations in Node need the sid or idx cookie', () => {
  test.each([
    ['no cookie', undefined],
    ['no sid or idx', 'JSESSIONID=abc; DT=xyz'],
    ['an empty sid', 'sid=; idx='],
    ['a name that only ends in sid', 'xsid=abc'],
  ])('%s: OktaValidationError naming the cookie, before any request', async (_, cookie) => {
    server.reply(json(200, SESSION));
    const okta = client();
    for (const call of [
      () => okta.getCurrentSession(cookie === undefined ? {} : { cookie }),
      () => okta.refreshCurrentSession(cookie === undefined ? undefined : { cookie }),
      () => okta.closeCurrentSession(cookie === undefined ? {} : { cookie }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OktaValidationError);
      expect((error as Error).message).toMatch(/sid/);
      expect((error as Error).message).toMatch(/idx/);
    }
    expect(server.requests).toHaveLength(0);
  });

  test.each([['sid=abc'], ['idx=abc'], ['DT=1; sid=abc; JSESSIONID=2'], ['DT=1;idx = abc']])(
    '%s is sent',
    async (cookie) => {
      server.reply(json(200, SESSION));
      await client().getCurrentSession({ cookie });
      expect(server.requests[0]!.headers['cookie']).toBe(cookie);
    },
  );
});

describe('secrets never show', () => {
  test('in inspect and JSON of the client', () => {
    const okta = client();
    expect(inspect(okta, { depth: 10, showHidden: true })).not.toContain(API_TOKEN);
    expect(JSON.stringify(okta)).not.toContain(API_TOKEN);
    const bearer = client({ apiToken: undefined, accessToken: ACCESS_TOKEN });
    expect(inspect(bearer, { depth: 10, showHidden: true })).not.toContain(ACCESS_TOKEN);
  });

  test('in errors, even when the server echoes them back', async () => {
    server.reply((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errorCode: 'E0000001',
          errorSummary: `echo ${req.headers['authorization']} ${req.headers['cookie']} ${req.body}`,
          errorCauses: { errorSummary: `${req.headers['cookie']}` },
        }),
      );
    });
    const secrets = [API_TOKEN, 'SECRET-cookie-value-77', 'SECRET-session-token'];
    const errors = [
      await client()
        .createSession({ sessionToken: 'SECRET-session-token' })
        .catch((e: unknown) => e),
      await client()
        .getCurrentSession({ cookie: COOKIE })
        .catch((e: unknown) => e),
      await client()
        .getSession('abc')
        .catch((e: unknown) => e),
    ];
    for (const err of errors) {
      expect(err).toBeInstanceOf(OktaBadRequestError);
      const shown = [
        String(err),
        (err as Error).stack,
        JSON.stringify(err),
        inspect(err, { depth: 10, showHidden: true }),
      ].join('\n');
      for (const secret of secrets) expect(shown).not.toContain(secret);
    }
  });
});

describe('injected fetch', () => {
  test('receives a standard Request and its Response is used as is', async () => {
    const seen: Request[] = [];
    const okta = new OktaSessions({
      orgUrl: 'https://acme.okta.com',
      apiToken: API_TOKEN,
      fetch: async (input) => {
        seen.push(input as Request);
        return new Response(JSON.stringify(SESSION), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    const session = await okta.getSession('abc');
    expect(session.expiresAt).toEqual(new Date(SESSION.expiresAt));
    expect(seen[0]).toBeInstanceOf(Request);
    expect(seen[0]!.url).toBe('https://acme.okta.com/api/v1/sessions/abc');
    expect(seen[0]!.headers.get('authorization')).toBe(`SSWS ${API_TOKEN}`);
  });
});

/** The client always calls its fetch with one Request. */
const asFetch = (fetch: (r: Request) => Promise<Response>) => fetch as typeof globalThis.fetch;

/** A 200 or error Response whose body arrives in the given chunks, and whether it was cancelled. */
function chunkedResponse(status: number, chunks: Uint8Array[], endless = false) {
  const state = { cancelled: false, pulls: 0 };
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls++;
      if (next < chunks.length) controller.enqueue(chunks[next++]!);
      else if (endless) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(body, { status }), state };
}

/** `text` as UTF-8, cut into chunks of `size` bytes. */
function bytesIn(text: string, size: number): Uint8Array[] {
  const all = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += size) chunks.push(all.subarray(at, at + size));
  return chunks;
}

/** The Session JSON followed by spaces, `bytes` long in all. */
const paddedSession = (bytes: number) => {
  const text = JSON.stringify(SESSION);
  return text + ' '.repeat(bytes - text.length);
};

describe('the fetch transport reads bodies under a bound', () => {
  const MiB = 1024 * 1024;
  const over = (fetch: (r: Request) => Promise<Response>) =>
    new OktaSessions({
      orgUrl: 'https://acme.okta.com',
      apiToken: API_TOKEN,
      fetch: asFetch(fetch),
    });

  test('a Session body of exactly 1 MiB, in chunks, is read whole', async () => {
    const { response } = chunkedResponse(200, bytesIn(paddedSession(MiB), 100_000));
    const session = await over(async () => response).getSession('abc');
    expect(session.id).toBe(SESSION.id);
  });

  test('one byte over 1 MiB: OktaInvalidResponseError naming the limit, the body cancelled', async () => {
    const { response, state } = chunkedResponse(
      200,
      bytesIn(paddedSession(MiB + 1), 100_000),
      true,
    );
    const err = await over(async () => response)
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      'Okta HTTP 200 with an unusable body: response body larger than 1048576 bytes (GET /api/v1/sessions/abc)',
    );
    expect(state.cancelled).toBe(true);
  });

  test('a character split across two chunks is decoded whole', async () => {
    const text = JSON.stringify({ ...SESSION, login: 'zoë@example.com' });
    const bytes = new TextEncoder().encode(text);
    const split = bytes.indexOf(0xc3) + 1; // between the two bytes of "ë"
    const { response } = chunkedResponse(200, [bytes.subarray(0, split), bytes.subarray(split)]);
    const session = await over(async () => response).getSession('abc');
    expect(session.login).toBe('zoë@example.com');
  });

  test('a 200 without a body on getSession: the empty-body problem', async () => {
    const err = await over(async () => new Response(null, { status: 200 }))
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      'Okta HTTP 200 with an unusable body: empty body where a Session was expected (GET /api/v1/sessions/abc)',
    );
  });

  test('an error body is cut at exactly 64 KiB: JSON ending at the limit still parses', async () => {
    const head = '{"errorCode":"E0000007","errorSummary":"';
    const tail = '"}';
    const summary = 'x'.repeat(64 * 1024 - head.length - tail.length);
    const text = `${head}${summary}${tail}, and then the rest of an endless body`;
    const { response, state } = chunkedResponse(404, bytesIn(text, 10_000), true);
    const err = await over(async () => response)
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaNotFoundError);
    expect((err as OktaNotFoundError).errorCode).toBe('E0000007');
    expect((err as OktaNotFoundError).errorSummary).toBe(`${'x'.repeat(2000)}…`);
    expect(state.cancelled).toBe(true);
  });

  test('the browser credentials mode is sent with the request', async () => {
    const seen: Request[] = [];
    const okta = new OktaSessions({
      orgUrl: 'https://acme.okta.com',
      credentials: 'include',
      fetch: async (request) => {
        seen.push(request as Request);
        return new Response(JSON.stringify(SESSION), { status: 200 });
      },
    });
    await okta.getCurrentSession({ cookie: 'sid=abc' });
    expect(seen[0]!.credentials).toBe('include');
    expect(seen[0]!.redirect).toBe('manual');
  });

  test('only the cookie (/me) operations get the credentials mode; the token ones keep the default', async () => {
    const seen: Request[] = [];
    const okta = new OktaSessions({
      orgUrl: 'https://acme.okta.com',
      apiToken: API_TOKEN,
      credentials: 'include',
      fetch: async (request) => {
        seen.push(request as Request);
        return new Response(JSON.stringify(SESSION), { status: 200 });
      },
    });
    await okta.getSession('abc');
    await okta.getCurrentSession({ cookie: 'sid=abc' });
    expect(seen.map((request) => request.credentials)).toEqual(['same-origin', 'include']);
  });

  test('content-type goes with a body only, not with a cookie or per-call headers', async () => {
    const seen: Request[] = [];
    const okta = new OktaSessions({
      orgUrl: 'https://acme.okta.com',
      apiToken: API_TOKEN,
      fetch: async (request) => {
        seen.push(request as Request);
        return new Response(JSON.stringify(SESSION), { status: 200 });
      },
    });
    await okta.getCurrentSession({ cookie: 'sid=abc' });
    await okta.getSession('abc', { headers: { 'X-Trace': 't1' } });
    await okta.createSession({ sessionToken: 'x'.repeat(30) });
    expect(seen.map((request) => request.headers.get('content-type'))).toEqual([
      null,
      null,
      'application/json',
    ]);
  });

  test('createSession is never repeated after a 503 (its session token is single-use); getSession is', async () => {
    const seen: string[] = [];
    const okta = new OktaSessions({
      orgUrl: 'https://acme.okta.com',
      apiToken: API_TOKEN,
      retry: { maxDelayMs: 0 },
      fetch: async (request) => {
        seen.push((request as Request).method);
        return new Response('', { status: 503 });
      },
    });
    await expect(okta.createSession({ sessionToken: 'x'.repeat(30) })).rejects.toMatchObject({
      status: 503,
    });
    await expect(okta.getSession('abc')).rejects.toMatchObject({ status: 503 });
    expect(seen).toEqual(['POST', 'GET', 'GET', 'GET']);
  });
});

describe('one attempt', () => {
  const ORG = 'https://acme.okta.com';
  const withFetch = (fetch: (r: Request) => Promise<Response>, extra: object = {}) =>
    new OktaSessions({
      orgUrl: ORG,
      apiToken: API_TOKEN,
      retry: { maxRetries: 0 },
      fetch: asFetch(fetch),
      ...extra,
    });
  const sessionReply = (status = 200) => new Response(JSON.stringify(SESSION), { status });

  test('a 299 is a success and a 300 an OktaApiError', async () => {
    const session = await withFetch(async () => sessionReply(299)).getSession('abc');
    expect(session.id).toBe(SESSION.id);
    const err = await withFetch(async () => sessionReply(300))
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaApiError);
    expect((err as OktaApiError).status).toBe(300);
  });

  test('a fetch that rejects: OktaNetworkError naming method and path, the failure in cause', async () => {
    const failure = new Error('socket hang up');
    const err = await withFetch(async () => {
      throw failure;
    })
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaNetworkError);
    expect((err as Error).message).toBe(
      'Okta request failed: socket hang up (GET /api/v1/sessions/abc)',
    );
    expect((err as Error).cause).toEqual(failure);
  });

  /** A fetch that never answers: its promise only rejects, with its request's abort reason. */
  function silentFetch() {
    const calls: { request: Request; rejectedWith?: unknown }[] = [];
    const fetch = (request: Request) => {
      const call: (typeof calls)[number] = { request };
      calls.push(call);
      return new Promise<Response>((_resolve, reject) =>
        request.signal.addEventListener('abort', () => {
          call.rejectedWith = request.signal.reason;
          reject(request.signal.reason);
        }),
      );
    };
    return { fetch, calls };
  }

  test('a fetch that never answers: OktaTimeoutError naming the timeout, method and path; the request is aborted', async () => {
    const { fetch, calls } = silentFetch();
    const err = await withFetch(fetch, { timeoutMs: 50 })
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaTimeoutError);
    expect((err as Error).message).toBe(
      'Okta request timed out after 50 ms (GET /api/v1/sessions/abc)',
    );
    // The fetch was told through its request's signal, and gave up through it.
    expect(calls).toHaveLength(1);
    const [{ request, rejectedWith }] = calls as [(typeof calls)[number]];
    expect(request.signal.aborted).toBe(true);
    expect(request.signal.reason).toBeInstanceOf(OktaTimeoutError);
    expect(rejectedWith).toBe(request.signal.reason);
  });

  test("a fetch that never answers, and the caller aborts: the call rejects with the caller's reason and the request is aborted with it", async () => {
    const { fetch, calls } = silentFetch();
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = withFetch(fetch)
      .getSession('abc', { signal: controller.signal })
      .catch((e: unknown) => e);
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(calls[0]!.request.signal.aborted).toBe(false);
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(calls).toHaveLength(1);
    const [{ request, rejectedWith }] = calls as [(typeof calls)[number]];
    expect(request.signal.aborted).toBe(true);
    expect(request.signal.reason).toBe(reason);
    expect(rejectedWith).toBe(reason);
  });

  test('a retried /me call sends X-Okta-Retry-Count and still no credential', async () => {
    const seen: Request[] = [];
    const okta = withFetch(
      async (request) => {
        seen.push(request);
        return seen.length === 1 ? new Response('{}', { status: 503 }) : sessionReply();
      },
      { retry: { maxRetries: 1, maxDelayMs: 0 } },
    );
    await okta.getCurrentSession({ cookie: 'sid=abc' });
    expect(
      seen.map((r) => [r.headers.get('x-okta-retry-count'), r.headers.get('authorization')]),
    ).toEqual([
      [null, null],
      ['1', null],
    ]);
  });

  test('an unusable 200 keeps its request id, scrubbed of the API token', async () => {
    const err = await withFetch(
      async () =>
        new Response('<html>', {
          status: 200,
          headers: { 'x-okta-request-id': `req-${API_TOKEN}` },
        }),
    )
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    const { requestId, message } = err as OktaInvalidResponseError;
    expect(requestId).toMatch(/^req-/);
    expect(requestId).not.toContain(API_TOKEN);
    expect(message).toBe(
      `Okta HTTP 200 with an unusable body: body is not JSON (GET /api/v1/sessions/abc, request ${requestId})`,
    );
  });

  test('an unusable 200 without a request id has requestId undefined', async () => {
    const err = await withFetch(async () => new Response('<html>', { status: 200 }))
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as OktaInvalidResponseError).requestId).toBeUndefined();
  });

  test('an overlong 200 keeps its request id too', async () => {
    const err = await withFetch(
      async () =>
        new Response(paddedSession(1024 * 1024 + 1), {
          status: 200,
          headers: { 'x-okta-request-id': 'req-big' },
        }),
    )
      .getSession('abc')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as OktaInvalidResponseError).requestId).toBe('req-big');
  });
});

describe('no caching', () => {
  test('the same GET for two users reaches the server twice, each with its own cookie', async () => {
    server.reply((req, res) =>
      json(200, { ...SESSION, id: String(req.headers['cookie']).slice(4) })(req, res),
    );
    const okta = client();
    const a = await okta.getCurrentSession({ cookie: 'sid=user-a-session' });
    const b = await okta.getCurrentSession({ cookie: 'sid=user-b-session' });
    expect([a.id, b.id]).toEqual(['user-a-session', 'user-b-session']);
    expect(server.requests.map((r) => r.headers['cookie'])).toEqual([
      'sid=user-a-session',
      'sid=user-b-session',
    ]);
  });
});

describe('throttle', () => {
  test('after a response with X-Rate-Limit-Remaining 0, the next call waits for the reset', async () => {
    const serverNow = Date.now();
    const date = new Date(serverNow).toUTCString();
    const resetSeconds = Math.floor(serverNow / 1000) + 1;
    server.reply(
      json(200, SESSION, {
        date,
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(resetSeconds),
      }),
      json(200, SESSION),
    );
    const throttled = client({ throttle: true });
    await throttled.getSession('abc');
    // Okta's windows are per endpoint group: the /me group is not held back.
    server.reply(json(200, SESSION));
    const other = Date.now();
    await throttled.getCurrentSession({ cookie: COOKIE });
    expect(Date.now() - other).toBeLessThan(900);
    server.reply(json(200, SESSION));
    const started = Date.now();
    await throttled.getSession('abc');
    const waited = Date.now() - started;
    // reset − Date + 1 s: between 1 and 2 s by the server's clock (less what already passed).
    expect(waited).toBeGreaterThanOrEqual(500);
    expect(waited).toBeLessThan(4_000);
    expect(server.requests).toHaveLength(1);

    // Without throttle, the same answer does not delay the next call.
    server.reply(
      json(200, SESSION, {
        date,
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(resetSeconds),
      }),
    );
    const eager = client();
    await eager.getSession('abc');
    const again = Date.now();
    await eager.getSession('abc');
    expect(Date.now() - again).toBeLessThan(900);
  });

  test('a spent window holds back the whole bucket: revokeSession waits after getSession', async () => {
    const serverNow = Date.now();
    server.reply(
      json(200, SESSION, {
        date: new Date(serverNow).toUTCString(),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(Math.floor(serverNow / 1000) + 1),
      }),
    );
    const throttled = client({ throttle: true });
    await throttled.getSession('abc');
    server.reply((_req, res) => res.writeHead(204).end());
    const started = Date.now();
    await throttled.revokeSession('abc');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  test('throttle: { store } asks the store before each attempt and tells it every answer', async () => {
    const seen: string[] = [];
    const store: RateLimitStore = {
      reserve: (bucket) => {
        seen.push(`reserve ${bucket.group} ${bucket.key}`);
        return slot();
      },
      record: (bucket, state) => {
        seen.push(`record ${bucket.group} ${String(state.remaining)}`);
      },
    };
    server.reply(
      json(200, SESSION, { 'x-rate-limit-remaining': '7' }),
      json(200, SESSION, { 'x-rate-limit-remaining': '5' }),
    );
    const okta = client({ throttle: { store } });
    await okta.getSession('abc');
    await okta.getCurrentSession({ cookie: COOKIE });
    expect(seen).toEqual([
      `reserve sessions ${server.url} sessions`,
      'record sessions 7',
      `reserve me ${server.url} me`,
      'record me 5',
    ]);
  });

  test("a store whose record rejects or throws: calls still get the server's answer, and nothing is left unhandled", async () => {
    // In a plain Node process: a jest sandbox's `process` never hears of unhandled rejections.
    server.reply(json(200, SESSION), json(404, {}), json(200, SESSION), json(404, {}));
    const { code, stdout, stderr } = await runNodeScript(
      `import { OktaSessions } from './src/index.ts';
      const unhandled: string[] = [];
      process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));
      const failures = {
        rejects: () => Promise.reject(new Error('store down')),
        throws: () => {
          throw new Error('store down');
        },
      };
      const outcomes: string[] = [];
      let recorded = 0;
      for (const [how, fail] of Object.entries(failures)) {
        const slot = { granted: true as const, waitMs: 0, release: () => undefined };
        const store = { reserve: () => slot, record: () => (recorded++, fail()) };
        const okta = new OktaSessions({
          orgUrl: process.env.ORG_URL!,
          apiToken: 'tok',
          retry: { maxRetries: 0 },
          throttle: { store },
        });
        const ok = await okta.getSession('abc').then((s) => s.id, (e: Error) => e.message);
        const gone = await okta.getSession('gone').then(() => 'answered', (e: Error) => e.name);
        outcomes.push(\`\${how}: \${ok}, \${gone}\`);
      }
      // Node reports a stray rejection once the microtasks have run.
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log(JSON.stringify({ outcomes, recorded, unhandled }));`,
      { ORG_URL: server.url },
    );
    // Each client reports its store's failure once, through the default onWarning
    // (process.emitWarning); nothing else reaches stderr.
    expect(code).toBe(0);
    const warned = stderr
      .split('\n')
      .filter((line) => line.startsWith('(node:'))
      .map((line) => line.replace(/^\(node:\d+\) /, ''));
    expect(warned).toEqual([
      "[OKTA_SESSIONS_STORE_FAILED] OktaSessionsWarning: The rate-limit store failed to record a response; this process's memory keeps the rate-limit windows until it answers again (tried again after 5000 ms)",
      "[OKTA_SESSIONS_STORE_FAILED] OktaSessionsWarning: The rate-limit store failed to record a response; this process's memory keeps the rate-limit windows until it answers again (tried again after 5000 ms)",
    ]);
    expect(
      stderr.replace(/^\(node:.*\n?/gm, '').replace(/^\(Use `node --trace-warnings.*\n?/m, ''),
    ).toBe('');
    expect(JSON.parse(stdout)).toEqual({
      outcomes: [
        `rejects: ${SESSION.id}, OktaNotFoundError`,
        `throws: ${SESSION.id}, OktaNotFoundError`,
      ],
      recorded: 4,
      unhandled: [],
    });
  });
});

describe('access token providers', () => {
  test('a provider that never answers is bounded by timeoutMs and by the caller abort', async () => {
    server.reply(json(200, SESSION));
    const okta = client({
      apiToken: undefined,
      accessToken: () => new Promise<string>(() => {}),
      timeoutMs: 200,
    });
    const started = Date.now();
    await expect(okta.getSession('abc')).rejects.toBeInstanceOf(OktaTimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 50);
    const slow = client({ apiToken: undefined, accessToken: () => new Promise<string>(() => {}) });
    await expect(slow.getSession('abc', { signal: controller.signal })).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  test('a provider that throws gives one OktaConfigError, its message kept in cause only', async () => {
    server.reply(json(200, SESSION));
    let calls = 0;
    const okta = client({
      apiToken: undefined,
      accessToken: () => {
        calls++;
        throw new Error('idp down: client_secret=SECRET-provider-xyz');
      },
      retry: { maxRetries: 2 },
    });
    const err = (await okta.getSession('abc').catch((e: unknown) => e)) as OktaConfigError;
    expect(err).toBeInstanceOf(OktaConfigError);
    expect(err.message).not.toContain('SECRET-provider-xyz');
    expect((err.cause as Error).message).toContain('idp down');
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  test('a provider returning "Bearer …" is rejected rather than sent as "Bearer Bearer …"', async () => {
    const okta = client({ apiToken: undefined, accessToken: async () => `Bearer ${ACCESS_TOKEN}` });
    await expect(okta.getSession('abc')).rejects.toBeInstanceOf(OktaConfigError);
  });
});

describe('the raw client', () => {
  test('is a plain openapi-fetch client: standard Response, every parseAs', async () => {
    server.reply(json(200, SESSION));
    const { data, response } = await client().raw.GET('/api/v1/sessions/{sessionId}', {
      params: { path: { sessionId: 'abc' } },
      parseAs: 'arrayBuffer',
    });
    expect(response).toBeInstanceOf(Response);
    expect(JSON.parse(Buffer.from(data as ArrayBuffer).toString('utf8')).id).toBe(SESSION.id);
  });

  test('with a caller fetch, a session token echoed by the server is scrubbed', async () => {
    server.reply((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorCode: 'E0000001', errorSummary: `bad ${req.body}` }));
    });
    const okta = client({ fetch: (request: Request) => fetch(request) });
    const err = await okta.raw
      .POST('/api/v1/sessions', { body: { sessionToken: 'SECRET-raw-session-token' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaBadRequestError);
    expect(inspect(err, { depth: 10 })).not.toContain('SECRET-raw-session-token');
  });
});
