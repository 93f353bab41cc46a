// Cancellation and timeouts end an attempt at once in every phase: queued for a socket behind
// busy requests, waiting for headers, reading the body. A call cancelled while queued never
// opens a socket, and one AbortSignal shared by many calls leaves no listener behind.
// Real sockets on 127.0.0.1; times are generous upper bounds.

import { getEventListeners } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';

import { OktaSessions, OktaTimeoutError } from '../src/index.js';
import { measure, rejectionOf, sleep } from './helpers/faults-expect.js';
import {
  closeAllScriptedServers,
  empty,
  hungBody,
  neverAnswer,
  sessionOk,
  startScriptedServer,
  type ScriptStep,
  type ScriptedServer,
} from './helpers/scripted-server.js';
import * as liveServer from './helpers/live-server.js';
import * as fetchHarness from './helpers/fetch-harness.js';
import {
  ACCESS_TOKEN,
  SECRETS,
  SESSION_ID,
  SESSION_TOKEN,
  failure,
  retries,
  serve,
  server,
} from './helpers/live-server.js';
import { OktaError, OktaNetworkError, type RateLimitStore } from '../src/index.js';
import { expectNoSecrets } from './helpers/faults-expect.js';
import { nowSeconds, rateLimited } from './helpers/scripted-server.js';
import { API_TOKEN, ORG, harness, json, ok, rejection } from './helpers/fetch-harness.js';
import { clockedClient, clockedHarness } from './helpers/clocked-client.js';
import { slot } from './helpers/slots.js';

// The Node transport's connections per origin (src/transport/undici.ts).
const CONNECTIONS = 128;
const BOUND_MS = 1_500;

afterEach(closeAllScriptedServers);

