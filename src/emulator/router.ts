// The route table, compiled once from the spec's operations: paths are split into segments,
// literal segments are compared as strings and `{param}` segments capture. Paths with more
// literal segments win, so `/sessions/me` is matched before `/sessions/{sessionId}`.
import { operations, type OperationId } from '../../generated/operations.js';

/** One path of the spec with the operations it serves. */
export interface PathRoute {
  readonly template: string;
  /** A literal segment, or null for a parameter. */
  readonly segments: readonly (string | null)[];
  readonly byMethod: ReadonlyMap<string, OperationId>;
  /** The `Allow` header value for this path. */
  readonly allow: string;
  /** True when every operation on the path is a cookie (`security: []`) operation. */
  readonly cookieOnly: boolean;
  /**
   * Okta's rate-limit group of the path: `/api/v1/users/…` the users endpoints, the cookie-only
   * paths `me`, every other path of the spec `sessions`.
   */
  readonly bucket: 'sessions' | 'me' | 'users';
}

/** A matched path and its decoded parameters, in template order. */
export interface PathMatch {
  readonly route: PathRoute;
  readonly params: readonly string[];
}

/** Matches request paths to the spec's paths. */
export class Router {
  readonly #bySegmentCount = new Map<number, PathRoute[]>();

  constructor(ops: typeof operations = operations) {
    const byPath = new Map<string, Map<string, OperationId>>();
    for (const id of Object.keys(ops) as OperationId[]) {
      const op = ops[id];
      const methods = byPath.get(op.path) ?? new Map<string, OperationId>();
      methods.set(op.method, id);
      byPath.set(op.path, methods);
    }
    for (const [template, byMethod] of byPath) {
      const segments = template.split('/').map((s) => (/^\{.+\}$/.test(s) ? null : s));
      const cookieOnly = [...byMethod.values()].every((id) => ops[id].security.length === 0);
      const route: PathRoute = {
        template,
        segments,
        byMethod,
        allow: [...byMethod.keys()].join(', '),
        cookieOnly,
        bucket: cookieOnly ? 'me' : template.startsWith('/api/v1/users/') ? 'users' : 'sessions',
      };
      const list = this.#bySegmentCount.get(segments.length) ?? [];
      list.push(route);
      this.#bySegmentCount.set(segments.length, list);
    }
    const literals = (r: PathRoute) => r.segments.filter((s) => s !== null).length;
    for (const list of this.#bySegmentCount.values())
      list.sort((a, b) => literals(b) - literals(a));
  }

  /** The route for `pathname` (no query string), or undefined. */
  match(pathname: string): PathMatch | undefined {
    const parts = pathname.split('/');
    const candidates = this.#bySegmentCount.get(parts.length);
    if (candidates === undefined) return undefined;
    outer: for (const route of candidates) {
      let params: string[] | undefined;
      for (let i = 0; i < parts.length; i++) {
        const expected = route.segments[i];
        const actual = parts[i] as string;
        if (expected === null) {
          if (actual === '') continue outer;
          let value: string;
          try {
            value = actual.includes('%') ? decodeURIComponent(actual) : actual;
          } catch {
            continue outer;
          }
          (params ??= []).push(value);
        } else if (expected !== actual) {
          continue outer;
        }
      }
      return { route, params: params ?? [] };
    }
    return undefined;
  }
}
