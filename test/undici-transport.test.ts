// The Node transport on its own, against a loopback server: what its own promise does when a
// request is cancelled. Through the client these rejections are never seen (the attempt has
// rejected already with the caller's reason), so only a direct test can hold them.
import type { Cancel, TransportRequest } from '../src/transport/transport.js';
import { undiciTransport } from '../src/transport/undici.js';
import {
  closeAllScriptedServers,
  neverAnswer,
  startScriptedServer,
  type ScriptedServer,
} from './helpers/scripted-server.js';

afterEach(closeAllScriptedServers);

/** A {@link Cancel} the test fires by hand, as the attempt's deadline does in the client. */
function handCancel(): { cancel: Cancel; fire(reason: unknown): void } {
  const controller = new AbortController();
  const stops: ((reason: unknown) => void)[] = [];
  return {
    cancel: {
      get signal() {
        return controller.signal;
      },
      onCancel(stop) {
        if (controller.signal.aborted) stop(controller.signal.reason);
        else stops.push(stop);
      },
    },
    fire(reason) {
      controller.abort(reason);
      for (const stop of stops.splice(0)) stop(reason);
    },
  };
}

const get = (server: ScriptedServer, cancel: Cancel): TransportRequest => ({
  method: 'GET',
  origin: server.url,
  path: '/api/v1/sessions/x',
  headers: { accept: 'application/json' },
  body: undefined,
  credentials: undefined,
  cancel,
});

/** How `promise` has settled after `ms`: a promise that never settles reads 'pending'. */
async function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise((resolve) => (timer = setTimeout(resolve, ms, 'pending')));
  const outcome = promise.then(
    (value: unknown) => ({ resolved: value }),
    (reason: unknown) => ({ rejected: reason }),
  );
  try {
    return await Promise.race([outcome, pending]);
  } finally {
    clearTimeout(timer);
  }
}

test('a request cancelled before it is sent rejects with the reason at once, and never connects', async () => {
  const server = await startScriptedServer([neverAnswer()]);
  const { cancel, fire } = handCancel();
  const reason = new Error('cancelled early');
  fire(reason);
  expect(await outcomeWithin(undiciTransport.request(get(server, cancel)), 1_000)).toEqual({
    rejected: reason,
  });
  expect(server.connections).toBe(0);
});

test('a request cancelled in flight rejects with the Error it was cancelled with', async () => {
  const server = await startScriptedServer([neverAnswer()]);
  const { cancel, fire } = handCancel();
  const sent = undiciTransport.request(get(server, cancel));
  while (server.attempts === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const reason = new Error('cancelled in flight');
  fire(reason);
  const outcome = (await outcomeWithin(sent, 1_000)) as { rejected?: unknown };
  expect(outcome.rejected).toBe(reason);
});

test('a request cancelled in flight with a reason that is no Error rejects with an Error saying so', async () => {
  // undici aborts with Errors only; the client keeps the caller's own reason for the call.
  const server = await startScriptedServer([neverAnswer()]);
  const { cancel, fire } = handCancel();
  const sent = undiciTransport.request(get(server, cancel));
  while (server.attempts === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  fire('stop');
  const outcome = (await outcomeWithin(sent, 1_000)) as { rejected?: unknown };
  expect(outcome.rejected).toBeInstanceOf(Error);
  expect((outcome.rejected as Error).message).toBe('request cancelled');
});
