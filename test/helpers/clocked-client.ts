// A client on a manual clock (./manual-clock.ts), for retry tests that would otherwise wait real
// seconds: the public client's own parts (src/call/client-parts.ts) and call path (callOf, send,
// parseSession, as OktaSessions#send runs them; the operations retry tests call), with the clock handed in where OktaSessions
// hands in the system clock. The requests are real: a 127.0.0.1 server or an injected fetch.
// `run` moves the clock through each retry wait as the pipeline schedules it, and reports when
// each request went out on that clock, so a test asserts the exact waits, not wall time.
import { platform } from '#platform';
import type { OktaSessionsOptions, RetryInfo } from '../../src/index.js';
import { clientParts } from '../../src/call/client-parts.js';
import { send } from '../../src/call/pipeline.js';
import { callOf, noBody, repeatable, type Prepared } from '../../src/call/prepare.js';
import { resolveConfig } from '../../src/config/options.js';
import type { CallOptions } from '../../src/model/arguments.js';
import type { OperationId } from '../../src/model/operations.js';
import { parseSession, type Session } from '../../src/model/session.js';
import type { Clock } from '../../src/time/clock.js';
import { measure, type Outcome } from './faults-expect.js';
import { API_TOKEN, ORG, replay, type Reply } from './fetch-harness.js';
import { manualClock } from './manual-clock.js';

/** The session operations of the façade that retry tests call. */
export interface ClockedOperations {
  createSession(args: { sessionToken: string }, options?: CallOptions): Promise<Session>;
  getSession(sessionId: string, options?: CallOptions): Promise<Session>;
  refreshSession(sessionId: string, options?: CallOptions): Promise<Session>;
  revokeSession(sessionId: string, options?: CallOptions): Promise<void>;
  revokeUserSessions(
    userId: string,
    query: { oauthTokens?: boolean; forgetDevices?: boolean },
    options?: CallOptions,
  ): Promise<void>;
}

/** What `run` saw, on the manual clock (ms since the call started). */
export interface ClockedRun<T> {
  outcome: Outcome<T>;
  /** When each request was handed to the transport. */
  sentAt: number[];
  /** Each timer the pipeline set right after reporting a retry: the retry waits it slept. */
  waits: number[];
  /** Clock time from the start of the call to its end. */
  elapsed: number;
}

export interface ClockedClient {
  okta: ClockedOperations;
  retries: RetryInfo[];
  clock: Clock;
  /** Moves the clock on by `ms`, running the timers that fall due. */
  advance(ms: number): Promise<void>;
  /** Runs `call`, moving the clock through every retry wait, to its end (guarded in real time). */
  run<T>(call: (okta: ClockedOperations) => Promise<T>): Promise<ClockedRun<T>>;
}

/**
 * A client for `options` on a manual clock that starts at `startMs` (epoch ms; the real time by
 * default, so a 429 without `Date` is measured as the system clock would measure it).
 */
export function clockedClient(
  options: OktaSessionsOptions,
  startMs: number = Date.now(),
): ClockedClient {
  const manual = manualClock(startMs);
  const timers: number[] = [];
  const clock: Clock = {
    ...manual.clock,
    setTimeout: (run, ms) => {
      timers.push(ms);
      return manual.clock.setTimeout(run, ms);
    },
  };
  const retries: RetryInfo[] = [];
  // The timers set between each retry's report and the next microtask: withRetries reports,
  // then sleeps at once (the attempt's deadline is released before).
  const waitsOf: number[][] = [];
  let wake = () => undefined as void;
  const all: OktaSessionsOptions = {
    ...options,
    onRetry: (info) => {
      retries.push(info);
      const mark = timers.length;
      queueMicrotask(() => {
        waitsOf.push(timers.slice(mark));
        wake();
      });
      return options.onRetry?.(info);
    },
  };
  const config = resolveConfig(all, platform);
  const parts = clientParts(config, all, platform, clock);
  const sentAt: number[] = [];
  const transport = parts.pipeline.transport;
  parts.pipeline.transport = {
    request: (request) => {
      sentAt.push(clock.now());
      return transport.request(request);
    },
  };

  function call<T>(
    id: OperationId,
    prepared: Prepared,
    parse: (text: string) => T | string,
    callOptions: CallOptions | undefined,
  ): Promise<T> {
    const defaults = {
      headers: parts.headers,
      credentials: parts.credentials,
      timeoutMs: config.timeoutMs,
    };
    return send(parts.pipeline, callOf(id, prepared, callOptions, defaults), parse, repeatable(id));
  }
  const okta: ClockedOperations = {
    createSession: ({ sessionToken }, o) =>
      call('createSession', { body: JSON.stringify({ sessionToken }) }, parseSession, o),
    getSession: (sessionId, o) => call('getSession', { path: { sessionId } }, parseSession, o),
    refreshSession: (sessionId, o) =>
      call('refreshSession', { path: { sessionId } }, parseSession, o),
    revokeSession: async (sessionId, o) => {
      await call('revokeSession', { path: { sessionId } }, noBody, o);
    },
    revokeUserSessions: async (userId, query, o) => {
      await call('revokeUserSessions', { path: { userId }, query }, noBody, o);
    },
  };

  async function run<T>(operation: (ops: ClockedOperations) => Promise<T>): Promise<ClockedRun<T>> {
    const start = clock.now();
    const firstSent = sentAt.length;
    const firstRetry = waitsOf.length;
    let settled = false;
    const ended = measure(() => operation(okta)).finally(() => {
      settled = true;
      wake();
    });
    let handled = firstRetry;
    while (!settled || handled < waitsOf.length) {
      if (handled < waitsOf.length) {
        for (const ms of waitsOf[handled++]!) await manual.advance(ms);
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
    const outcome = await ended;
    return {
      outcome,
      sentAt: sentAt.slice(firstSent).map((at) => at - start),
      waits: waitsOf.slice(firstRetry).flat(),
      elapsed: clock.now() - start,
    };
  }

  return { okta, retries, clock, advance: manual.advance, run };
}

/** {@link clockedClient} whose fetch plays `replies` in order and records every request. */
export function clockedHarness(
  replies: Reply[],
  extra: Partial<OktaSessionsOptions> = {},
  startMs?: number,
): ClockedClient & { requests: Request[] } {
  const { fetch, requests } = replay(replies);
  const clocked = clockedClient(
    {
      orgUrl: ORG,
      apiToken: API_TOKEN,
      fetch,
      ...extra,
    },
    startMs,
  );
  return { ...clocked, requests };
}
