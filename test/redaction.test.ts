// Redaction: no secret (API token, access token, session token, cookie value) reaches an error's
// message or fields, onRetry or the CLI, however a server echoes it; how scrubbing places its
// marks; and control characters from a server never reach a message or the terminal raw.

import * as hostileServer from './helpers/hostile-server.js';
import * as fetchHarness from './helpers/fetch-harness.js';
import {
  OktaApiError,
  OktaAuthenticationError,
  OktaInvalidResponseError,
  OktaNetworkError,
  OktaNotFoundError,
  OktaRateLimitError,
  OktaSessions,
  OktaTimeoutError,
  type RetryInfo,
} from '../src/index.js';
import { expectNoSecrets, measure, valueOf } from './helpers/faults-expect.js';
import {
  type ScriptStep,
  closeAllScriptedServers,
  headerOf,
  json,
  neverAnswer,
  oktaError,
  rateLimited,
  resetBeforeHeaders,
  sessionBody,
  sessionOk,
  text,
} from './helpers/scripted-server.js';
import {
  ACCESS_TOKEN,
  API_TOKEN,
  COOKIE,
  COOKIE_VALUE,
  SESSION_ID,
  SESSION_TOKEN,
  client,
  failure,
  serve,
  server,
} from './helpers/live-server.js';
import { REDACTED, scrub, secretsOfHeader } from '../src/text/redact.js';
import { harness, rejection } from './helpers/fetch-harness.js';
import { RAW_CONTROL, cli } from './helpers/hostile-server.js';
import fc from 'fast-check';
import { printable } from '../src/text/printable.js';

afterEach(closeAllScriptedServers);

describe('secrets and credentials', () => {
  test('a 401 whose body echoes the API token: the token is not in the error', async () => {
    await serve(
      json(
        401,
        oktaError('E0000011', `Invalid token provided: SSWS ${API_TOKEN}`, [
          { errorSummary: `token ${API_TOKEN} is revoked` },
        ]),
      ),
    );
    const okta = client();

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaAuthenticationError);
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe('E0000011');
    expect(server.attempts).toBe(1);
    expect(headerOf(server.requests[0], 'authorization')).toBe(`SSWS ${API_TOKEN}`);
  });

  test('accessToken function: Bearer sent, 401 echoing it gives OktaAuthenticationError without the token', async () => {
    await serve(json(401, oktaError('E0000011', `Invalid token provided: Bearer ${ACCESS_TOKEN}`)));
    const okta = new OktaSessions({
      orgUrl: server.url,
      accessToken: async () => ACCESS_TOKEN,
      retry: { maxRetries: 0 },
    });

    const err = failure(await measure(() => okta.getSession(SESSION_ID)), OktaAuthenticationError);
    expect(err.status).toBe(401);
    expect(server.attempts).toBe(1);
    expect(headerOf(server.requests[0], 'authorization')).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  test('getCurrentSession 404 echoing the cookie: cookie forwarded, no Authorization, cookie not in the error', async () => {
    await serve(json(404, oktaError('E0000007', `Not found: session for ${COOKIE}`)));
    const okta = client();

    const err = failure(
      await measure(() => okta.getCurrentSession({ cookie: COOKIE })),
      OktaNotFoundError,
    );
    expect(err.status).toBe(404);
    expect(server.attempts).toBe(1);
    expect(server.requests[0]?.url).toBe('/api/v1/sessions/me');
    expect(headerOf(server.requests[0], 'cookie')).toBe(COOKIE);
    expect(headerOf(server.requests[0], 'authorization')).toBeUndefined();
  });

  test("getCurrentSession 404 echoing the bare cookie value, as Okta's summary does: not in the error", async () => {
    await serve(
      json(404, oktaError('E0000007', `Not found: Resource not found: ${COOKIE_VALUE} (Session)`)),
    );
    const okta = client();

    const err = failure(
      await measure(() => okta.getCurrentSession({ cookie: COOKIE })),
      OktaNotFoundError,
    );
    expect(err.errorSummary).toBe('Not found: Resource not found: [REDACTED] (Session)');
    expect(server.attempts).toBe(1);
  });

  test('createSession 400 echoing the session token: the token is not in the error', async () => {
    await serve(
      json(400, oktaError('E0000004', `Authentication failed for sessionToken ${SESSION_TOKEN}`)),
    );
    const okta = client();

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

    const err = failure(outcome, OktaApiError);
    expect(err.status).toBe(400);
    expect(server.attempts).toBe(1);
  });

  test('closeCurrentSession reset on every attempt: OktaNetworkError after retries, cookie not in the error', async () => {
    await serve(resetBeforeHeaders(), resetBeforeHeaders(), resetBeforeHeaders());
    const okta = client({ retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.closeCurrentSession({ cookie: COOKIE }));

    failure(outcome, OktaNetworkError);
    expect(server.attempts).toBe(3);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'DELETE /api/v1/sessions/me',
      'DELETE /api/v1/sessions/me',
      'DELETE /api/v1/sessions/me',
    ]);
  });

  test('refreshCurrentSession 503 then 200: retried, cookie sent on every attempt', async () => {
    await serve(text(503, 'busy'), sessionOk());
    const okta = client({ retry: { maxDelayMs: 50 } });

    const outcome = await measure(() => okta.refreshCurrentSession({ cookie: COOKIE }));

    expect(valueOf(outcome).id).toBe(SESSION_ID);
    expect(server.attempts).toBe(2);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
    for (const r of server.requests) {
      expect(`${r.method} ${r.url}`).toBe('POST /api/v1/sessions/me/lifecycle/refresh');
      expect(headerOf(r, 'cookie')).toBe(COOKIE);
    }
  });

  test('a timeout on getCurrentSession: OktaTimeoutError without the cookie', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getCurrentSession({ cookie: COOKIE }));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });
});

