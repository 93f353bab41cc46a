import { OktaError } from './okta-error.js';

/**
 * An argument was rejected before any request was made (an empty or unsafe session id, an
 * empty session token, a cookie with line breaks...). `argument` names the parameter.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession('../users');
 * } catch (err) {
 *   if (err instanceof OktaValidationError) console.error(err.argument, err.message);
 * }
 * ```
 */
export class OktaValidationError extends OktaError {
  static override readonly kind: string = 'OktaValidationError';
  /** The name of the rejected argument, e.g. `sessionId`. */
  declare readonly argument: string;

  constructor(argument: string, problem: string) {
    super(`Invalid ${argument}: ${problem}`);
    this.argument = argument;
  }
}