/** A server that holds every request until `release()`, and answers at once after it. */
async function holdingServer(): Promise<{ server: ScriptedServer; release(): void }> {
  const held: (() => void)[] = [];
  let released = false;
  const hold: ScriptStep = (ctx) => {
    if (released) sessionOk()(ctx);
    else held.push(() => sessionOk()(ctx));
  };
  const server = await startScriptedServer([], { fallback: hold });
  const release = () => {
    released = true;
    held.splice(0).forEach((answer) => answer());
  };
  return { server, release };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function client(server: ScriptedServer): OktaSessions {
  return new OktaSessions({ orgUrl: server.url, apiToken: 'tok-cancel', retry: { maxRetries: 0 } });
}

describe('a call queued behind busy connections', () => {
  test('ends at its timeoutMs, AbortSignal.timeout or abort() at once, and never opens a socket', async () => {
    const { server, release } = await holdingServer();
    const okta = client(server);
    const busy = Array.from({ length: CONNECTIONS }, (_, i) =>
      okta.getSession(`busy${i}`).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    await until(() => server.attempts === CONNECTIONS, `${CONNECTIONS} busy requests`);

    const timedOut = await measure(() => okta.getSession('queued-1', { timeoutMs: 200 }));
    expect(rejectionOf(timedOut, OktaTimeoutError).timeoutMs).toBe(200);
    expect(timedOut.elapsedMs).toBeLessThan(BOUND_MS);

    const signalTimeout = await measure(() =>
      okta.getSession('queued-2', { signal: AbortSignal.timeout(200) }),
    );
    expect(signalTimeout.ok).toBe(false);
    expect((signalTimeout as { error: Error }).error.name).toBe('TimeoutError');
    expect(signalTimeout.elapsedMs).toBeLessThan(BOUND_MS);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user gave up')), 200);
    const aborted = await measure(() => okta.getSession('queued-3', { signal: controller.signal }));
    expect(aborted.ok).toBe(false);
    expect((aborted as { error: Error }).error.message).toBe('user gave up');
    expect(aborted.elapsedMs).toBeLessThan(BOUND_MS);

    // Many queued calls on one signal: all end at once, none ever reaches a socket.
    const many = new AbortController();
    const queued = Array.from({ length: 500 }, (_, i) =>
      okta.getSession(`queued-many-${i}`, { signal: many.signal }).catch((e: unknown) => e),
    );
    await sleep(50);
    const abortedAt = performance.now();
    many.abort(new Error('shutdown'));
    const reasons = await Promise.all(queued);
    expect(performance.now() - abortedAt).toBeLessThan(BOUND_MS);
    expect(reasons.every((r) => (r as Error).message === 'shutdown')).toBe(true);

    release();
    expect(await Promise.all(busy)).toEqual(busy.map(() => 'ok'));
    // A later call still works, on the same keep-alive connections.
    await okta.getSession('after');
    expect(server.attempts).toBe(CONNECTIONS + 1);
    expect(server.connections).toBe(CONNECTIONS);
  });
});

describe('one AbortSignal shared by many calls', () => {
  // Node warns (MaxListenersExceededWarning) once a signal has more than 10 abort listeners;
  // the warning goes to the real process, out of a jest sandbox's reach, so the count is checked.
  test('holds one listener while they run, none after, so Node never warns', async () => {
    const server = await startScriptedServer([], { fallback: sessionOk() });
    const okta = client(server);
    const controller = new AbortController();
    const listeners = () => getEventListeners(controller.signal, 'abort').length;
    const calls = Array.from({ length: 200 }, (_, i) =>
      okta.getSession(`shared${i}`, { signal: controller.signal }),
    );
    let most = 0;
    while (server.attempts < 10) {
      most = Math.max(most, listeners());
      await sleep(1);
    }
    await Promise.all(calls);
    expect(most).toBe(1);
    expect(listeners()).toBe(0);
    // A timed-out call with the same signal lets go of it too.
    const hung = await startScriptedServer([neverAnswer()]);
    await client(hung)
      .getSession('hung', { signal: controller.signal, timeoutMs: 100 })
      .catch(() => undefined);
    expect(listeners()).toBe(0);
  });

  test('a retry wait that runs its course lets go of the signal too', async () => {
    const server = await startScriptedServer([empty(503), sessionOk('retried')]);
    const { run, retries } = clockedClient({
      orgUrl: server.url,
      apiToken: 'tok-cancel',
      retry: { maxRetries: 1 },
    });
    const controller = new AbortController();
    const { outcome, waits } = await run((okta) =>
      okta.getSession('retried', { signal: controller.signal }),
    );
    expect(outcome.ok && outcome.value.id).toBe('retried');
    // The call slept once (a backoff of 125 to 250 ms) with the signal in hand, and woke.
    expect(retries).toHaveLength(1);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(125);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(250);
    expect(waits).toEqual([retries[0]!.delayMs]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('cancellation in each phase of an attempt', () => {
  test.each([
    ['waiting for headers', neverAnswer()],
    ['reading the body', hungBody(200, '{"id":"s')],
  ])('%s: timeoutMs and abort() end the call at once', async (_phase, step) => {
    const server = await startScriptedServer([step, step]);
    const okta = client(server);
    const timedOut = await measure(() => okta.getSession('phase', { timeoutMs: 200 }));
    rejectionOf(timedOut, OktaTimeoutError);
    expect(timedOut.elapsedMs).toBeLessThan(BOUND_MS);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 200);
    const aborted = await measure(() => okta.getSession('phase', { signal: controller.signal }));
    expect((aborted as { error: Error }).error.message).toBe('stop');
    expect(aborted.elapsedMs).toBeLessThan(BOUND_MS);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('connecting (a TLS handshake that never completes): timeoutMs and abort() end the call at once', async () => {
    // A TCP server that accepts and never speaks: the https client stays in its handshake.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const orgUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const okta = new OktaSessions({ orgUrl, apiToken: 'tok-cancel', retry: { maxRetries: 0 } });
      const timedOut = await measure(() => okta.getSession('connecting', { timeoutMs: 200 }));
      rejectionOf(timedOut, OktaTimeoutError);
      expect(timedOut.elapsedMs).toBeLessThan(BOUND_MS);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop')), 200);
      const aborted = await measure(() =>
        okta.getSession('connecting', { signal: controller.signal }),
      );
      expect((aborted as { error: Error }).error.message).toBe('stop');
      expect(aborted.elapsedMs).toBeLessThan(BOUND_MS);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('a call aborted before it starts sends nothing', async () => {
    const server = await startScriptedServer([sessionOk()]);
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(client(server).getSession('x', { signal: controller.signal })).rejects.toThrow(
      'already',
    );
    await sleep(50);
    expect(server.connections).toBe(0);
  });
});

describe('timeouts', () => {
  const { client } = liveServer; // test/helpers/live-server.ts's own
  test('headers then a hung body: OktaTimeoutError within timeoutMs', async () => {
    await serve(hungBody(200, '{"id":"102Ke2yJpW3Q0ClCnZ_ryqPVQ","login":"ada@exa'));
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('a server that never answers: OktaTimeoutError within timeoutMs', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('per-call timeoutMs overrides the client default', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 30_000, retry: { maxRetries: 0 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID, { timeoutMs: 300 }));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  test('a server that never answers, with retries on: every attempt is bounded and the call ends', async () => {
    await serve(neverAnswer(), neverAnswer(), neverAnswer());
    const okta = client({ timeoutMs: 300, retry: { maxRetries: 2, maxDelayMs: 50 } });

    const outcome = await measure(() => okta.getSession(SESSION_ID));

    failure(outcome, OktaTimeoutError);
    // getSession is safe to repeat, so each timed-out attempt is retried: 1 + maxRetries.
    expect(server.attempts).toBe(3);
    expect(outcome.elapsedMs).toBeLessThan(5_000);
  });

  test('a hung body on createSession: OktaTimeoutError after one attempt', async () => {
    await serve(hungBody(200, '{"id":"1'), sessionOk());
    const okta = client({ timeoutMs: 300 });

    const outcome = await measure(() => okta.createSession({ sessionToken: SESSION_TOKEN }));

    failure(outcome, OktaTimeoutError);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });
});

describe('abort', () => {
  const { client } = liveServer; // test/helpers/live-server.ts's own
  test('abort before send: rejects with signal.reason and no request reaches the server', async () => {
    await serve(sessionOk());
    const okta = client();
    const controller = new AbortController();
    const reason = new Error('my reason');
    controller.abort(reason);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBe(reason);
      expectNoSecrets(outcome.error, SECRETS);
    }
    expect(outcome.elapsedMs).toBeLessThan(1_000);
    await sleep(50);
    expect(server.attempts).toBe(0);
    expect(server.connections).toBe(0);
  });

  test('abort during the request: rejects with signal.reason at once', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('my reason');
    setTimeout(() => controller.abort(reason), 150);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBe(reason);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });

  test('abort while the body is being read: rejects with signal.reason at once', async () => {
    await serve(hungBody(200, '{"id":"102Ke2'));
    const okta = client({ timeoutMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('my reason');
    setTimeout(() => controller.abort(reason), 150);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBe(reason);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });
  test.each([
    ['waiting for headers, a string reason', neverAnswer(), 'my string reason'],
    ['waiting for headers', neverAnswer(), new Error('my reason')],
    ['reading the body', hungBody(200, '{"id":"102Ke2'), new Error('my reason')],
  ])(
    'abort while %s: the connection is closed, the call rejects with the reason',
    async (_name, step, reason) => {
      let socketClosed = false;
      const controller = new AbortController();
      await serve((ctx) => {
        ctx.socket.once('close', () => (socketClosed = true));
        // Once the request is here (the first request of a run can take long to arrive).
        setTimeout(() => controller.abort(reason), 50);
        return step(ctx);
      });
      const okta = client({ timeoutMs: 10_000 });

      const outcome = await measure(() =>
        okta.getSession(SESSION_ID, { signal: controller.signal }),
      );

      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).toBe(reason);
      // Generous: the client hangs up at once, but this machine may be loaded.
      for (let waited = 0; !socketClosed && waited < 3_000; waited += 20) await sleep(20);
      expect(socketClosed).toBe(true);
    },
  );
  test('abort while the access token provider is pending: the request is never sent', async () => {
    await serve(sessionOk(SESSION_ID));
    let provide: (token: string) => void = () => undefined;
    const okta = client({
      apiToken: undefined,
      accessToken: () => new Promise<string>((resolve) => (provide = resolve)),
    });
    const controller = new AbortController();
    const reason = new Error('my reason');
    const call = okta.getSession(SESSION_ID, { signal: controller.signal });
    await sleep(50);
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    provide(ACCESS_TOKEN);
    await sleep(300);
    expect(server.attempts).toBe(0);
    expect(server.connections).toBe(0);
  });

  test('a body broken mid-read (a bad chunk): OktaNetworkError, not a hang or a short body', async () => {
    await serve(({ socket }) => {
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n');
    });
    const err = failure(
      await measure(() => client({ retry: { maxRetries: 0 } }).getSession(SESSION_ID)),
      OktaError,
    );
    expect(err).toBeInstanceOf(OktaNetworkError);
  });

  // Real time: an abort during a wait the system clock sleeps.
  test('abort during the backoff wait: rejects with signal.reason at once', async () => {
    const date = nowSeconds();
    await serve(rateLimited({ dateSeconds: date, reset: date + 3_600 }), sessionOk());
    const controller = new AbortController();
    const reason = new Error('my reason');
    const okta = client({
      retry: { maxDelayMs: 30_000 },
      onRetry: (info) => {
        retries.push(info);
        setTimeout(() => controller.abort(reason), 50);
      },
    });

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBe(reason);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBeGreaterThan(1_000);
    expect(server.attempts).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(2_500);
  });

  test('abort with no reason given: rejects with the signal’s default AbortError', async () => {
    await serve(neverAnswer());
    const okta = client({ timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const outcome = await measure(() => okta.getSession(SESSION_ID, { signal: controller.signal }));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBe(controller.signal.reason);
      expect((outcome.error as Error).name).toBe('AbortError');
    }
    expect(outcome.elapsedMs).toBeLessThan(2_000);
  });
});

describe('the caller signal: one listener, removed when done', () => {
  const { SESSION_ID, rateLimited } = fetchHarness; // test/helpers/fetch-harness.ts's own
  /** A fetch whose answers the test releases one by one, in the order the requests came. */
  function heldFetch() {
    const held: ((response: Response) => void)[] = [];
    const fetch = (() =>
      new Promise<Response>((resolve) => held.push(resolve))) as typeof globalThis.fetch;
    return { fetch, held };
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  test('calls sharing a signal hold one abort listener until the last of them ends', async () => {
    const { fetch, held } = heldFetch();
    const okta = new OktaSessions({ orgUrl: ORG, apiToken: API_TOKEN, fetch, throttle: false });
    const controller = new AbortController();
    const { signal } = controller;

    const first = okta.getSession(SESSION_ID, { signal });
    const second = okta.getSession(SESSION_ID, { signal });
    await until(() => held.length === 2);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);

    held[0]!(ok());
    expect((await first).id).toBe(SESSION_ID);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);

    // The call still in flight hears the abort through that one listener.
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(await rejection(second)).toBe(reason);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  test('an abort during a retry wait leaves no listener on the signal', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    let retried = () => undefined as void;
    const retriedOnce = new Promise<void>((resolve) => (retried = resolve));
    const h = clockedHarness([json(503, {}), ok()], {
      throttle: false,
      retry: { maxDelayMs: 60_000 },
      onRetry: () => retried(),
    });

    const call = measure(() => h.okta.getSession(SESSION_ID, { signal: controller.signal }));
    await retriedOnce;
    // 20 ms into the wait of 125 to 250 ms, the caller gives up: the call ends at once.
    await h.advance(20);
    controller.abort(reason);
    const outcome = await call;
    expect(outcome.ok ? 'resolved' : outcome.error).toBe(reason);
    expect(h.requests).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // The wait's timer is gone: running the clock past it sends nothing more.
    await h.advance(60_000);
    expect(h.requests).toHaveLength(1);
  });

  test('a wait of 0 ms (Retry-After: 0) sends the retry before any timer runs', async () => {
    let sentWhenTimerRan: number | undefined;
    const h = harness([rateLimited({ 'retry-after': '0' }), ok()], {
      throttle: false,
      onRetry: () => {
        setTimeout(() => (sentWhenTimerRan = h.requests.length), 0);
      },
    });

    await h.okta.getSession(SESSION_ID);
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(sentWhenTimerRan).toBe(2);
  });

  test('a signal aborted while the throttle store answers ends the call with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const store: RateLimitStore = {
      reserve: () => {
        controller.abort(reason);
        return slot();
      },
      record: () => undefined,
    };
    const h = harness([ok()], { throttle: { store } });

    expect(await rejection(h.okta.getSession(SESSION_ID, { signal: controller.signal }))).toBe(
      reason,
    );
  });

  test('a signal aborted by the token provider, before the request is sent, ends the call with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const h = harness([ok()], {
      apiToken: undefined,
      throttle: false,
      accessToken: () => {
        controller.abort(reason);
        return Promise.resolve('provided-access-token-0123456789');
      },
    });

    expect(await rejection(h.okta.getSession(SESSION_ID, { signal: controller.signal }))).toBe(
      reason,
    );
  });
});
