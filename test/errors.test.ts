// Errors: which class an answer becomes (the error factory), what an error body contributes,
// bodies that cannot be used, and OAuth error answers to an API call.

import * as fetchHarness from './helpers/fetch-harness.js';
import {
  OktaApiError,
  OktaAuthenticationError,
  OktaBadRequestError,
  OktaError,
  OktaForbiddenError,
  OktaInvalidResponseError,
  OktaNetworkError,
  OktaNotFoundError,
  OktaOAuthError,
  OktaRateLimitError,
  OktaServerError,
  OktaSessions,
  OktaThrottleError,
  isOktaError,
  isOktaThrottleError,
  type RateLimitStore,
} from '../src/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { explainFailure } from '../src/transport/not-tls.js';
import { inspect } from 'node:util';
import { measure, sleep } from './helpers/faults-expect.js';
import {
  closeAllScriptedServers,
  empty,
  json,
  newRequestId,
  oktaError,
  sessionBody,
  streamBody,
  text,
} from './helpers/scripted-server.js';
import {
  SESSION_ID,
  client,
  failure,
  getSessionFromStreamedError,
  serve,
  server,
} from './helpers/live-server.js';
import { API_TOKEN, T, harness, rateLimited, rejection } from './helpers/fetch-harness.js';
import { REDACTED } from '../src/text/redact.js';
import { refusal, slot } from './helpers/slots.js';

afterEach(closeAllScriptedServers);

describe('unusable bodies', () => {
  test('200 with an HTML body: OktaInvalidResponseError', async () => {
    await serve(
      text(200, '<!doctype html><html><body>Sign in</body></html>', {
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      }),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaInvalidResponseError);
    expect(err.status).toBe(200);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('200 with an HTML body sent as application/json: OktaInvalidResponseError', async () => {
    await serve(
      text(200, '<html>oops</html>', { headers: { 'Content-Type': 'application/json' } }),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaInvalidResponseError);
    expect(server.attempts).toBe(1);
  });

  test('200 with truncated JSON: OktaInvalidResponseError', async () => {
    const full = JSON.stringify(sessionBody());
    await serve(
      text(200, full.slice(0, Math.floor(full.length / 2)), {
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaInvalidResponseError);
    expect(err.status).toBe(200);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('200 with an empty body on getSession: OktaInvalidResponseError', async () => {
    await serve(empty(200, { headers: { 'Content-Type': 'application/json' } }));
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaInvalidResponseError);
    expect(err.status).toBe(200);
    expect(server.attempts).toBe(1);
  });

  test('200 with a JSON array or null on getSession: OktaInvalidResponseError', async () => {
    await serve(json(200, [sessionBody()]), json(200, null));
    const okta = client();

    failure(await measure(() => okta.getSession(SESSION_ID)), OktaInvalidResponseError, 2_000);
    failure(await measure(() => okta.getSession(SESSION_ID)), OktaInvalidResponseError, 2_000);
    expect(server.attempts).toBe(2);
  });

  test('404 with an empty body: OktaNotFoundError without errorCode', async () => {
    await serve(empty(404));
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaNotFoundError);
    expect(err.status).toBe(404);
    expect(err.errorCode).toBeUndefined();
    expect(err.errorCauses).toEqual([]);
    expect(server.attempts).toBe(1);
  });

  test('404 E0000007 on getSession: OktaNotFoundError with errorCode, errorId and requestId', async () => {
    const rid = newRequestId('nf');
    const body = oktaError('E0000007', `Not found: Resource not found: ${SESSION_ID} (Session)`);
    await serve(json(404, body, { requestId: rid }));
    const okta = client();

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaNotFoundError);
    expect(err.errorCode).toBe('E0000007');
    expect(err.errorId).toBe(body['errorId']);
    expect(err.requestId).toBe(rid);
    expect(server.attempts).toBe(1);
  });

  test('an error body whose errorCauses is an object: errorCauses is an array of one', async () => {
    await serve(
      json(
        400,
        oktaError('E0000001', 'Api validation failed: sessionId', {
          errorSummary: 'sessionId: is not valid',
        }),
      ),
    );
    const okta = client();

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    const err = failure(outcome, OktaBadRequestError);
    expect(err.errorCode).toBe('E0000001');
    expect(Array.isArray(err.errorCauses)).toBe(true);
    expect(err.errorCauses).toHaveLength(1);
    expect(err.errorCauses[0]?.errorSummary).toBe('sessionId: is not valid');
    expect(server.attempts).toBe(1);
  });

  test('403 with a JSON body of the wrong shape: OktaForbiddenError, fields undefined', async () => {
    await serve(json(403, { errorCode: 42, errorSummary: { nested: true }, errorCauses: 'nope' }));
    const okta = client();

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaForbiddenError);
    expect(err.status).toBe(403);
    expect(err.errorCode === undefined || typeof err.errorCode === 'string').toBe(true);
    expect(Array.isArray(err.errorCauses)).toBe(true);
  });

  test('a 50 MB error body: OktaBadRequestError with bounded fields, finished quickly, memory bounded', async () => {
    const total = 50 * 1024 * 1024;
    const { outcome, rssGrowth, written } = await getSessionFromStreamedError(
      400,
      total,
      '{"errorCode":"E0000001","errorSummary":"',
      15_000,
      15_000,
    );
    const err = failure(outcome, OktaBadRequestError, 8_000);
    expect(err.status).toBe(400);
    expect(err.message.length).toBeLessThan(64 * 1024);
    expect(err.errorSummary?.length ?? 0).toBeLessThan(1024 * 1024);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(8_000);
    // Loose: a client that buffered and decoded all 50 MB would grow by well over 100 MB.
    expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);
    await sleep(100);
    expect(written()).toBeLessThan(total);
  });

  test('an error body that never ends: OktaForbiddenError, the client stops reading', async () => {
    // The timeout is long, so only a size limit can end this call quickly.
    const { outcome, rssGrowth, written } = await getSessionFromStreamedError(
      403,
      Infinity,
      '{"errorCode":"E0000006","errorSummary":"You do not have permission',
      20_000,
      12_000,
    );
    const err = failure(outcome, OktaForbiddenError, 6_000);
    expect(err.status).toBe(403);
    expect(err.message.length).toBeLessThan(64 * 1024);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(6_000);
    expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);
    // The client hung up: the server stopped writing.
    await sleep(200);
    expect(written()).toBeGreaterThan(0);
    expect(written()).toBeLessThan(256 * 1024 * 1024);
  });

  test('a 200 body that never ends on getSession: rejected quickly, not buffered forever', async () => {
    await serve(streamBody(200, { totalBytes: Infinity, prefix: '{"id":"' }));
    const okta = client({ timeoutMs: 20_000 });

    const outcome = await measure(() => okta.getSession(SESSION_ID), 12_000);

    const err = failure(outcome, OktaError);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(6_000);
  });
});

