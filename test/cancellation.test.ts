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
    const waits: number[] = [];
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'tok-cancel',
      retry: { maxRetries: 1 },
      onRetry: (info) => waits.push(info.delayMs),
    });
    const controller = new AbortController();
    const session = await okta.getSession('retried', { signal: controller.signal });
    expect(session.id).toBe('retried');
    // The call slept once (a backoff of 125 to 250 ms) with the signal in hand, and woke.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
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
