import { OktaError, requestLabel } from './okta-error.js';
import { printable } from '../text/printable.js';

/**
 * One detail of an Okta error, e.g. which field failed validation.
 *
 * @example
 * ```ts
 * if (err instanceof OktaApiError) {
 *   for (const cause of err.errorCauses) console.error(cause.errorSummary);
 * }
 * ```
 */
export interface OktaErrorCause {
  /** What went wrong, in Okta's words (may change: not for program logic). */
  errorSummary?: string;
}

/** What every {@link OktaApiError} is built from. */
export interface OktaApiErrorInit {
  status: number;
  errorCode?: string | undefined;
  errorSummary?: string | undefined;
  errorLink?: string | undefined;
  errorId?: string | undefined;
  /** None when left out. */
  errorCauses?: OktaErrorCause[];
  requestId: string | undefined;
  method: string;
  url: string;
  /** The response headers, lowercase names; see {@link OktaApiError.headers}. */
  headers?: Readonly<Record<string, string>>;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

const MAX_SUMMARY_IN_MESSAGE = 300;

/**
 * Okta answered with a non-2xx status. The subclass tells the status family
 * ({@link OktaNotFoundError}, {@link OktaRateLimitError}, ...); `errorCode` is the stable value
 * to branch on, `requestId` is what Okta support asks for.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) {
 *   if (err instanceof OktaApiError) console.error(err.status, err.errorCode, err.requestId);
 * }
 * ```
 */
export class OktaApiError extends OktaError {
  static override readonly kind: string = 'OktaApiError';
  /** The HTTP status code. */
  declare readonly status: number;
  /** Okta's error code, e.g. `E0000007`; undefined when the body was not an Okta error. */
  declare readonly errorCode: string | undefined;
  /**
   * Okta's human-readable summary; its wording may change, so do not branch on it. Server text
   * as sent, less the request's secrets: escape it (as `message` does) before printing it.
   */
  declare readonly errorSummary: string | undefined;
  /** Okta's error link (currently the same as `errorCode`). */
  declare readonly errorLink: string | undefined;
  /** Unique id of this error occurrence, for Okta support. */
  declare readonly errorId: string | undefined;
  /** Details of the error; always an array, even when Okta sends a single object. */
  declare readonly errorCauses: OktaErrorCause[];
  /** The `X-Okta-Request-Id` response header, less the request's secrets. */
  declare readonly requestId: string | undefined;
  /** HTTP method of the request. */
  declare readonly method: string;
  /** URL of the request. */
  declare readonly url: string;
  /**
   * The response's headers, read-only, by lowercase name; repeated headers are joined with
   * `, `. `Set-Cookie` is left out (it can carry a session cookie) and values are scrubbed of
   * the request's secrets.
   *
   * @example
   * ```ts
   * if (err instanceof OktaApiError) console.log(err.headers['x-rate-limit-remaining']);
   * ```
   */
  declare readonly headers: Readonly<Record<string, string>>;

  constructor(init: OktaApiErrorInit) {
    super(describe(init));
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.errorSummary = init.errorSummary;
    this.errorLink = init.errorLink;
    this.errorId = init.errorId;
    this.errorCauses = init.errorCauses ?? [];
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers ?? NO_HEADERS;
  }
}

function describe(init: OktaApiErrorInit): string {
  let summary = init.errorSummary ?? '';
  if (summary.length > MAX_SUMMARY_IN_MESSAGE)
    summary = `${summary.slice(0, MAX_SUMMARY_IN_MESSAGE)}…`;
  const head = [`Okta HTTP ${init.status}`, init.errorCode, summary].filter(Boolean).join(' ');
  // Server text must not forge log lines or drive a terminal when the message is printed.
  return printable(`${head} ${requestLabel(init.method, init.url, init.requestId)}`);
}

/**
 * True for any {@link OktaApiError}, from any copy of the package.
 *
 * @example
 * ```ts
 * const gone = isOktaApiError(err) && err.errorCode === 'E0000007';
 * ```
 */
export function isOktaApiError(value: unknown): value is OktaApiError {
  return value instanceof OktaApiError;
}
