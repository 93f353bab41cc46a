// A clock whose time moves only when the test says so, for the pipeline's clock seam
// (src/time/clock.ts): tests drive retries, the throttle and token expiry without waiting.
import type { Clock } from '../../src/time/clock.js';

/** Lets pending promise callbacks run. */
export const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A clock whose time moves only when the test says so, from `start` (epoch ms). */
export function manualClock(start = 0) {
  let now = start;
  let next = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout(run, ms) {
      timers.set(++next, { at: now + ms, run });
      return next;
    },
    clearTimeout: (timer) => void timers.delete(timer as number),
  };
  /** Moves time on by `ms`, running each timer that falls due, in order, and what it awaits. */
  async function advance(ms: number): Promise<void> {
    const until = now + ms;
    for (;;) {
      await flush();
      const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at);
      if (due.length === 0) break;
      const [id, timer] = due[0]!;
      timers.delete(id);
      now = timer.at;
      timer.run();
    }
    now = until;
    await flush();
  }
  return { clock, advance };
}
