import type { HeaderReader } from '../transport/transport.js';

export type { HeaderReader };
/** What Okta's rate-limit headers say about the current window. */
export interface RateLimitState {
  /** `X-Rate-Limit-Limit`: requests the window allows (0 on a concurrency refusal). */
  limit: number | undefined;
  /** `X-Rate-Limit-Remaining`: requests left in the window. */
  remaining: number | undefined;
  /** When the window resets, by the server's clock. */
  resetAt: Date | undefined;
  /** The response's `Date` header, to turn `resetAt` into a wait without trusting our clock. */
  serverDate: Date | undefined;
  /** `Retry-After` in milliseconds, when it is given as seconds or an HTTP date. */
  retryAfterMs: number | undefined;
  /**
   * True when the server refused the request (429): proof that the window was already spent
   * when the request arrived, unlike a success that merely used its last slot (`remaining` 0).
   */
  refused?: boolean;
}

// A repeated header arrives comma-joined; Okta's SDKs in .NET and Python take the smallest
// value, which is the safe reading (we never wait less than the earliest reset... and never
// wait for a window that is not ours).
function smallestNumber(value: string | null): number | undefined {
  if (value === null) return undefined;
  let best: number | undefined;
  for (const part of value.split(',')) {
    const trimmed = part.trim();
    if (!/^\d+$/.test(trimmed)) continue;
    const n = Number(trimmed);
    // Stryker disable next-line EqualityOperator: `<=` only swaps equal values, same minimum (the tests kill `!==` and `>=`).
    if (Number.isSafeInteger(n) && (best === undefined || n < best)) best = n;
  }
  return best;
}

function httpDate(value: string | null): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function retryAfterMs(
  value: string | null,
  serverDate: Date | undefined,
  now: number,
): number | undefined {
  // Stryker disable next-line ConditionalExpression: with `false`, null reads as no number and no date below (the tests kill `true`).
  if (value === null) return undefined;
  const seconds = smallestNumber(value);
  if (seconds !== undefined) return seconds * 1000;
  const at = httpDate(value);
  if (!at) return undefined;
  return at.getTime() - (serverDate?.getTime() ?? now);
}

/**
 * Reads Okta's rate-limit headers (and `Date`, `Retry-After`) off a response; `now` (the
 * pipeline's clock) stands in for the server's `Date` when a response lacks it.
 */
export function readRateLimit(headers: Pick<HeaderReader, 'get'>, now: number): RateLimitState {
  const reset = smallestNumber(headers.get('x-rate-limit-reset'));
  const serverDate = httpDate(headers.get('date'));
  return {
    limit: smallestNumber(headers.get('x-rate-limit-limit')),
    remaining: smallestNumber(headers.get('x-rate-limit-remaining')),
    resetAt: reset === undefined ? undefined : new Date(reset * 1000),
    serverDate,
    retryAfterMs: retryAfterMs(headers.get('retry-after'), serverDate, now),
  };
}

/**
 * How long to wait for the window to reset, as Okta documents it: reset − Date + 1 s.
 * Undefined when the reset is missing or makes no sense (in the past); without `Date`, our clock
 * stands in for the server's.
 */
export function resetWaitMs(state: RateLimitState, nowMs: number): number | undefined {
  if (!state.resetAt) return undefined;
  // A browser hides `Date` from a cross-origin page unless Access-Control-Expose-Headers lists
  // it; our clock is then the best guess, far better than a short backoff into the same 429.
  const now = state.serverDate?.getTime() ?? nowMs;
  const wait = state.resetAt.getTime() - now + 1000;
  // Okta's reset is whole seconds, so a reset equal to the Date's second still means "soon".
  return wait > 0 ? wait : undefined;
}
