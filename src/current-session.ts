// The /me operations as plain functions, for a page that only checks, refreshes or ends the
// visitor's Okta session: the same requests, retries, typed errors and Dates as OktaSessions,
// without the client's token, configuration and validation code (its bundle stays under 5 kB).
/**
 * The three `/me` operations as plain functions for browser pages: no client, no
 * token; the browser sends the Okta cookie itself.
 *
 * @packageDocumentation
 * @module okta-sessions/current-session
 */
import { platform } from '#platform';
import type { Call } from './call/attempt.js';
import { systemClock } from './time/clock.js';
import { OktaConfigError } from './errors/config-error.js';
import {
  closeCurrentSessionRoute,
  getCurrentSessionRoute,
  refreshCurrentSessionRoute,
} from '../generated/operations.js';
import type { OperationId } from './model/operations.js';
import { orgUrlProblem, URL_BREAK } from './config/org-url.js';
import { send } from './call/pipeline.js';
import type { RetryInfo, RetryOptions } from './config/options.js';
import { parseSession, type Session } from './model/session.js';

export type { Session, RetryInfo, RetryOptions };
export { OktaError, isOktaError } from './errors/okta-error.js';
export { OktaApiError } from './errors/api-error.js';
export { OktaNotFoundError } from './errors/status-errors.js';
export { OktaRateLimitError } from './errors/rate-limit-error.js';
export { OktaNetworkError } from './errors/network-error.js';
export { OktaTimeoutError } from './errors/timeout-error.js';
export { OktaConfigError };

/**
 * Options of the standalone `/me` functions: the org, and what `CallOptions` (per call) and the
 * client's retry options give.
 *
 * @example
 * ```ts
 * import type { CurrentSessionOptions } from 'okta-sessions/current-session';
 * const options: CurrentSessionOptions = { orgUrl: 'https://acme.okta.com', timeoutMs: 5_000 };
 * ```
 */
export interface CurrentSessionOptions {
  /** Your org, e.g. `https://acme.okta.com` (the page's origin must be a Trusted Origin there). */
  orgUrl: string;
  /** Ends the call early; rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Per attempt, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Retries of 429s, 5xx and network failures; default 2 retries, waits up to 60 s. */
  retry?: RetryOptions;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * The org's origin, by the org URL rule the client applies too (org-url.ts); the client's
 * further advice (placeholders, admin domains...) stays out of the page.
 */
function originOf(orgUrl: string): string {
  const problem =
    URL.canParse(orgUrl) && !URL_BREAK.test(orgUrl.trim())
      ? orgUrlProblem(new URL(orgUrl))
      : 'syntax';
  if (problem)
    throw new OktaConfigError(
      `orgUrl must be an https:// origin such as https://acme.okta.com (wrong: its ${problem})`,
    );
  return new URL(orgUrl).origin;
}

// Without a credential the authorizer has nothing to add: the /me operations take none.
const NO_CREDENTIAL = { headersFor: () => undefined };

/** The route of an operation, as the spec defines it. */
interface Route {
  readonly method: string;
  readonly path: string;
}

/**
 * Runs a /me operation with the client's retry policy; `parse`: read the answer as a Session
 * (closeCurrentSession answers 204 with no body).
 */
async function run<T>(
  id: OperationId,
  route: Route,
  options: CurrentSessionOptions,
  parse: (text: string) => T | string,
): Promise<T> {
  const call: Call = {
    id,
    method: route.method,
    path: route.path,
    headers: { accept: 'application/json' },
    // What sends the browser's Okta cookie along to the org's origin. Servers have no cookie
    // jar, and workerd has refused the field ("not implemented").
    credentials: platform.isBrowser ? 'include' : undefined,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  const pipeline = {
    orgUrl: originOf(String(options.orgUrl)),
    transport: platform.transport,
    authorizer: NO_CREDENTIAL,
    // These requests carry no secret a script can see: no credential, no cookie (the browser
    // adds it, HttpOnly), no body. Nothing to scrub, so the scrubbing code stays out of the page.
    scrubber: () => (text: string) => text,
    clock: systemClock,
    maxRetries: options.retry?.maxRetries ?? 2,
    maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
    onRetry: options.onRetry,
  };
  return send(pipeline, call, parse, true);
}

const noBody = (): undefined => undefined;

/**
 * The session of the browser's Okta cookie (`GET /api/v1/sessions/me`).
 *
 * @example
 * ```ts
 * import { getCurrentSession, OktaNotFoundError } from 'okta-sessions/current-session';
 * const session = await getCurrentSession({ orgUrl: 'https://acme.okta.com' }).catch((err) => {
 *   if (err instanceof OktaNotFoundError) return undefined; // not signed in
 *   throw err;
 * });
 * ```
 */
export function getCurrentSession(options: CurrentSessionOptions): Promise<Session> {
  return run('getCurrentSession', getCurrentSessionRoute, options, parseSession);
}

/**
 * Extends the browser's Okta session (`POST /api/v1/sessions/me/lifecycle/refresh`).
 *
 * @example
 * ```ts
 * import { refreshCurrentSession } from 'okta-sessions/current-session';
 * const session = await refreshCurrentSession({ orgUrl: 'https://acme.okta.com' });
 * console.log(session.expiresAt);
 * ```
 */
export function refreshCurrentSession(options: CurrentSessionOptions): Promise<Session> {
  return run('refreshCurrentSession', refreshCurrentSessionRoute, options, parseSession);
}

/**
 * Ends the browser's Okta session (`DELETE /api/v1/sessions/me`).
 *
 * @example
 * ```ts
 * import { closeCurrentSession } from 'okta-sessions/current-session';
 * await closeCurrentSession({ orgUrl: 'https://acme.okta.com' });
 * ```
 */
export function closeCurrentSession(options: CurrentSessionOptions): Promise<void> {
  return run('closeCurrentSession', closeCurrentSessionRoute, options, noBody);
}
