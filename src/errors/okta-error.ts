import { brand, hasKind, kindsOf } from './brand.js';

/**
 * The base class of every error this package throws.
 *
 * @example
 * ```ts
 * try {
 *   await okta.getSession(id);
 * } catch (err) {
 *   if (err instanceof OktaError) console.error(err.name, err.message);
 * }
 * ```
 */
export class OktaError extends Error {
  /** The stable kind name of this class (class names can be mangled by minifiers). */
  static readonly kind: string = 'OktaError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = (new.target as typeof OktaError).kind;
    // Collect every kind up the prototype chain, most general first.
    const kinds: string[] = [];
    for (let c: unknown = new.target; c && c !== Error; c = Object.getPrototypeOf(c)) {
      const kind = (c as { kind?: string }).kind;
      if (typeof kind === 'string' && !kinds.includes(kind)) kinds.unshift(kind);
    }
    brand(this, kinds);
  }

  /**
   * `instanceof` by the error's brand, not its prototype: true for an error of this class (or a
   * subclass) from any copy of the package, e.g. the ESM and CommonJS builds side by side.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, this.kind);
  }
}

/**
 * Where a request error happened, as its message ends: `(GET /api/v1/sessions/x, request id)`.
 * The path only: never the host's query or anything after it.
 */
export function requestLabel(method: string, url: string, requestId?: string | undefined): string {
  return `(${method} ${new URL(url).pathname}${requestId ? `, request ${requestId}` : ''})`;
}

/**
 * True for any error thrown by okta-sessions, from any copy of the package.
 *
 * @example
 * ```ts
 * if (isOktaError(err)) console.error(err.name);
 * ```
 */
export function isOktaError(value: unknown): value is OktaError {
  return kindsOf(value) !== undefined && value instanceof Error;
}
