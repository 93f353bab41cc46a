// The system clock (src/time/clock.ts), the pipeline's real time: imported directly, as this seam
// has no public path of its own. Its timers are Node's, and one it cancels never runs.
import type * as ClockModule from '../src/time/clock.js';

test('now() is the time of day; a timer runs once due, a cancelled one never', async () => {
  // Loaded inside the test: systemClock's functions are made at import, and Stryker's per-test
  // coverage only sees what a test itself runs.
  let systemClock!: typeof ClockModule.systemClock;
  await jest.isolateModulesAsync(async () => {
    ({ systemClock } = await import('../src/time/clock.js'));
  });
  const before = Date.now();
  const now = systemClock.now();
  expect(now).toBeGreaterThanOrEqual(before);
  expect(now).toBeLessThanOrEqual(Date.now());

  const ran: string[] = [];
  systemClock.setTimeout(() => ran.push('kept'), 10);
  const cancelled = systemClock.setTimeout(() => ran.push('cancelled'), 10);
  systemClock.clearTimeout(cancelled);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(ran).toEqual(['kept']);
});
