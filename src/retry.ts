import type { OperationId } from './operations.js';
import { OktaApiError } from './errors/api-error.js';
import { rateLimitOf } from './errors/factory.js';
import { OktaNetworkError } from './errors/network-error.js';
import { OktaRateLimitError } from './errors/rate-limit-error.js';
import { OktaTimeoutError } from './errors/timeout-error.js';
import { notify } from './notify.js';
import { resetWaitMs } from './rate-limit.js';
import { sleep } from './abort.js';

/**
 * What {@link OktaSessions} reports before each retry. Contains no secrets.
 *
 * @example
 * ```ts
 * const onRetry = (info: RetryInfo) =>
 *   logger.warn({ ...info }, `retrying ${info.operationId} in ${info.delayMs} ms (${info.reason})`);
 * ```
 */
export interface RetryInfo {
  /** The operation being retried, e.g. `getSession`; `getAccessToken` for a service app's token request. */
  operationId: OperationId | 'getAccessToken';
  /** 1 for the first retry, 2 for the second... */
  attempt: number;
  /** How long the client waits before the retry. */
  delayMs: number;
  /** The status that caused the retry; undefined for network failures. */
  status?: number;
  /** `X-Okta-Request-Id` of the failed attempt, if any. */
  requestId?: string;
  /** Why the call is retried. */
  reason: 'rate-limit' | 'server-error' | 'network' | 'timeout';
}

/**
 * Retry settings; see the README's retry table for what is retried.
 *
 * @example
 * ```ts
 * new OktaSessions({ orgUrl, apiToken, retry: { maxRetries: 0 } }); // never retry
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2; 0 turns retrying off. */
  maxRetries?: number;
  /** Upper bound on any single wait, in milliseconds. Default 60 000. */
  maxDelayMs?: number;
}

const BACKOFF_BASE_MS = 250;
// Statuses where the server (or a gateway in front of it) did not do the work.
const TRANSIENT_STATUSES = new Set([502, 503, 504]);

export interface RetryPolicy {
  operationId: OperationId | 'getAccessToken';
  maxRetries: number;
  maxDelayMs: number;
  /** May 5xx and network failures be retried (is a repeat harmless for this operation)? */
  repeatable: boolean;
  signal: AbortSignal | undefined;
  onRetry: ((info: RetryInfo) => unknown) | undefined;
  /**
   * True for a network failure's cause that proves the request never reached the server (a
   * refused connection), so that even an operation that is not repeatable may go again; see
   * transport/never-sent.ts. Undefined: any failure may have reached it.
   */
  neverSent?: ((cause: unknown) => boolean) | undefined;
}

/** Exponential backoff with jitter: half fixed, half random, so clients spread out. */
function backoffMs(retry: number): number {
  const ceiling = BACKOFF_BASE_MS * 2 ** (retry - 1);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Okta's documented wait for a 429, with the fallbacks for missing or nonsensical headers. */
function rateLimitDelayMs(error: OktaRateLimitError, retry: number): number {
  const state = rateLimitOf(error);
  const fromReset = resetWaitMs(state);
  if (fromReset !== undefined) return fromReset;
  const retryAfter = state.retryAfterMs;
  if (retryAfter !== undefined && retryAfter >= 0) return retryAfter;
  return backoffMs(retry);
}

function decide(
  error: unknown,
  retry: number,
  policy: RetryPolicy,
): Omit<RetryInfo, 'operationId' | 'attempt'> | undefined {
  if (error instanceof OktaApiError) {
    // A 429 is always worth waiting out (the request was refused, not processed); a 5xx only
    // when the server did not do the work and the operation is safe to repeat.
    const rateLimited = error instanceof OktaRateLimitError;
    if (!rateLimited && (!policy.repeatable || !TRANSIENT_STATUSES.has(error.status))) {
      return undefined;
    }
    return {
      delayMs: rateLimited ? rateLimitDelayMs(error, retry) : backoffMs(retry),
      status: error.status,
      ...(error.requestId ? { requestId: error.requestId } : {}),
      reason: rateLimited ? 'rate-limit' : 'server-error',
    };
  }
  if (error instanceof OktaTimeoutError) {
    // The request may have been processed: only operations that are safe to repeat go again.
    return policy.repeatable ? { delayMs: backoffMs(retry), reason: 'timeout' } : undefined;
  }
  if (error instanceof OktaNetworkError) {
    if (!policy.repeatable && !policy.neverSent?.(error.cause)) return undefined;
    return { delayMs: backoffMs(retry), reason: 'network' };
  }
  return undefined;
}

/**
 * Runs `attempt` until it succeeds, the error is not worth retrying, or retries run out.
 * Retries carry Okta's X-Okta-Retry-For (the request id of the first 429) and X-Okta-Retry-Count.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (retryHeaders: Record<string, string> | undefined) => Promise<T>,
): Promise<T> {
  let retryFor: string | undefined;
  for (let retry = 0; ; retry++) {
    let headers: Record<string, string> | undefined;
    if (retry > 0) {
      headers = { 'x-okta-retry-count': String(retry) };
      if (retryFor) headers['x-okta-retry-for'] = retryFor;
    }
    try {
      return await attempt(headers);
    } catch (error) {
      if (retry >= policy.maxRetries || policy.signal?.aborted) throw error;
      const decision = decide(error, retry + 1, policy);
      if (!decision) throw error;
      if (decision.reason === 'rate-limit' && retryFor === undefined) retryFor = decision.requestId;
      decision.delayMs = Math.min(Math.max(0, Math.ceil(decision.delayMs)), policy.maxDelayMs);
      notify(policy.onRetry, { operationId: policy.operationId, attempt: retry + 1, ...decision });
      await sleep(decision.delayMs, policy.signal);
    }
  }
}
