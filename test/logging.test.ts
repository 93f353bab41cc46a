// The `logger` option (src/call/log.ts): which lines at which level, their fields, and that no
// line holds a secret; against the emulator and scripted servers on 127.0.0.1.
import { OktaConfigError, OktaSessions, type OktaSessionsOptions } from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { recordingLogger, secretsIn } from './helpers/observed.js';
import {
  closeAllScriptedServers,
  empty,
  json,
  oktaError,
  rateLimited,
  sessionOk,
  startScriptedServer,
} from './helpers/scripted-server.js';
import { API_TOKEN, COOKIE, SECRETS, SESSION_ID, SESSION_TOKEN } from './helpers/live-server.js';
import { runCli } from './helpers/cli-run.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
afterEach(() => closeAllScriptedServers());

const newSession = async () =>
  (
    await new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken }).createSession({
      sessionToken: emu.issueSessionToken(),
    })
  ).id;

async function logged(
  script: Parameters<typeof startScriptedServer>[0],
  run: (okta: OktaSessions) => Promise<unknown>,
  options: Partial<OktaSessionsOptions> = {},
) {
  const server = await startScriptedServer(script);
  const { logger, lines } = recordingLogger();
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    retry: { maxDelayMs: 10 },
    logger,
    ...options,
  });
  await run(okta).catch(() => undefined);
  return lines;
}

describe('debug: one line per attempt', () => {
  test('a getSession: method, URL template, status, request id and elapsed time', async () => {
    const id = await newSession();
    const { logger, lines } = recordingLogger();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      apiToken: emu.apiToken,
      logger,
      logLevel: 'debug',
    });
    await okta.getSession(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      level: 'debug',
      message: expect.stringMatching(
        /^okta-sessions GET \/api\/v1\/sessions\/\{sessionId\} 200 \(getSession, attempt 1, \d+ ms\)$/,
      ),
      fields: expect.objectContaining({
        operationId: 'getSession',
        method: 'GET',
        urlTemplate: '/api/v1/sessions/{sessionId}',
        status: 200,
        attempt: 1,
        requestId: expect.any(String),
        elapsedMs: expect.any(Number),
        rateLimitLimit: 600,
      }),
    });
    expect(secretsIn(lines, [id, emu.apiToken])).toEqual([]);
  });

  test('a 429 then a 200: the failed attempt with its error, the retry decision at info, the success', async () => {
    const lines = await logged(
      [rateLimited({ limit: 600, remaining: 0, requestId: 'rl-1' }), sessionOk(SESSION_ID)],
      (okta) => okta.getSession(SESSION_ID),
      { logLevel: 'debug' },
    );
    expect(lines.map((l) => `${l.level} ${l.message.replace(/\d+ ms\)/, 'N ms)')}`)).toEqual([
      "warn okta-sessions rate limit of getSession's bucket nearly spent: 0 of 600 left",
      'debug okta-sessions GET /api/v1/sessions/{sessionId} 429 (getSession, attempt 1, N ms)',
      'info okta-sessions retrying getSession in 10 ms (rate-limit)',
      'debug okta-sessions GET /api/v1/sessions/{sessionId} 200 (getSession, attempt 2, N ms)',
    ]);
    expect(lines[1]!.fields).toMatchObject({ errorType: 'OktaRateLimitError', requestId: 'rl-1' });
    expect(lines[2]!.fields).toMatchObject({ delayMs: 10, reason: 'rate-limit' });
  });
});

