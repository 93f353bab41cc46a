import { OktaError, requestLabel } from './okta-error.js';
import { printable } from '../text/printable.js';

/**
 * The request failed without an HTTP response (connection refused or reset, DNS failure...).
 * The underlying error is in `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) { if (err instanceof OktaNetworkError) console.error('Okta unreachable', err.cause); }
 * ```
 */
export class OktaNetworkError extends OktaError {
  static override readonly kind: string = 'OktaNetworkError';
  /** HTTP method of the failed request. */
  declare readonly method: string;
  /** URL of the failed request. */
  declare readonly url: string;

  constructor(method: string, url: string, cause: unknown) {
    const message = (cause as { message?: unknown } | null)?.message;
    const reason = typeof message === 'string' ? message : String(cause);
    // The reason can carry server bytes: it must not forge log lines or drive a terminal.
    super(printable(`Okta request failed: ${reason} ${requestLabel(method, url)}`), {
      cause: withoutData(cause),
    });
    this.method = method;
    this.url = url;
  }
}

/**
 * A copy of a transport error with its name, message and code (and the same of its causes),
 * nothing else: undici's parser errors, for one, carry the raw response bytes in `data`, which
 * can echo the request's token or cookie.
 */
function withoutData(error: unknown, depth = 0): unknown {
  // Duck-typed: errors from another realm (a test sandbox, a worker) fail `instanceof Error`.
  if (typeof error !== 'object' || error === null)
    return typeof error === 'string' ? error : undefined;
  const { name, message, code, stack, cause } = error as Partial<Error> & { code?: unknown };
  const copy = new Error(typeof message === 'string' ? message : '') as Error & { code?: string };
  if (typeof name === 'string') copy.name = name;
  if (typeof code === 'string') copy.code = code;
  if (typeof stack === 'string') copy.stack = stack;
  if (cause !== undefined && depth < 3) copy.cause = withoutData(cause, depth + 1);
  return copy;
}
