// Credential checks derived from each operation's `security` in the spec: an `apiKey` scheme
// takes `Authorization: SSWS <api token>`, an `oauth2` scheme `Authorization: Bearer <token>`
// whose granted scopes include all the scopes the requirement lists.
import { operations, securitySchemes, type OperationId } from '../../generated/operations.js';

/** Outcome of a credential check: fine, 401 (no valid credential) or 403 (lacks permission). */
export type AuthOutcome = 'ok' | 'unauthenticated' | 'forbidden';

interface Requirement {
  readonly apiToken: boolean;
  /** Scopes needed from a bearer token, or null when the requirement takes no bearer token. */
  readonly scopes: readonly string[] | null;
  /** True when the requirement combines schemes, which one credential cannot satisfy. */
  readonly combined: boolean;
}

/**
 * Checks an incoming Authorization header against an operation's security requirements (the
 * client side's counterpart, which attaches credentials, is src/auth.ts).
 */
export class CredentialChecker {
  readonly #ssws: string;
  readonly #accessTokens: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #requirements = new Map<OperationId, readonly Requirement[]>();

  constructor(apiToken: string, accessTokens: Readonly<Record<string, readonly string[]>>) {
    this.#ssws = 'SSWS ' + apiToken;
    this.#accessTokens = new Map(
      Object.entries(accessTokens).map(([token, scopes]) => [token, new Set(scopes)]),
    );
    for (const id of Object.keys(operations) as OperationId[]) {
      const requirements = operations[id].security.map((req): Requirement => {
        const entries = Object.entries(req) as [keyof typeof securitySchemes, readonly string[]][];
        const api = entries.find(([name]) => securitySchemes[name].type === 'apiKey');
        const oauth = entries.find(([name]) => securitySchemes[name].type === 'oauth2');
        return {
          apiToken: api !== undefined,
          scopes: oauth?.[1] ?? null,
          combined: entries.length > 1,
        };
      });
      this.#requirements.set(id, requirements);
    }
  }

  /** Checks `authorization` for operation `id`. */
  check(id: OperationId, authorization: string | undefined): AuthOutcome {
    const requirements = this.#requirements.get(id) ?? [];
    if (requirements.length === 0) return 'ok';
    if (authorization === undefined) return 'unauthenticated';
    if (authorization === this.#ssws) {
      return requirements.some((r) => r.apiToken && !r.combined) ? 'ok' : 'forbidden';
    }
    const space = authorization.indexOf(' ');
    if (space > 0 && authorization.slice(0, space).toLowerCase() === 'bearer') {
      const granted = this.#accessTokens.get(authorization.slice(space + 1).trim());
      if (granted === undefined) return 'unauthenticated';
      const ok = requirements.some(
        (r) => r.scopes !== null && !r.combined && r.scopes.every((s) => granted.has(s)),
      );
      return ok ? 'ok' : 'forbidden';
    }
    return 'unauthenticated';
  }
}