describe('warn, the default level', () => {
  test('no debug or info lines; a bucket below 10 % left is a warning, at 10 % it is not', async () => {
    const lines = await logged(
      [
        sessionOk(SESSION_ID, { headers: { 'X-Rate-Limit-Remaining': '60' } }),
        sessionOk(SESSION_ID, { headers: { 'X-Rate-Limit-Remaining': '59' } }),
        rateLimited({ limit: 600, remaining: 0 }),
        sessionOk(SESSION_ID),
      ],
      async (okta) => {
        await okta.getSession(SESSION_ID);
        await okta.getSession(SESSION_ID);
        await okta.getSession(SESSION_ID);
      },
    );
    expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      "warn okta-sessions rate limit of getSession's bucket nearly spent: 59 of 600 left",
      "warn okta-sessions rate limit of getSession's bucket nearly spent: 0 of 600 left",
    ]);
    expect(lines[0]!.fields).toMatchObject({ rateLimitRemaining: 59, rateLimitLimit: 600 });
  });

  test('a deprecated operation is a warning, once per client, from its very first call', async () => {
    const server = await startScriptedServer([empty(204), empty(204)]);
    const { logger, lines } = recordingLogger();
    const okta = new OktaSessions({ orgUrl: server.url, apiToken: API_TOKEN, logger });
    // The first request goes out before the logger's module has loaded: its event is kept.
    await okta.closeCurrentSession({ cookie: COOKIE });
    const warning = {
      level: 'warn',
      message: expect.stringContaining('closeCurrentSession is deprecated by Okta'),
      fields: { code: 'OKTA_SESSIONS_DEPRECATED', operationId: 'closeCurrentSession' },
    };
    expect(lines).toEqual([warning]);
    await okta.closeCurrentSession({ cookie: COOKIE });
    expect(lines).toEqual([warning]);
  });

  test("the client's warnings (a failing rate-limit store) are logged at warn", async () => {
    const lines = await logged([sessionOk(SESSION_ID)], (okta) => okta.getSession(SESSION_ID), {
      throttle: {
        store: { reserve: () => Promise.reject(new Error('down')), record: () => undefined },
      },
      onWarning: () => undefined,
    });
    expect(lines).toEqual([
      {
        level: 'warn',
        message: expect.stringContaining('The rate-limit store failed'),
        fields: { code: 'OKTA_SESSIONS_STORE_FAILED' },
      },
    ]);
  });

  test("'silent' logs nothing, and 'error' nothing this version writes", async () => {
    for (const logLevel of ['silent', 'error'] as const) {
      const lines = await logged(
        [rateLimited({ limit: 600, remaining: 0 }), sessionOk(SESSION_ID)],
        (okta) => okta.getSession(SESSION_ID),
        { logLevel },
      );
      expect(lines).toEqual([]);
    }
  });
});

test('a logger that throws changes no outcome', async () => {
  const server = await startScriptedServer([rateLimited({ remaining: 0 }), sessionOk(SESSION_ID)]);
  const boom = () => {
    throw new Error('logger down');
  };
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    retry: { maxDelayMs: 10 },
    logger: { debug: boom, info: boom, warn: boom, error: boom },
    logLevel: 'debug',
  });
  await expect(okta.getSession(SESSION_ID)).resolves.toMatchObject({ id: SESSION_ID });
});

test('a logger without the four methods, or an unknown level, is refused up front', () => {
  const base = { orgUrl: 'https://acme.okta.com', apiToken: API_TOKEN };
  expect(() => new OktaSessions({ ...base, logger: { debug: () => undefined } as never })).toThrow(
    OktaConfigError,
  );
  expect(() => new OktaSessions({ ...base, logLevel: 'verbose' as never })).toThrow(
    /logLevel "verbose" is unknown/,
  );
  expect(() => new OktaSessions({ ...base, logger: console, logLevel: 'debug' })).not.toThrow();
});

test('no secret or session id in any line of a hostile run, at debug', async () => {
  // Each answer echoes its request's secrets and ids in its request id.
  const lines = await logged(
    [
      rateLimited({ requestId: `${API_TOKEN} ${SESSION_TOKEN}`, remaining: 0 }),
      json(404, oktaError('E0000007', 'Not found'), { requestId: `${API_TOKEN} ${SESSION_ID}` }),
      json(500, oktaError('E0000009', 'Internal'), { requestId: COOKIE }),
    ],
    async (okta) => {
      await okta.createSession({ sessionToken: SESSION_TOKEN }).catch(() => undefined);
      await okta.getSession(SESSION_ID).catch(() => undefined);
      await okta.getCurrentSession({ cookie: COOKIE }).catch(() => undefined);
    },
    { logLevel: 'debug', retry: { maxRetries: 0 } },
  );
  expect(lines.filter((l) => l.level === 'debug')).toHaveLength(3);
  expect(secretsIn(lines, [...SECRETS, SESSION_ID])).toEqual([]);
});

describe('the CLI', () => {
  test('--verbose prints one debug line per request on stderr, scrubbed; without it, none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'okta-sessions-verbose-'));
    try {
      const id = await newSession();
      const conn = ['--org-url', emu.url, '--api-token', emu.apiToken];
      const quiet = await runCli(['get', id, ...conn], { dir, secrets: [emu.apiToken] });
      expect(quiet.stderr).toBe('');
      // A session id given on the command line is no secret to the CLI, but the log never shows it.
      const verbose = await runCli(['get', id, '--verbose', ...conn], {
        dir,
        secrets: [emu.apiToken],
      });
      expect(verbose.code).toBe(0);
      expect(verbose.stderr).toMatch(
        /^debug: okta-sessions GET \/api\/v1\/sessions\/\{sessionId\} 200 \(getSession, attempt 1, \d+ ms\) request-id=\S+\n$/,
      );
      expect(verbose.stderr).not.toContain(id);
      expect(verbose.stdout).toContain(id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
