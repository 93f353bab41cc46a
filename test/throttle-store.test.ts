// The memory store's tickets on a clock moved by hand, fed the states the throttle reads off
// responses: what a reservation gets, what an answer or a release gives back, and what a
// response says (or does not say) about the window. End to end: test/throttle-fleet.test.ts.
import type { RateLimitState } from '../src/rate-limit/headers.js';
import { memoryStore } from '../src/rate-limit/memory-store.js';
import {
  type RateLimitBucket,
  type RateLimitReservation,
  type RateLimitStore,
} from '../src/rate-limit/store.js';
import { manualClock } from './helpers/manual-clock.js';

const bucket: RateLimitBucket = {
  orgUrl: 'https://acme.okta.com',
  group: 'sessions',
  key: 'https://acme.okta.com sessions',
};
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A response's state at `now`: the window resets `resetInMs` later (whole seconds, as Okta's). */
function answer(now: number, limit: number, remaining: number, resetInMs: number): RateLimitState {
  return {
    limit,
    remaining,
    resetAt: new Date(now + resetInMs),
    serverDate: new Date(now),
    retryAfterMs: undefined,
  };
}

function setup(random = () => 0) {
  const { clock, advance } = manualClock(T0);
  const store = memoryStore(clock, random);
  const reserve = (maxWaitMs = 61_000) =>
    store.reserve(bucket, { maxWaitMs }) as RateLimitReservation;
  const record = (limit: number, remaining: number, resetInMs: number) =>
    void store.record(bucket, answer(clock.now(), limit, remaining, resetInMs));
  return { clock, advance, store: store as RateLimitStore, reserve, record };
}

const waits = (rs: RateLimitReservation[]) => rs.map((r) => (r.granted ? r.waitMs : 'refused'));

test('a bucket no response has shown: every slot at once', () => {
  const s = setup();
  expect(waits([s.reserve(), s.reserve(), s.reserve()])).toEqual([0, 0, 0]);
});

test('remaining less the slots not yet answered; then the next window, reset − Date + 1 s away', () => {
  const s = setup();
  s.record(10, 2, 30_000);
  expect(waits([s.reserve(), s.reserve(), s.reserve()])).toEqual([0, 0, 31_000]);
});

test('a refusal says when a slot could be had and when the window resets', () => {
  const s = setup();
  s.record(1, 0, 30_000);
  expect(s.reserve(5_000)).toEqual({ granted: false, retryAfterMs: 31_000, resetAt: T0 + 30_000 });
});

test('a full next window sends the caller to the one after: refused when past its cap', () => {
  const s = setup();
  s.record(2, 0, 10_000);
  const got = [s.reserve(), s.reserve(), s.reserve(200_000), s.reserve()];
  // The window length is Okta's minute until a second window was seen.
  expect(waits(got)).toEqual([11_000, 11_000, 71_000, 'refused']);
});

test('an answer takes off the first slot sent; a release gives a waiting one back, once', () => {
  const s = setup();
  s.record(2, 2, 10_000);
  expect(waits([s.reserve(), s.reserve()])).toEqual([0, 0]);
  s.record(2, 1, 10_000); // one of the two answered (1 left by the server), one still out
  const waiting = s.reserve();
  expect(waits([waiting, s.reserve()])).toEqual([11_000, 11_000]);
  // This window and the next are taken.
  expect(s.reserve(11_000).granted).toBe(false);
  if (waiting.granted) void waiting.release();
  if (waiting.granted) void waiting.release(); // idempotent: one slot back, not two
  expect(waits([s.reserve(11_000), s.reserve(11_000)])).toEqual([11_000, 'refused']);
});

test('answers of one window: the fewest remaining wins, whatever order they come in', () => {
  const s = setup();
  s.record(3, 1, 10_000);
  expect(waits([s.reserve(), s.reserve()])).toEqual([0, 11_000]);
  s.record(3, 1, 10_000); // the slot sent is answered: 1 left
  s.record(3, 2, 10_000); // an answer overtaken on the way says 2: not believed
  expect(waits([s.reserve(), s.reserve()])).toEqual([0, 11_000]);
});

test('a concurrency refusal (limit 0) says nothing of the window', () => {
  const s = setup();
  s.record(0, 0, 60_000);
  expect(waits([s.reserve()])).toEqual([0]);
  s.record(5, 3, 60_000);
  s.record(0, 0, 60_000);
  expect(waits([s.reserve()])).toEqual([0]);
});

test('a late answer of an older window does not touch the current one', () => {
  const s = setup();
  s.record(3, 3, 10_000);
  s.advance(0);
  const { clock } = s;
  void s.store.record(bucket, answer(clock.now() - 20_000, 3, 0, 10_000));
  expect(waits([s.reserve()])).toEqual([0]);
});

test('our clock past the reset before any answer shows it: the new window is free', async () => {
  const s = setup();
  s.record(2, 0, 10_000);
  await s.advance(11_000);
  expect(waits([s.reserve(), s.reserve(), s.reserve()])).toEqual([0, 0, 60_000]);
});

test('a second window measures the length: slots two windows off are that much later', async () => {
  const s = setup();
  s.record(1, 0, 10_000);
  await s.advance(11_000);
  s.reserve(); // the new window's slot, sent
  s.record(1, 0, 9_000); // its answer: the window resets 10 s after the last
  expect(waits([s.reserve(), s.reserve()])).toEqual([10_000, 20_000]);
});

test('a reset an hour off is believed for two minutes at most', () => {
  const s = setup();
  s.record(5, 0, 3_600_000);
  const refused = s.reserve(1_000);
  expect(refused.granted).toBe(false);
  if (!refused.granted) expect(refused.retryAfterMs).toBe(121_000);
});

test('a slot sent and never answered stops counting a minute later', async () => {
  const s = setup();
  s.record(1, 1, 30_000);
  s.reserve(); // sent; its answer never comes
  expect(waits([s.reserve(0)])).toEqual(['refused']);
  await s.advance(60_000);
  // A new window (our clock passed the reset) and the lost slot lapsed.
  expect(waits([s.reserve(0)])).toEqual([0]);
});

test("jitter spreads a window's waiters by up to a tenth of the wait, at most a second", () => {
  const s = setup(() => 1);
  s.record(1, 0, 4_000);
  expect(waits([s.reserve()])).toEqual([5_000 + 500]);
  const t = setup(() => 1);
  t.record(1, 0, 30_000);
  expect(waits([t.reserve()])).toEqual([31_000 + 1_000]);
});
