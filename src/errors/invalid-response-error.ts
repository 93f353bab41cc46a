import { OktaError, requestLabel } from './okta-error.js';
import { printable } from '../text/printable.js';

/**
 * Okta answered with a success status but a body that is not the JSON the operation promises
 * (HTML from a proxy, truncated JSON, an empty body where a Session was expected).
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaInvalidResponseError) console.error(err.status, err.requestId); }
 * ```
 */
export class OktaInvalidResponseError extends OktaError {
  static override readonly kind: string = 'OktaInvalidResponseError';
  /** The HTTP status of the response. */
  declare readonly status: number;
  /** `X-Okta-Request-Id` of the response, if any, less the request's secrets. */
  declare readonly requestId: string | undefined;
  /** HTTP method of the request. */
  declare readonly method: string;
  /** URL of the request. */
  declare readonly url: string;

  constructor(
    init: { status: number; requestId: string | undefined; method: string; url: string },
    problem: string,
    cause?: unknown,
  ) {
    super(
      printable(
        `Okta HTTP ${init.status} with an unusable body: ${problem} ${requestLabel(init.method, init.url, init.requestId)}`,
      ),
      cause === undefined ? undefined : { cause },
    );
    this.status = init.status;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
  }
}
