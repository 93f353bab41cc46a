// The hostile-server harness: secrets with Okta's real shapes, a client that does not retry,
// the CLI run in an empty home, the raw control characters nothing may pass through, and a raw
// socket exchange for the emulator's wire handling.

import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { OktaSessions } from '../../src/index.js';
import { run } from '../../src/cli/run.js';
import { startScriptedServer, type ScriptStep, type ScriptedServer } from './scripted-server.js';

export const API_TOKEN = '00aSECRETapiTOKEN-hardening_1234567890abc';
export const SESSION_TOKEN = '20111SECRETsessionTOKENhardening';
export const COOKIE_VALUE = '102SECRETcookieVALUEhardening';

export async function serve(...script: ScriptStep[]): Promise<ScriptedServer> {
  return startScriptedServer(script);
}

export function client(server: ScriptedServer, extra: Record<string, unknown> = {}): OktaSessions {
  return new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    retry: { maxRetries: 0 },
    ...extra,
  });
}

export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

// No real ~/.okta/okta.yaml or ./okta.yaml reaches the CLI runs.
export const emptyHome = mkdtempSync(join(tmpdir(), 'okta-hardening-home-'));

export async function cli(
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
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
export const RAW_CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Writes `wire` on a fresh socket and reads until the server closes it (5 s at most). */
export async function exchange(baseUrl: string, wire: string): Promise<string> {
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