describe('error bodies', () => {
  const { SESSION_ID, json } = fetchHarness; // test/helpers/fetch-harness.ts's own
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

describe('the error factory', () => {
  const { SESSION_ID, json } = fetchHarness; // test/helpers/fetch-harness.ts's own
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
      reserve: () => slot(),
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

describe('OAuth answers from an API call', () => {
  const { SESSION_ID } = fetchHarness; // test/helpers/fetch-harness.ts's own
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

describe('network failures in plain words', () => {
  const NOT_TLS =
    'Okta request failed: the server does not speak TLS; did you mean http://? (GET /api/v1/sessions/abc)';

  test('https:// to a plain-HTTP server (the emulator): no OpenSSL text, a hint at http://, by the Node transport, a fetch and okta.raw', async () => {
    const emu = await startEmulator({ port: 0 });
    try {
      const orgUrl = emu.url.replace('http://', 'https://');
      const options = { orgUrl, apiToken: emu.apiToken, retry: { maxRetries: 0 } };
      const viaUndici = await rejection(new OktaSessions(options).getSession('abc'));
      const viaFetch = await rejection(
        new OktaSessions({ ...options, fetch: (request) => fetch(request) }).getSession('abc'),
      );
      const viaRaw = await rejection(
        new OktaSessions(options).raw.GET('/api/v1/sessions/{sessionId}', {
          params: { path: { sessionId: 'abc' } },
        }),
      );
      for (const error of [viaUndici, viaFetch, viaRaw]) {
        expect(error).toBeInstanceOf(OktaNetworkError);
        expect((error as Error).message).toBe(NOT_TLS);
        expect((error as Error).message).not.toMatch(/ssl3_get_record|version number/);
        // OpenSSL's code stays on the cause, and its error behind it, for whoever digs further.
        const cause = (error as Error).cause as Error & { code?: string; cause?: unknown };
        expect(cause.code).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
        expect(JSON.stringify(inspect(cause.cause))).toMatch(/wrong version number/);
      }
    } finally {
      await emu.close();
    }
  });

  test('only loopback hosts get "did you mean http://?" (elsewhere http:// is refused anyway); other failures keep their words', () => {
    const url = 'https://acme.okta.com/api/v1/sessions/x';
    const wrongVersion = Object.assign(new Error('ssl3_get_record:wrong version number'), {
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
    });
    expect(new OktaNetworkError('GET', url, explainFailure(url, wrongVersion)).message).toBe(
      'Okta request failed: the server does not speak TLS; check the host and port of the org URL (GET /api/v1/sessions/x)',
    );
    // fetch wraps the transport's error: the code is found one cause down.
    const fetchFailed = new TypeError('fetch failed', { cause: wrongVersion });
    const local = 'https://localhost:8443/api/v1/sessions/x';
    expect(new OktaNetworkError('GET', local, explainFailure(local, fetchFailed)).message).toBe(
      'Okta request failed: the server does not speak TLS; did you mean http://? (GET /api/v1/sessions/x)',
    );
    const expired = Object.assign(new Error('certificate has expired'), {
      code: 'CERT_HAS_EXPIRED',
    });
    expect(explainFailure(url, expired)).toBe(expired);
    // Over http:// there is no TLS to speak of.
    expect(explainFailure('http://127.0.0.1:1/x', wrongVersion)).toBe(wrongVersion);
  });

  test.each([
    ['127.0.0.1', true],
    ['127.10.200.30', true],
    ['localhost', true],
    ['[::1]', true],
    ['127.0.0.1.evil.example', false],
    ['sub.localhost', false],
    // URL writes any numeric host as four parts: 127.1 is 127.0.0.1.
    ['127.1', true],
    ['127.example', false],
  ])('https://%s: loopback (did you mean http://?) is %s', (host, loopback) => {
    const error = Object.assign(new Error('packet length too long'), {
      code: 'ERR_SSL_PACKET_LENGTH_TOO_LONG',
    });
    const explained = explainFailure(`https://${host}:8443/x`, error) as Error;
    expect(explained.message).toBe(
      loopback
        ? 'the server does not speak TLS; did you mean http://?'
        : 'the server does not speak TLS; check the host and port of the org URL',
    );
  });

  test('the code is looked for four causes deep, no deeper, and a cause that loops ends the search', () => {
    const url = 'https://acme.okta.com/x';
    const wrapped = (depth: number): unknown => {
      let error: unknown = Object.assign(new Error('tls'), {
        code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      });
      for (let i = 0; i < depth; i++) error = new Error(`wrapper ${i}`, { cause: error });
      return error;
    };
    expect((explainFailure(url, wrapped(3)) as { code?: string }).code).toBe(
      'ERR_SSL_WRONG_VERSION_NUMBER',
    );
    const tooDeep = wrapped(4);
    expect(explainFailure(url, tooDeep)).toBe(tooDeep);
    const looping = new Error('loop') as Error & { cause?: unknown };
    looping.cause = looping;
    expect(explainFailure(url, looping)).toBe(looping);
  });
});

describe('OktaThrottleError: the store refused a slot, nothing was sent', () => {
  const resetAt = Date.parse('2026-01-01T00:01:00Z');
  const refusing: RateLimitStore = {
    reserve: () => refusal(42_000, resetAt),
    record: () => undefined,
  };

  test('thrown before any I/O, not retried, carrying retryAfterMs and resetAt', async () => {
    const retries: unknown[] = [];
    const h = harness([], {
      throttle: { store: refusing, maxWaitMs: 5_000 },
      retry: { maxRetries: 3 },
      onRetry: (info) => retries.push(info),
    });
    const err = await rejection(h.okta.getSession(SESSION_ID));
    expect(h.requests).toHaveLength(0);
    expect(retries).toEqual([]);
    expect(err).toBeInstanceOf(OktaThrottleError);
    expect(err).toBeInstanceOf(OktaError);
    expect(err).not.toBeInstanceOf(OktaApiError);
    expect(err).not.toBeInstanceOf(OktaRateLimitError);
    const e = err as OktaThrottleError;
    expect([e.name, e.operationId, e.maxWaitMs, e.retryAfterMs]).toEqual([
      'OktaThrottleError',
      'getSession',
      5_000,
      42_000,
    ]);
    expect(e.resetAt).toEqual(new Date(resetAt));
    expect(e.message).toBe(
      'Not sent: no rate-limit slot for getSession within 5000 ms (next slot in 42000 ms)',
    );
    expect(inspect(e)).not.toContain(API_TOKEN);
  });

  test('its guard and instanceof go by the brand: an error from another copy of the package passes', () => {
    const other = new Error('from the CommonJS build');
    Object.defineProperty(other, Symbol.for('okta-sessions.error.kinds'), {
      value: ['OktaError', 'OktaThrottleError'],
    });
    expect(isOktaThrottleError(other)).toBe(true);
    expect(other instanceof OktaThrottleError).toBe(true);
    expect(isOktaError(other)).toBe(true);
    expect(
      isOktaThrottleError(
        new OktaRateLimitError({
          status: 429,
          requestId: undefined,
          method: 'GET',
          url: 'https://acme.okta.com/x',
          limit: 1,
          remaining: 0,
          resetAt: undefined,
        }),
      ),
    ).toBe(false);
  });
});
