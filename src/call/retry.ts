import { TOKEN_OPERATION, type RouteId } from '../model/operations.js';
import type { Authorizer } from './auth.js';
import type { Clock } from '../time/clock.js';
import { OktaApiError } from '../errors/api-error.js';
import { OktaNetworkError } from '../errors/network-error.js';
import { OktaRateLimitError } from '../errors/rate-limit-error.js';
import { OktaTimeoutError } from '../errors/timeout-error.js';
import { notify } from './notify.js';
import type { RetryInfo } from '../config/options.js';

import { sleep } from '../time/deadline.js';

const BACKOFF_BASE_MS = 250;
// Okta's concurrency refusals (429, X-Rate-Limit-Limit: 0) end when a request in flight does:
// their reset "is not a guarantee" and waiting it out stalls a call for up to a minute.
// The first backoff is 1–2 s, then doubles.
const CONCURRENCY_BASE_MS = 2000;
// Statuses where the server (or a gateway in front of it) did not do the work.
const TRANSIENT_STATUSES = new Set([502, 503, 504]);

/** A client's retry settings, and what its credential adds to them. */
export interface RetryPolicy {
  maxRetries: number;
  maxDelayMs: number;
  onRetry: ((info: RetryInfo) => unknown) | undefined;
  /**
   * True for a network failure's cause that proves the request never reached the server (a
   * refused connection), so that even an operation that is not repeatable may go again; see
   * transport/never-sent.ts. Undefined: any failure may have reached it.
   */
  neverSent?: ((cause: unknown) => boolean) | undefined;
  clock: Clock;
  /**
   * The credential's judge of a call's failures: a protocol step repeats at once and does not
   * draw on the budget (the judge bounds steps itself); a failure of the token request the call
   * needed draws on the same budget, is reported as `getAccessToken`, and is always safe to
   * repeat (the API request was not sent; each token request carries a new assertion).
   */
  authorizer: Pick<Authorizer, 'failures'>;
}

/** The call a retry loop runs. */
interface Retried {
  id: RouteId;
  signal: AbortSignal | undefined;
}

/** One attempt being watched: the pipeline tells it each step. */
export interface Watch {
  /**
   * The request is handed to the transport with these headers (sent as returned); `joined`
   * when its credential came from a token request it waited for.
   */
  sending(headers: Record<string, string>, joined: boolean): Record<string, string>;
  /** The attempt succeeded with `value`. */
  succeeded<T>(value: T): T;
  /** The attempt failed with `error`: reported, then rethrown. */
  failed(error: unknown): never;
  /** The call goes again after this failed attempt. */
  retrying(info: RetryInfo): void;
}

/** What an attempt reports to its retry policy besides its outcome. */
export interface Tried {
  /** The headers the request went out with, once it did. */
  sent?: Record<string, string>;
  /** Which attempt of the call this is: 1, 2... (protocol steps included). */
  attempt?: number;
  /** The attempt's watch, when someone listens (call/observe.ts): told of the retry. */
  watch?: Watch;
}

/** Exponential backoff with jitter: half fixed, half random, so clients spread out. */
function backoffMs(retry: number, base = BACKOFF_BASE_MS): number {
  const ceiling = base * 2 ** (retry - 1);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function decide(
  error: unknown,
  retry: number,
  policy: RetryPolicy,
  repeatable: boolean,
): Omit<RetryInfo, 'operationId' | 'attempt'> | undefined {
  if (error instanceof OktaApiError) {
    // A 429 is always worth waiting out (the request was refused, not processed); a 5xx only
    // when the server did not do the work and the operation is safe to repeat.
    const rateLimited = error instanceof OktaRateLimitError;
    if (!rateLimited && (!repeatable || !TRANSIENT_STATUSES.has(error.status))) {
      return undefined;
    }
    // A window's 429 waits Okta's reset, read off its headers when the error was made; a
    // concurrency refusal backs off from a second, the caller's cap bounding it.
    const concurrency = rateLimited && error.limit === 0;
    return {
      delayMs: concurrency
        ? backoffMs(retry, CONCURRENCY_BASE_MS)
        : ((rateLimited ? error.waitMs : undefined) ?? backoffMs(retry)),
      status: error.status,
      ...(error.requestId ? { requestId: error.requestId } : {}),
      reason: rateLimited ? 'rate-limit' : 'server-error',
    };
  }
  if (error instanceof OktaTimeoutError) {
    // The request may have been processed: only operations that are safe to repeat go again.
    return repeatable ? { delayMs: backoffMs(retry), reason: 'timeout' } : undefined;
  }
  if (error instanceof OktaNetworkError) {
    if (!repeatable && !policy.neverSent?.(error.cause)) return undefined;
    return { delayMs: backoffMs(retry), reason: 'network' };
  }
  return undefined;
}

/**
 * Runs `attempt` until it succeeds, the error is not worth retrying, or retries run out: the
 * one retry loop of a call, its token requests included. Retries of the API request carry
 * Okta's X-Okta-Retry-For (the request id of the first 429) and X-Okta-Retry-Count.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  call: Retried,
  /** May 5xx and network failures be retried (is a repeat harmless for this operation)? */
  repeatable: boolean,
  attempt: (retryHeaders: Record<string, string> | undefined, tried: Tried) => Promise<T>,
): Promise<T> {
  const { signal } = call;
  const judge = policy.authorizer.failures?.();
  let retryFor: string | undefined;
  let headers: Record<string, string> | undefined;
  let apiRetries = 0;
  let attempts = 0;
  for (let retry = 0; ;) {
    const tried: Tried = { attempt: ++attempts };
    try {
      return await attempt(headers, tried);
    } catch (error) {
      if (signal?.aborted) throw error;
      const verdict = judge?.(error, tried.sent);
      if (verdict === 'repeat') continue;
      if (retry >= policy.maxRetries) throw error;
      const forToken = verdict === 'token';
      // Safe to repeat what never left: a token request's failure, or a timeout or abort
      // before the request was sent (a spent window, the wait for the token).
      const unsent = forToken || tried.sent === undefined;
      const decision = decide(error, retry + 1, policy, unsent || repeatable);
      if (!decision) throw error;
      retry++;
      if (!unsent) {
        apiRetries++;
        if (decision.reason === 'rate-limit' && retryFor === undefined) {
          retryFor = decision.requestId;
        }
        headers = { 'x-okta-retry-count': String(apiRetries) };
        if (retryFor) headers['x-okta-retry-for'] = retryFor;
      }
      decision.delayMs = Math.min(Math.max(0, Math.ceil(decision.delayMs)), policy.maxDelayMs);
      const operationId = forToken ? TOKEN_OPERATION : call.id;
      const info = { operationId, attempt: retry, ...decision };
      notify(policy.onRetry, info);
      tried.watch?.retrying(info);
      await sleep(decision.delayMs, signal, policy.clock);
    }
  }
}
