// Hardening against hostile servers and careless callers (issue 10): secrets a server echoes,
// control characters it sends, bogus rate-limit headers, wrongly typed dates, observers that
// throw, and the emulator's handling of pipelined garbage and oversized bodies. Every case
// runs against a real server on 127.0.0.1.

import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

import {
  OktaConfigError,
  OktaInvalidResponseError,
  OktaNotFoundError,
  OktaSessions,
  OktaAuthenticationError,
  OktaRateLimitError,
  type RetryInfo,
} from '../src/index.js';
import { run } from '../src/cli/run.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { nextThrottleUntil, type RateLimitState } from '../src/rate-limit/headers.js';
import { REDACTED, scrub, secretsOfHeader } from '../src/text/redact.js';
import { printable } from '../src/text/printable.js';
import { expectNoSecrets } from './helpers/faults-expect.js';
import {
  closeAllScriptedServers,
  httpDate,
  json,
  nowSeconds,
  oktaError,
  rateLimited,
  sessionBody,
  sessionOk,
  startScriptedServer,
  text,
  type ScriptStep,
  type ScriptedServer,
} from './helpers/scripted-server.js';

const API_TOKEN = '00aSECRETapiTOKEN-hardening_1234567890abc';
const SESSION_TOKEN = '20111SECRETsessionTOKENhardening';
const COOKIE_VALUE = '102SECRETcookieVALUEhardening';

afterEach(() => closeAllScriptedServers());

async function serve(...script: ScriptStep[]): Promise<ScriptedServer> {
  return startScriptedServer(script);
}

function client(server: ScriptedServer, extra: Record<string, unknown> = {}): OktaSessions {
  return new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    retry: { maxRetries: 0 },
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

// No real ~/.okta/okta.yaml or ./okta.yaml reaches the CLI runs.
const emptyHome = mkdtempSync(join(tmpdir(), 'okta-hardening-home-'));

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    stop: new AbortController().signal,
    homeDir: emptyHome,
    cwd: emptyHome,
  });
  return { code, stdout, stderr };
}

// C0 (less nothing), DEL, C1, line/paragraph separators and bidi controls: none may reach a
// message or the terminal raw.
const RAW_CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('secrets a server echoes never reach a message, an error field, onRetry or the CLI', () => {
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

describe('plain http:// is for loopback hosts only', () => {
  test.each([
    'http://127.evil.com',
    'http://127.0.0.1.nip.io',
    'http://localhost.evil.com',
    'http://localhost.',
    'http://evil-localhost',
    'http://[::ffff:127.0.0.1]',
    'http://10.0.0.1',
  ])('%s is refused before any request', (orgUrl) => {
    expect(() => new OktaSessions({ orgUrl, apiToken: API_TOKEN })).toThrow(OktaConfigError);
  });

  test.each([
    'http://127.0.0.1:8080',
    'http://127.255.0.9',
    'http://127.1',
    'http://localhost:3000',
    'http://LOCALHOST',
    'http://[::1]:8080',
    'https://127.evil.com',
  ])('%s is accepted', (orgUrl) => {
    expect(() => new OktaSessions({ orgUrl, apiToken: API_TOKEN })).not.toThrow();
  });
});

describe('a throwing or rejecting onRetry never changes the outcome', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  const observers: Array<[string, (info: RetryInfo) => unknown]> = [
    [
      'sync, throwing',
      () => {
        throw new Error('observer threw');
      },
    ],
    ['async, rejecting', async () => Promise.reject(new Error('observer rejected'))],
    [
      'async, throwing after an await',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new Error('observer threw late');
      },
    ],
  ];

  test.each(observers)('%s: the call succeeds, nothing is left unhandled', async (_, onRetry) => {
    const server = await serve(text(503, 'busy'), sessionOk('abc'));
    const okta = client(server, { retry: { maxRetries: 1, maxDelayMs: 10 }, onRetry });
    await expect(okta.getSession('abc')).resolves.toMatchObject({ id: 'abc' });
    // Give a stray rejection time to be reported (Node reports them after the microtasks).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    expect(server.attempts).toBe(2);
  });
});

describe('throttle recovers from one bogus reset', () => {
  const state = (remaining: number | undefined, resetInS: number, now: number): RateLimitState => ({
    limit: 100,
    remaining,
    resetAt: new Date(Math.floor(now / 1000) * 1000 + resetInS * 1000),
    serverDate: new Date(Math.floor(now / 1000) * 1000),
    retryAfterMs: undefined,
  });

  test('the rule: budget left clears the wait, a new window replaces it, no headers keep it', () => {
    const now = 1_800_000_000_000;
    const bogus = nextThrottleUntil(undefined, state(0, 86_400, now), now);
    expect(bogus).toBeGreaterThan(now + 86_000_000);
    expect(nextThrottleUntil(bogus, state(99, 60, now), now)).toBeUndefined();
    const renewed = nextThrottleUntil(bogus, state(0, 2, now), now);
    expect(renewed).toBeLessThanOrEqual(now + 3_000);
    expect(nextThrottleUntil(bogus, state(undefined, 60, now), now)).toBe(bogus);
    expect(nextThrottleUntil(bogus, undefined, now)).toBe(bogus);
  });

  test('after one far-future reset, a response with budget left lets the next call go at once', async () => {
    const now = nowSeconds();
    const far = {
      Date: httpDate(now),
      'X-Rate-Limit-Remaining': '0',
      'X-Rate-Limit-Reset': String(now + 3_600),
    };
    const server = await serve(
      sessionOk('abc', { headers: far }),
      sessionOk('abc', { headers: { 'X-Rate-Limit-Remaining': '99' } }),
      sessionOk('abc', { headers: { 'X-Rate-Limit-Remaining': '98' } }),
    );
    const maxDelayMs = 1_500;
    const okta = client(server, { throttle: true, retry: { maxRetries: 0, maxDelayMs } });
    await okta.getSession('abc');
    let started = performance.now();
    await okta.getSession('abc'); // waits maxDelayMs: the only sign of the bogus reset
    expect(performance.now() - started).toBeGreaterThanOrEqual(maxDelayMs - 50);
    started = performance.now();
    await okta.getSession('abc');
    expect(performance.now() - started).toBeLessThan(maxDelayMs / 2);
    expect(server.attempts).toBe(3);
  });
});

