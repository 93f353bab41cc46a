// The throttle and one attempt on a clock the test moves by hand (the pipeline's clock seam):
// how the store's round trips use up the attempt's time, and how a failing store is reported.
// The same behaviours with real servers and real time are in test/pipeline.test.ts.
import { attempt, type Wire } from '../src/call/attempt.js';
import { Throttle } from '../src/call/throttle.js';
import type { OktaWarning } from '../src/index.js';
import { routes, type OperationId } from '../src/model/operations.js';
import { OktaTimeoutError } from '../src/errors/timeout-error.js';
import type { RateLimitReservation, RateLimitStore } from '../src/rate-limit/store.js';
import { slot } from './helpers/slots.js';
import type { Clock } from '../src/time/clock.js';
import { flush, manualClock } from './helpers/manual-clock.js';
import type { Transport } from '../src/transport/transport.js';

/** A store whose answers the test gives by hand, in order. */
function scriptedStore() {
  const pending: Array<{
    resolve: (reservation: RateLimitReservation) => void;
    reject: (e: unknown) => void;
  }> = [];
  const store: RateLimitStore = {
    reserve: () =>
      new Promise<RateLimitReservation>((resolve, reject) => pending.push({ resolve, reject })),
    record: () => undefined,
  };
  return { store, pending };
}

const timeout = () => new OktaTimeoutError('GET', 'https://acme.okta.com/api/v1/sessions/x', 1000);

function throttleOf(store: RateLimitStore, clock: Clock, warnings: OktaWarning[] = []) {
  return new Throttle('https://acme.okta.com', store, 61_000, clock, (w) => warnings.push(w));
}

describe('the store round trips share the attempt budget', () => {
  test('the round trip runs under the attempt budget; the wait for the slot does not', async () => {
    const { clock, advance } = manualClock();
    const { store, pending } = scriptedStore();
    let outcome: unknown = 'pending';
    const warnings: OktaWarning[] = [];
    void throttleOf(store, clock, warnings)
      .wait('getSession', undefined, 1000, timeout)
      .then(
        (got) => (outcome = got.spent),
        (error: unknown) => (outcome = error),
      );
    await advance(600);
    pending[0]!.resolve(slot(5_000)); // a slot in 5 s, longer than the attempt's 1 s
    await advance(4_999);
    expect(outcome).toBe('pending');
    await advance(1);
    // Only the 600 ms round trip comes off the attempt's time.
    expect(outcome).toBe(600);
    expect(pending).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  test('a round trip that outlasts the budget ends the attempt with its timeout', async () => {
    const { clock, advance } = manualClock();
    const { store } = scriptedStore();
    const outcome = throttleOf(store, clock)
      .wait('getSession', undefined, 1000, timeout)
      .catch((error: unknown) => error);
    await advance(1000);
    expect(await outcome).toBeInstanceOf(OktaTimeoutError);
  });

  test('what the store took comes off the attempt: the request gets 1000 ms less 400 ms', async () => {
    const { clock, advance } = manualClock();
    const { store, pending } = scriptedStore();
    const cancelled: unknown[] = [];
    const hangs: Transport = {
      request: (request) =>
        new Promise((_resolve, reject) =>
          request.cancel.onCancel((reason) => {
            cancelled.push(reason);
            reject(reason);
          }),
        ),
    };
    const wire: Wire = {
      orgUrl: 'https://acme.okta.com',
      transport: hangs,
      authorizer: { headersFor: () => undefined },
      throttle: throttleOf(store, clock),
      scrubber: () => (text) => text,
      clock,
    };
    const call = {
      id: 'getSession' as const,
      method: 'GET',
      template: '/api/v1/sessions/{sessionId}',
      path: '/api/v1/sessions/x',
      headers: {},
      credentials: undefined,
      signal: undefined,
      timeoutMs: 1000,
    };
    let outcome: unknown = 'pending';
    void attempt(wire, call, () => undefined).then(
      () => (outcome = 'answered'),
      (error: unknown) => (outcome = error),
    );
    await advance(400);
    pending[0]!.resolve(slot());
    await advance(599);
    expect(outcome).toBe('pending');
    await advance(1);
    expect(outcome).toBeInstanceOf(OktaTimeoutError);
    expect(cancelled).toHaveLength(1);
  });
});

describe('a failing store is reported once per outage', () => {
  test('throws twice, answers, throws again: two warnings, each saying what happened', async () => {
    const { clock, advance } = manualClock();
    let mode: 'throw' | 'answer' | 'hang' = 'throw';
    const store: RateLimitStore = {
      reserve: () => {
        if (mode === 'throw') throw new Error('down');
        return mode === 'answer' ? slot() : new Promise<RateLimitReservation>(() => undefined);
      },
      record: () => undefined,
    };
    const warnings: OktaWarning[] = [];
    const throttle = throttleOf(store, clock, warnings);
    const reserve = () => throttle.wait('getSession', undefined, 1000, timeout);
    await reserve(); // fails: warned, memory for 5 s
    await advance(5000);
    await reserve(); // fails again in the same outage: no second warning
    await advance(5000);
    mode = 'answer';
    await reserve(); // answers: the outage is over
    mode = 'hang';
    const hung = reserve().catch((error: unknown) => error);
    await advance(1000);
    expect(await hung).toBeInstanceOf(OktaTimeoutError);
    expect(warnings.map((w) => w.message.replace(/;.*/, ''))).toEqual([
      'The rate-limit store failed',
      'The rate-limit store did not answer in time',
    ]);
  });

  test.each([
    ['rejects', () => Promise.reject(new Error('down'))],
    [
      'throws',
      () => {
        throw new Error('down');
      },
    ],
  ])(
    'a store whose record %s is reported, and the call it watched goes on',
    async (_how, record) => {
      const { clock } = manualClock();
      const warnings: OktaWarning[] = [];
      const store: RateLimitStore = { reserve: () => slot(), record };
      const throttle = throttleOf(store, clock, warnings);
      throttle.note('getSession', {
        limit: 10,
        remaining: 0,
        resetAt: undefined,
        serverDate: undefined,
        retryAfterMs: undefined,
      });
      await flush();
      expect(warnings.map((w) => w.code)).toEqual(['OKTA_SESSIONS_STORE_FAILED']);
      expect(warnings[0]!.message).toMatch(/^The rate-limit store failed to record a response;/);
    },
  );
});

test('every route of the spec and the token endpoint names its Okta bucket', async () => {
  const { clock } = manualClock();
  const state = {
    limit: 10,
    remaining: 5,
    resetAt: undefined,
    serverDate: undefined,
    retryAfterMs: undefined,
  };
  const ids = [...(Object.keys(routes) as OperationId[]), 'getAccessToken' as const];
  const seen = ids.map((id) => {
    let group: string | undefined;
    const each = throttleOf(
      { reserve: () => slot(), record: (bucket) => void (group = bucket.group) },
      clock,
    );
    each.note(id, state);
    return [id, group];
  });
  expect(Object.fromEntries(seen)).toEqual({
    createSession: 'sessions',
    getSession: 'sessions',
    refreshSession: 'sessions',
    revokeSession: 'sessions',
    getCurrentSession: 'me',
    refreshCurrentSession: 'me',
    closeCurrentSession: 'me',
    revokeUserSessions: 'users',
    getAccessToken: 'oauth-token',
  });
});
