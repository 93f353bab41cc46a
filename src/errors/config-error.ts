import { OktaError } from './okta-error.js';
import { printable } from '../text/printable.js';

/**
 * The client was configured wrongly (bad `orgUrl`, missing or conflicting credentials), or an
 * operation needs a credential the client was not given. Thrown before any request is made;
 * the message says how to fix it.
 *
 * @example
 * ```ts
 * try {
 *   new OktaSessions({ orgUrl: 'http://acme.okta.com', apiToken });
 * } catch (err) {
 *   if (err instanceof OktaConfigError) console.error(err.message); // says to use https://
 * }
 * ```
 */
export class OktaConfigError extends OktaError {
  static override readonly kind: string = 'OktaConfigError';

  constructor(message: string, options?: { cause?: unknown }) {
    // Messages name files, variables and paths that came from outside: a CR/LF or an escape
    // sequence there must not forge a log line or drive a terminal.
    super(printable(message), options);
  }
}

/**
 * Throws the {@link OktaConfigError} of every configuration check: what is wrong, then how to fix
 * it (`"<problem>. <fix>"`). Neither part may quote a value that could hold a secret.
 */
export function fail(problem: string, fix: string): never {
  throw new OktaConfigError(`${problem}. ${fix}`);
}
