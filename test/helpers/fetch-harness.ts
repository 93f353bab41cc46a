// The injected-fetch harness: a client whose fetch plays scripted replies in order and records
// every request, with a fixed server clock, so delays are checked through onRetry's `delayMs`
// and never wall time. `json` and `rateLimited` here build Responses for that fetch (not the
// scripted server's steps of the same names).

import {
  OktaConfigError,
  OktaSessions,
  OktaValidationError,
  type OktaSessionsOptions,
  type RetryInfo,
} from '../../src/index.js';
import { sessionBody } from './scripted-server.js';

export const ORG = 'https://acme.okta.com';
export const API_TOKEN = 'SECRET-api-token-123';
export const SESSION_ID = '102Ke2yJpW3Q0ClCnZ_ryqPVQ';
export const SESSION_TOKEN = 'SECRET-session-token-abc';
export const MAX_TIMER_MS = 2_147_483_647;
// A fixed server clock: delays computed from Date + reset headers do not depend on ours.
export const T = 946_684_800; // 2000-01-01T00:00:00Z in seconds
export const dateAt = (seconds: number): string => new Date(seconds * 1000).toUTCString();

export type Reply = Response | Error;

export interface Harness {
  okta: OktaSessions;
  requests: Request[];
  retries: RetryInfo[];
}

/** A fetch that plays `replies` in order and records every request in `requests`. */
export function replay(replies: Reply[]): { fetch: typeof globalThis.fetch; requests: Request[] } {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    const next = replies.shift();
    if (next === undefined) throw new Error('test: unexpected extra request');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** A client whose fetch plays `replies` in order and records every request. */
export function harness(replies: Reply[], extra: Partial<OktaSessionsOptions> = {}): Harness {
  const { fetch, requests } = replay(replies);
  const retries: RetryInfo[] = [];
  const okta = new OktaSessions({
    orgUrl: ORG,
    apiToken: API_TOKEN,
    fetch,
    onRetry: (info) => retries.push(info),
    ...extra,
  });
  return { okta, requests, retries };
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export const ok = (): Response => json(200, sessionBody(SESSION_ID));

export function rateLimited(headers: Record<string, string>): Response {
  return json(
    429,
    { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' },
    headers,
  );
}

export function refused(code: string | undefined, depth = 1): TypeError {
  let cause: unknown =
    code === undefined ? new Error('boom') : Object.assign(new Error(code), { code });
  for (let i = 1; i < depth; i++) cause = new Error('wrapped', { cause });
  return new TypeError('fetch failed', { cause });
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('test: expected a rejection');
}

/** The message of the OktaValidationError `call` gets, checking that nothing was sent. */
export async function refusedBeforeIo(
  call: (okta: OktaSessions) => Promise<unknown>,
): Promise<string> {
  const h = harness([ok()]);
  const err = await rejection(call(h.okta));
  expect(err).toBeInstanceOf(OktaValidationError);
  expect(h.requests).toHaveLength(0);
  return (err as Error).message;
}

/** The one request `call` sent. */
export async function sent(call: (okta: OktaSessions) => Promise<unknown>): Promise<Request> {
  const h = harness([ok()]);
  await call(h.okta);
  expect(h.requests).toHaveLength(1);
  return h.requests[0]!;
}

export function configError(options: unknown): OktaConfigError {
  try {
    new OktaSessions(options as OktaSessionsOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(OktaConfigError);
    return error as OktaConfigError;
  }
  throw new Error('test: expected an OktaConfigError');
}

export function expectInRange(value: number | undefined, low: number, high: number): void {
  expect(value).toBeGreaterThanOrEqual(low);
  expect(value).toBeLessThanOrEqual(high);
}
