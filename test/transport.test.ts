// The Node transport through the client: bodies are read under a bound, and a process with a
// client in it exits on its own (no handle keeps it alive).

import { OktaError, OktaInvalidResponseError, OktaNotFoundError } from '../src/index.js';
import { measure, sleep } from './helpers/faults-expect.js';
import {
  closeAllScriptedServers,
  empty,
  hungBody,
  neverAnswer,
  nowSeconds,
  rateLimited,
  sessionBody,
  sessionOk,
  text,
} from './helpers/scripted-server.js';
import { SESSION_ID, client, failure, serve, server } from './helpers/live-server.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageSources } from '../scripts/package-sources.cjs';

afterEach(closeAllScriptedServers);

describe('the Node transport reads bodies under a bound', () => {
  const MiB = 1024 * 1024;
  /** The Session JSON followed by spaces, `bytes` long in all. */
  const padded = (bytes: number) => {
    const body = JSON.stringify(sessionBody(SESSION_ID));
    return body + ' '.repeat(bytes - body.length);
  };

  test('a Session body of exactly 1 MiB is read whole', async () => {
    await serve(text(200, padded(MiB)));
    const session = await client().getSession(SESSION_ID);
    expect(session.id).toBe(SESSION_ID);
  });

  test('one byte over 1 MiB: OktaInvalidResponseError naming the limit', async () => {
    await serve(text(200, padded(MiB + 1), { requestId: 'req-big' }));
    const err = failure(await measure(() => client().getSession(SESSION_ID)), OktaError);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect(err.message).toBe(
      `Okta HTTP 200 with an unusable body: response body larger than 1048576 bytes (GET /api/v1/sessions/${SESSION_ID}, request req-big)`,
    );
  });

  test('an empty 200 on getSession: the empty-body problem, word for word', async () => {
    await serve(empty(200, { requestId: 'req-empty' }));
    const err = failure(await measure(() => client().getSession(SESSION_ID)), OktaError);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect(err.message).toBe(
      `Okta HTTP 200 with an unusable body: empty body where a Session was expected (GET /api/v1/sessions/${SESSION_ID}, request req-empty)`,
    );
  });

  test.each([
    ['sent at once', 0],
    ['sent after the headers', 100],
  ])(
    'an error body is cut at exactly 64 KiB (%s): JSON ending at the limit still parses',
    async (_name, delayMs) => {
      const head = '{"errorCode":"E0000007","errorSummary":"';
      const tail = '"}';
      const summary = 'x'.repeat(64 * 1024 - head.length - tail.length);
      const body = `${head}${summary}${tail}${' and the rest'.repeat(10_000)}`;
      await serve(async ({ res }) => {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        if (delayMs) {
          res.flushHeaders();
          await sleep(delayMs);
        }
        res.end(body);
      });
      const err = failure(await measure(() => client().getSession(SESSION_ID)), OktaNotFoundError);
      expect(err.errorCode).toBe('E0000007');
      expect(err.errorSummary).toBe(`${'x'.repeat(2000)}…`);
    },
  );

  test('a 103 Early Hints before the answer is skipped: the Session comes from the 200', async () => {
    await serve(async (ctx) => {
      ctx.res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      // Apart from the 200, so that a client taking the 103 for the answer would see it alone.
      await sleep(100);
      return sessionOk(SESSION_ID)(ctx);
    });
    const session = await client().getSession(SESSION_ID);
    expect(session.id).toBe(SESSION_ID);
  });
});

describe('process hygiene', () => {
  const root = resolve(__dirname, '..');

  test('a script that makes a few calls against the scripted server, then returns, exits by itself', async () => {
    // Bundle the client from source with esbuild (jest does not build dist/) and run a plain
    // Node script in a child process: it must exit on its own once its calls are done.
    const esbuild = await import('esbuild');
    // The bundle lives under node_modules/.cache so that its bare imports (undici,
    // openapi-fetch) resolve to the project's node_modules, as they would for a user.
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'okta-sessions-faults-'));
    try {
      const bundle = join(dir, 'client.mjs');
      await esbuild.build({
        entryPoints: [join(root, 'src/index.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: bundle,
        logLevel: 'silent',
        packages: 'external',
        plugins: [packageSources('node')],
      });
      expect(existsSync(bundle)).toBe(true);

      const date = nowSeconds();
      await serve(
        sessionOk(), // getSession
        text(503, 'busy'), // refreshSession, retried
        sessionOk(),
        rateLimited({ dateSeconds: date, reset: date - 10, retryAfter: '0' }), // revoke, 429
        empty(204),
        neverAnswer(), // getSession, times out
        neverAnswer(), // getSession, aborted
        hungBody(200, '{"id":"x'), // getSession, times out in the body
      );
      const script = join(dir, 'script.mjs');
      writeFileSync(
        script,
        `
import { OktaSessions, OktaTimeoutError } from ${JSON.stringify(pathToFileURL(bundle).href)};
await (async () => {
  // Default timeoutMs (30 s): a timer left behind by any call would hold the process that long.
  const base = { orgUrl: process.env.ORG_URL, apiToken: 'SECRET-api-token-123' };
  const okta = new OktaSessions({ ...base, retry: { maxRetries: 1, maxDelayMs: 50 } });
  const once = new OktaSessions({ ...base, retry: { maxRetries: 0 } });
  await okta.getSession('s1');
  await okta.refreshSession('s1');
  await okta.revokeSession('s1');
  try { await once.getSession('s1', { timeoutMs: 300 }); } catch (e) { if (!(e instanceof OktaTimeoutError)) throw e; }
  const c = new AbortController();
  setTimeout(() => c.abort(new Error('bye')), 50);
  await once.getSession('s1', { signal: c.signal }).catch(() => undefined);
  try { await once.getSession('s1', { timeoutMs: 300 }); } catch (e) { if (!(e instanceof OktaTimeoutError)) throw e; }
  console.log('calls done ' + Date.now());
})().catch((e) => { console.error('FAILED', e); process.exitCode = 2; });
`,
      );

      const started = Date.now();
      const child = spawn(process.execPath, [script], {
        env: { ...process.env, ORG_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exit = await new Promise<{ code: number | null; at: number; killed: boolean }>(
        (done) => {
          const killer = setTimeout(() => {
            child.kill('SIGKILL');
          }, 12_000);
          child.on('exit', (code, signal) => {
            clearTimeout(killer);
            done({ code, at: Date.now(), killed: signal === 'SIGKILL' });
          });
        },
      );

      expect({ killed: exit.killed, code: exit.code, stderr }).toEqual({
        killed: false,
        code: 0,
        stderr: '',
      });
      const match = /calls done (\d+)/.exec(stdout);
      expect(match).not.toBeNull();
      // It exits soon after its last call: nothing (timer, socket, pool) keeps it alive.
      const doneAt = Number(match?.[1]);
      expect(exit.at - doneAt).toBeLessThan(2_500);
      expect(exit.at - started).toBeLessThan(10_000);
      expect(server.attempts).toBe(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