describe('session date-time fields must be date-time strings', () => {
  const wrong: Array<[string, Record<string, unknown>]> = [
    ['expiresAt as a number', { expiresAt: 123 }],
    ['createdAt as an object', { createdAt: {} }],
    ['createdAt as an array', { createdAt: ['2026-11-29T10:00:00.000Z'] }],
    ['expiresAt as true', { expiresAt: true }],
    ['expiresAt null (the spec does not allow it)', { expiresAt: null }],
    ['expiresAt as a loose date', { expiresAt: 'March 7' }],
    ['expiresAt as a bare number string', { expiresAt: '1' }],
    ['expiresAt on a day that does not exist', { expiresAt: '2026-02-31T10:00:00.000Z' }],
    ['expiresAt without a time zone', { expiresAt: '2026-11-29T10:00:00' }],
    ['lastFactorVerification as a number', { lastFactorVerification: 0 }],
  ];

  test.each(wrong)('%s is an OktaInvalidResponseError', async (_, fields) => {
    const server = await serve(json(200, { ...sessionBody('abc'), ...fields }));
    const err = await failure(client(server).getSession('abc'));
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toMatch(/is not a date-time/);
  });

  test('null where the spec allows it stays null; valid strings become Dates', async () => {
    const server = await serve(
      json(200, {
        ...sessionBody('abc'),
        createdAt: '2026-11-29T10:00:00Z',
        expiresAt: '2026-11-29T12:00:00.123+01:00',
        lastPasswordVerification: null,
        lastFactorVerification: null,
      }),
    );
    const session = await client(server).getSession('abc');
    expect(session.createdAt).toEqual(new Date('2026-11-29T10:00:00Z'));
    expect(session.expiresAt).toEqual(new Date('2026-11-29T11:00:00.123Z'));
    expect(session.lastPasswordVerification).toBeNull();
    expect(session.lastFactorVerification).toBeNull();
  });
});

describe('control characters from the server never reach a message or the terminal raw', () => {
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

describe('emulator: a malformed pipelined request never preempts the response in flight', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0, apiToken: API_TOKEN });
  });
  afterEach(() => emu.close());

  test('a valid createSession and a malformed request on one socket: the 200 arrives, then the 400', async () => {
    const token = emu.issueSessionToken({ login: 'pipelined@example.com' });
    const body = JSON.stringify({ sessionToken: token });
    const host = new URL(emu.url).host;
    const wire =
      `POST /api/v1/sessions HTTP/1.1\r\nHost: ${host}\r\nAuthorization: SSWS ${API_TOKEN}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
      `GET /api/v1/sessions/x HTTP/1.1\r\nHost: ${host}\r\nBad Header\u0000: yes\r\n\r\n`;
    const received = await exchange(emu.url, wire);
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 400]);
    expect(received).toContain('pipelined@example.com');
    expect(received).toContain('E0000003');
  });

  test('a malformed request alone is still answered 400 and closed', async () => {
    const received = await exchange(emu.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 400/);
    expect(received).toContain('E0000003');
  });
});

describe('emulator: an oversized body is refused, then the connection is closed', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0, apiToken: API_TOKEN, maxBodyBytes: 1024 });
  });
  afterEach(() => emu.close());

  test.each([
    ['a declared Content-Length', 'Content-Length: 2147483648'],
    ['a chunked body', 'Transfer-Encoding: chunked'],
  ])(
    'with %s, the emulator stops reading after its 400 and closes the socket soon',
    async (_, framing) => {
      const { port, hostname } = new URL(emu.url);
      const socket = connect(Number(port), hostname);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        `POST /api/v1/sessions HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: SSWS ${API_TOKEN}\r\n` +
          `Content-Type: application/json\r\n${framing}\r\n\r\n`,
      );
      const chunked = framing.includes('chunked');
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const frame = chunked
        ? Buffer.concat([
            Buffer.from(`${chunk.length.toString(16)}\r\n`),
            chunk,
            Buffer.from('\r\n'),
          ])
        : chunk;
      let sent = 0;
      let open = true;
      void closed.then(() => (open = false));
      const started = performance.now();
      // Write as fast as the server takes it, for up to 4 s: a server that keeps reading takes
      // gigabytes in that time; one that stopped takes no more than the socket buffers hold.
      while (open && performance.now() - started < 4_000) {
        if (!socket.write(frame)) {
          await Promise.race([
            new Promise((resolve) => socket.once('drain', resolve)),
            closed,
            new Promise((resolve) => setTimeout(resolve, 250)),
          ]);
        }
        sent += frame.length;
      }
      const elapsed = performance.now() - started;
      socket.destroy();
      expect(received).toMatch(/^HTTP\/1\.1 400/);
      expect(received).toContain('E0000003');
      expect(received).toMatch(/connection: close/i);
      expect(open).toBe(false);
      expect(elapsed).toBeLessThan(3_000);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    },
  );
});

/** Writes `wire` on a fresh socket and reads until the server closes it (5 s at most). */
async function exchange(baseUrl: string, wire: string): Promise<string> {
  const { port, hostname } = new URL(baseUrl);
  const socket: Socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
  socket.write(wire);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, 5_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => undefined);
  });
  return received;
}
