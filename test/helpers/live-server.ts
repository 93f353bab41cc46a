// The live-server harness: a scripted HTTP server on 127.0.0.1 (one per test, in `server`), a
// client for it with small timeouts and waits, and the checks every fault test makes (class,
// no secret in any error text, bounded time). `server` and `retries` are live bindings: `serve`
// replaces them, and a test reads them after it.

import { OktaSessions, isOktaError, type RetryInfo } from '../../src/index.js';
import { expectNoSecrets, measure, rejectionOf, type Outcome } from './faults-expect.js';
import {
  startScriptedServer,
  streamBody,
  type ScriptStep,
  type ScriptedServer,
} from './scripted-server.js';

export type Options = ConstructorParameters<typeof OktaSessions>[0];

export const API_TOKEN = 'SECRET-api-token-123';
export const ACCESS_TOKEN = 'SECRET-access-token-456';
export const COOKIE_VALUE = 'SECRET-cookie-value-789';
export const SESSION_TOKEN = 'SECRET-session-token-abc';
export const SECRETS = [API_TOKEN, ACCESS_TOKEN, COOKIE_VALUE, SESSION_TOKEN] as const;
export const SESSION_ID = '102Ke2yJpW3Q0ClCnZ_ryqPVQ';
export const COOKIE = `sid=${COOKIE_VALUE}`;

export let server: ScriptedServer;
export let retries: RetryInfo[];

/** The first `code` down an error's cause chain (where Node puts ECONNREFUSED and friends). */
export function connectCode(error: unknown): unknown {
  for (let e = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code !== undefined) return code;
  }
  return undefined;
}

export async function serve(...script: ScriptStep[]): Promise<ScriptedServer> {
  server = await startScriptedServer(script);
  retries = [];
  return server;
}

/** A client for the current server: small timeouts and waits so the suite stays fast. */
export function client(extra: Partial<Options> = {}): OktaSessions {
  return new OktaSessions({
    orgUrl: server.url,
    apiToken: API_TOKEN,
    timeoutMs: 3_000,
    retry: { maxDelayMs: 200 },
    onRetry: (info) => retries.push(info),
    ...extra,
  } as Options);
}

/**
 * getSession against an error body streamed by the server (`totalBytes` may be Infinity), with
 * the client's RSS growth and how many bytes the server got to write before the client hung up.
 */
export async function getSessionFromStreamedError(
  status: number,
  totalBytes: number,
  prefix: string,
  timeoutMs: number,
  guardMs: number,
): Promise<{ outcome: Outcome<unknown>; rssGrowth: number; written: () => number }> {
  let written = 0;
  await serve(
    streamBody(status, {
      totalBytes,
      prefix,
      onDone: (bytes) => {
        written = bytes;
      },
    }),
  );
  const okta = client({ timeoutMs });
  const rssBefore = process.memoryUsage().rss;
  const outcome = await measure(() => okta.getSession(SESSION_ID), guardMs);
  return { outcome, rssGrowth: process.memoryUsage().rss - rssBefore, written: () => written };
}

/**
 * The error of a rejected call, checked for class, for secrets, and against a generous upper
 * bound on elapsed time (tests assert tighter bounds where timing is the point).
 */
export function failure<E>(
  outcome: Outcome<unknown>,
  cls: abstract new (...args: never[]) => E,
  maxElapsedMs = 5_000,
): E {
  const err = rejectionOf(outcome, cls);
  expectNoSecrets(err, SECRETS);
  expect(isOktaError(err)).toBe(true);
  expect(outcome.elapsedMs).toBeLessThan(maxElapsedMs);
  return err;
}

/** Class of the outcome's error (or "resolved"), with the retries and attempts seen. */
export function summary(outcome: Outcome<unknown>): {
  error: string;
  retries: number;
  attempts: number;
} {
  let error = 'resolved';
  if (!outcome.ok) {
    const e = outcome.error;
    if (e instanceof Error) {
      const { name, message } = e;
      error = isOktaError(e) ? name : `${name}: ${message}`;
    } else {
      error = typeof e;
    }
  }
  return { error, retries: retries.length, attempts: server.attempts };
}

export function expectNoUnexpectedRequests(): void {
  expect(server.overruns).toBe(0);
  expect(server.stepErrors).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
