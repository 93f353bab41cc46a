// Reservations as a hand-written RateLimitStore answers them.
import type { RateLimitRefusal, RateLimitSlot } from '../../src/index.js';

/** A slot to send after `waitMs` (0: now); `released` counts its releases. */
export function slot(waitMs = 0): RateLimitSlot & { released: number } {
  const s = {
    granted: true as const,
    waitMs,
    released: 0,
    release: () => void s.released++,
  };
  return s;
}

/** No slot within the caller's cap: the next in `retryAfterMs`. */
export function refusal(
  retryAfterMs: number,
  resetAt = Date.now() + retryAfterMs,
): RateLimitRefusal {
  return { granted: false, retryAfterMs, resetAt };
}