describe('redaction', () => {
  const { SESSION_ID, json } = fetchHarness; // test/helpers/fetch-harness.ts's own
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

describe('secrets a server echoes never reach a message, an error field, onRetry or the CLI', () => {
  const { API_TOKEN, COOKIE_VALUE, SESSION_TOKEN, client, failure, serve } = hostileServer; // test/helpers/hostile-server.ts's own
  const echoes: Array<[string, string]> = [
    ['the API token', API_TOKEN],
    ['the API token glued into a longer id', `req-${API_TOKEN}-1`],
    ['the session token', SESSION_TOKEN],
  ];

  test.each(echoes)(
    'a request id that echoes %s is scrubbed from the error, its message and onRetry',
    async (_, requestId) => {
      const server = await serve(
        rateLimited({ requestId, reset: null, retryAfter: '0' }),
        json(401, oktaError('E0000004', 'Authentication failed'), { requestId }),
      );
      const seen: RetryInfo[] = [];
      const okta = client(server, {
        retry: { maxRetries: 1 },
        onRetry: (info: RetryInfo) => seen.push(info),
      });
      const err = await failure(okta.createSession({ sessionToken: SESSION_TOKEN }));
      expect(err).toBeInstanceOf(OktaAuthenticationError);
      expectNoSecrets(err, [API_TOKEN, SESSION_TOKEN]);
      expect((err as OktaAuthenticationError).requestId).toContain(REDACTED);
      expect(seen).toHaveLength(1);
      expect(JSON.stringify(seen)).not.toMatch(/SECRET/);
      expect(seen[0]!.requestId).toContain(REDACTED);
      // The retry's X-Okta-Retry-For carries the scrubbed id, never the secret back.
      expect(server.requests[1]!.headers['x-okta-retry-for']).toContain(REDACTED);
    },
  );

  test('a request id that echoes the cookie value is scrubbed from a 404', async () => {
    const server = await serve(
      json(404, oktaError('E0000007', `Not found: Resource not found: ${COOKIE_VALUE} (Session)`), {
        requestId: COOKIE_VALUE,
      }),
    );
    const err = await failure(client(server).getCurrentSession({ cookie: `sid=${COOKIE_VALUE}` }));
    expect(err).toBeInstanceOf(OktaNotFoundError);
    expectNoSecrets(err, [COOKIE_VALUE]);
    expect((err as OktaNotFoundError).requestId).toBe(REDACTED);
  });

  test('okta.raw scrubs an echoed token from the request id too', async () => {
    const server = await serve(
      json(404, oktaError('E0000007', 'Not found'), { requestId: `raw-${API_TOKEN}` }),
    );
    const err = await failure(
      client(server).raw.GET('/api/v1/sessions/{sessionId}', {
        params: { path: { sessionId: 'abc' } },
      }),
    );
    expect(err).toBeInstanceOf(OktaNotFoundError);
    expectNoSecrets(err, [API_TOKEN]);
    expect((err as OktaNotFoundError).requestId).toBe(`raw-${REDACTED}`);
  });

  test('an OktaInvalidResponseError never carries a secret echoed in its request id', async () => {
    const server = await serve(
      text(200, '<html>not json</html>', { requestId: `id-${API_TOKEN}` }),
      text(200, '{"id":', { requestId: SESSION_TOKEN }),
    );
    const okta = client(server);
    const first = await failure(okta.getSession('abc'));
    expect(first).toBeInstanceOf(OktaInvalidResponseError);
    expectNoSecrets(first, [API_TOKEN]);
    expect((first as OktaInvalidResponseError).requestId).toBe(`id-${REDACTED}`);
    const second = await failure(okta.createSession({ sessionToken: SESSION_TOKEN }));
    expect(second).toBeInstanceOf(OktaInvalidResponseError);
    expectNoSecrets(second, [API_TOKEN, SESSION_TOKEN]);
  });

  test.each([[[]], [['--json']]])(
    'the CLI %j never prints an echoed token, cookie or session token',
    async (flags) => {
      const server = await serve(
        json200WithEcho(),
        // `me` is sent the cookie only (it takes no API token), so the cookie is what it echoes.
        json(404, oktaError('E0000007', `Not found: ${COOKIE_VALUE}`), {
          requestId: COOKIE_VALUE,
        }),
        json(401, oktaError('E0000004', `bad token ${SESSION_TOKEN}`), {
          requestId: SESSION_TOKEN,
        }),
      );
      const conn = ['--org-url', server.url, '--api-token', API_TOKEN, ...flags];
      const got = await cli(['get', 'abc', ...conn]);
      // The /me commands take no API token (the cookie is their credential).
      const me = await cli([
        'me',
        '--cookie',
        `sid="${COOKIE_VALUE}"`,
        '--org-url',
        server.url,
        ...flags,
      ]);
      const created = await cli(['create', '--session-token', SESSION_TOKEN, ...conn]);
      expect([got.code, me.code, created.code]).toEqual([0, 1, 1]);
      const all = [got, me, created].map((r) => r.stdout + r.stderr).join('\n');
      for (const secret of [API_TOKEN, COOKIE_VALUE, SESSION_TOKEN]) {
        expect(all).not.toContain(secret);
      }
      expect(all).toContain(REDACTED);
    },
  );

  /** A session whose fields and request id echo the API token. */
  function json200WithEcho(): ScriptStep {
    return json(
      200,
      { ...sessionBody('abc'), login: `${API_TOKEN}@example.com` },
      {
        requestId: API_TOKEN,
      },
    );
  }
});

describe('quoted cookie values are scrubbed in both forms', () => {
  const { COOKIE_VALUE, client, failure, serve } = hostileServer; // test/helpers/hostile-server.ts's own
  test('secretsOfHeader gives the quoted and the unquoted value', () => {
    expect(secretsOfHeader('cookie', 'sid="102abc"; idx=xyz')).toEqual([
      '"102abc"',
      '102abc',
      'xyz',
    ]);
  });

  test('a bare echo of a quoted sid cookie never reaches the error', async () => {
    const server = await serve(
      json(404, oktaError('E0000007', `Not found: ${COOKIE_VALUE} (Session)`), {
        requestId: 'req-quoted',
      }),
    );
    const err = await failure(
      client(server).getCurrentSession({ cookie: `sid="${COOKIE_VALUE}"` }),
    );
    expect(err).toBeInstanceOf(OktaNotFoundError);
    expectNoSecrets(err, [COOKIE_VALUE]);
    expect((err as OktaNotFoundError).errorSummary).toBe(`Not found: ${REDACTED} (Session)`);
  });
});

describe('scrubbing never garbles a message and never shows a secret', () => {
  const { client, failure, serve } = hostileServer; // test/helpers/hostile-server.ts's own
  test('a one-letter session token leaves a 401 summary intact', async () => {
    const server = await serve(
      json(401, oktaError('E0000004', 'Authentication failed'), { requestId: 'req-a' }),
    );
    const err = await failure(client(server).createSession({ sessionToken: 'a' }));
    expect(err).toBeInstanceOf(OktaAuthenticationError);
    expect((err as OktaAuthenticationError).errorSummary).toBe('Authentication failed');
    expect((err as Error).message).toContain('Authentication failed');
    expect((err as Error).message).toContain('req-a');
  });

  test('a one-letter session token leaves a 429 summary intact', async () => {
    const server = await serve(rateLimited({ reset: null }));
    const err = await failure(client(server).createSession({ sessionToken: 'x' }));
    expect(err).toBeInstanceOf(OktaRateLimitError);
    expect((err as Error).message).toContain(
      'API call exceeded rate limit due to too many requests.',
    );
  });

  test('a short secret that stands as a token is scrubbed', () => {
    expect(scrub('Not found: x (Session)', ['x'])).toBe(`Not found: ${REDACTED} (Session)`);
    expect(scrub('sid=ab; "ab"', ['ab'])).toBe(`sid=${REDACTED}; "${REDACTED}"`);
    expect(scrub('x-ray and x_y and xylophone', ['x'])).toBe('x-ray and x_y and xylophone');
  });

  test('overlapping secrets become one mark, and the mark is never scrubbed itself', () => {
    expect(scrub('sid=abcdefghij', ['sid=abcdefghij', 'abcdefghij'])).toBe(REDACTED);
    expect(scrub('Not found: REDACTED', ['REDACTED'])).not.toContain('REDACTED');
    expect(scrub('a [REDACTED] b', ['RED', 'ACTED'])).toBe('a [REDACTED] b');
  });

  // The same rule, written independently as a regular expression: a secret stands as a token
  // unless a letter, digit, `_` or `-` glues it onto a longer word on a side where the secret
  // itself ends in such a character.
  const GLUE = '[\\p{L}\\p{M}\\p{N}_-]';
  // Compared by code point, independently of redact.ts (which works on UTF-16 code units), and
  // without `$`-anchored classes or lookbehinds, which V8 in Node 26 gets wrong outside the BMP.
  function occursAsToken(text: string, secret: string): boolean {
    const glues = (char: string | undefined) =>
      char !== undefined && new RegExp(`^${GLUE}`, 'u').test(char);
    const s = [...secret];
    const t = [...text];
    for (let i = 0; i + s.length <= t.length; i++) {
      if (!s.every((char, k) => t[i + k] === char)) continue;
      const gluedBefore = glues(s[0]) && glues(t[i - 1]);
      const gluedAfter = glues(s[s.length - 1]) && glues(t[i + s.length]);
      if (!gluedBefore && !gluedAfter) return true;
    }
    return false;
  }

  // Secrets: base64url and cookie characters, quotes included; short ones are the hard case.
  const secretArb = fc.string({
    unit: fc.constantFrom(...'aAxX09-_"=.~+/:é𝒜'),
    minLength: 1,
    maxLength: 12,
  });
  const wordArb = fc.string({ unit: fc.constantFrom(...'aAbxXé𝒜0_-'), minLength: 1, maxLength: 6 });
  const separatorArb = fc.constantFrom(' ', ': ', '=', '"', "'", '(', ') ', '/', ', ', '.', '\n');

  test('a letter outside the BMP glues onto a secret like any other letter (Node 26 regex quirk)', () => {
    const script = '\u{1D49C}'; // 𝒜, one letter in two UTF-16 code units
    expect(scrub(`a${script}${script}`, [script])).toBe(`a${script}${script}`);
    expect(scrub(`b${script}${script}x`, [`b${script}`])).toBe(`b${script}${script}x`);
    expect(scrub(`${script} is it`, [script])).toBe(`${REDACTED} is it`);
    expect(scrub(`id: b${script}.`, [`b${script}`])).toBe(`id: ${REDACTED}.`);
  });

  test('property: no secret is ever shown as a token, and a long one never at all', () => {
    fc.assert(
      fc.property(
        secretArb,
        fc.array(fc.oneof(wordArb, separatorArb, fc.constant('\u0000S')), { maxLength: 12 }),
        (secret, parts) => {
          const text = parts.map((p) => (p === '\u0000S' ? secret : p)).join('');
          const out = scrub(text, [secret]);
          expect(occursAsToken(out, secret)).toBe(false);
          if (secret.length >= 8) expect(out).not.toContain(secret);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('property: a text where a short secret only occurs inside other words is left as it is', () => {
    fc.assert(
      fc.property(
        secretArb.filter((s) => s.length < 8),
        fc.array(fc.oneof(wordArb, separatorArb), { maxLength: 12 }),
        (secret, parts) => {
          const text = parts.join('');
          fc.pre(!occursAsToken(text, secret));
          expect(scrub(text, [secret])).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('property: what scrubbing leaves between the marks is the original text, in order', () => {
    fc.assert(
      fc.property(
        fc.array(secretArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(wordArb, separatorArb, fc.constant('\u0000S')), { maxLength: 12 }),
        (secrets, parts) => {
          const text = parts
            .map((p, i) => (p === '\u0000S' ? secrets[i % secrets.length] : p))
            .join('');
          const out = scrub(text, secrets);
          let from = 0;
          for (const piece of out.split(REDACTED)) {
            const at = text.indexOf(piece, from);
            expect(at).toBeGreaterThanOrEqual(0);
            from = at + piece.length;
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('scrubbing: how marks are placed', () => {
  const { json } = fetchHarness; // test/helpers/fetch-harness.ts's own
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

describe('scrubbing: what glues onto a secret', () => {
  const { SESSION_ID, json } = fetchHarness; // test/helpers/fetch-harness.ts's own
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

describe('control characters from the server never reach a message or the terminal raw', () => {
  const { API_TOKEN, client, failure, serve } = hostileServer; // test/helpers/hostile-server.ts's own
  const HOSTILE =
    'Not found\r\n2026-11-29 INFO forged line \u001b]52;c;aGk=\u0007\u001b]0;title\u0007\u001b[2J\u009b31m\u007f\u2028\u202e';

  test('err.message escapes control characters from errorSummary and the request id', async () => {
    const server = await serve(
      json(404, oktaError('E0000007', HOSTILE), { requestId: 'req\u0085\u009b1m' }),
    );
    const err = await failure(client(server).getSession('abc'));
    expect(err).toBeInstanceOf(OktaNotFoundError);
    const message = (err as Error).message;
    expect(message).not.toMatch(RAW_CONTROL);
    expect(message).toContain(
      'Not found\\r\\n2026-11-29 INFO forged line \\u001b]52;c;aGk=\\u0007',
    );
    expect(String(err).split('\n')).toHaveLength(1);
    // The fields keep what the server sent (less secrets): a program may want it verbatim.
    expect((err as OktaNotFoundError).errorSummary).toBe(HOSTILE);
  });

  test('printable escapes C0, DEL, C1, separators and bidi controls, and nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const out = printable(s);
        expect(out).not.toMatch(RAW_CONTROL);
        expect(out.replace(/\\(u[0-9a-f]{4}|[nrt])/g, '')).toBe(
          s.replace(new RegExp(RAW_CONTROL.source, 'g'), '').replace(/\\(u[0-9a-f]{4}|[nrt])/g, ''),
        );
      }),
    );
    expect(printable('tab\there, é, 中文, 🙂')).toBe('tab\\there, é, 中文, 🙂');
  });

  test.each([[[]], [['--json']]])(
    'the CLI %j prints no raw control character from session fields or error bodies',
    async (flags) => {
      const server = await serve(
        json(200, {
          ...sessionBody('abc'),
          login: `dana\u001b]52;c;aGk=\u0007\r@example.com\u009b2J\u007f`,
          status: 'ACTIVE\u001b[31m',
          amr: ['pwd\u2028'],
        }),
        json(404, oktaError('E0000007', HOSTILE), { requestId: 'req-hostile' }),
      );
      const conn = ['--org-url', server.url, '--api-token', API_TOKEN, ...flags];
      const got = await cli(['get', 'abc', ...conn]);
      const gone = await cli(['get', 'abc', ...conn]);
      expect([got.code, gone.code]).toEqual([0, 1]);
      for (const output of [got.stdout, got.stderr, gone.stdout, gone.stderr]) {
        // Line breaks are the CLI's own layout; everything else must be escaped.
        expect(output.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
      }
      expect(gone.stderr.trimEnd().split('\n')).toHaveLength(flags.length ? 1 : 1);
      if (flags.length) {
        // Still JSON, and the values read back exactly as the server sent them.
        expect(JSON.parse(got.stdout).login).toBe(
          'dana\u001b]52;c;aGk=\u0007\r@example.com\u009b2J\u007f',
        );
        expect(JSON.parse(gone.stderr).error.errorSummary).toBe(HOSTILE);
      } else {
        expect(got.stdout).toContain('dana\\u001b]52;c;aGk=\\u0007\\r@example.com\\u009b2J\\u007f');
      }
    },
  );
});
