// CORS for the cookie (`/me`) paths: configured origins may call them with credentials.

const EXPOSED = 'X-Okta-Request-Id, X-Rate-Limit-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset';
const DEFAULT_ALLOWED_HEADERS =
  'Accept, Content-Type, X-Requested-With, X-Okta-User-Agent-Extended';

/** Decides and writes the CORS headers for the configured origins. */
export class Cors {
  readonly #origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.#origins = new Set(origins.map((o) => o.replace(/\/+$/, '')));
  }

  /** True when `origin` may call the cookie paths. */
  allows(origin: string | undefined): origin is string {
    return origin !== undefined && this.#origins.has(origin);
  }

  /** Headers for an actual (non-preflight) response to an allowed origin. */
  responseHeaders(origin: string): string[] {
    return [
      'Access-Control-Allow-Origin',
      origin,
      'Access-Control-Allow-Credentials',
      'true',
      'Access-Control-Expose-Headers',
      EXPOSED,
      'Vary',
      'Origin',
    ];
  }

  /** Headers for a preflight answer to an allowed origin. */
  preflightHeaders(origin: string, allow: string, requestedHeaders: string | undefined): string[] {
    return [
      'Access-Control-Allow-Origin',
      origin,
      'Access-Control-Allow-Credentials',
      'true',
      'Access-Control-Allow-Methods',
      allow,
      'Access-Control-Allow-Headers',
      requestedHeaders !== undefined && requestedHeaders.trim() !== ''
        ? requestedHeaders
        : DEFAULT_ALLOWED_HEADERS,
      'Access-Control-Max-Age',
      '600',
      'Vary',
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    ];
  }
}
