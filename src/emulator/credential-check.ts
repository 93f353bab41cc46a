// Credential checks derived from each operation's `security` in the spec: an `apiKey` scheme
// takes `Authorization: SSWS <api token>`, an `oauth2` scheme `Authorization: Bearer <token>`
// whose granted scopes include all the scopes the requirement lists.
import { operations, securitySchemes, type OperationId } from '../../generated/operations.js';

/**
 * Outcome of a credential check: fine; 403 E0000005 (no credential, or not one Okta can read:
 * Okta then falls back to a session cookie, which an API call lacks); 401 E0000011 (a well-formed
 * but unknown token); 403 E0000006 (a valid credential without the permission).
 */
export type AuthOutcome = 'ok' | 'malformed' | 'unauthenticated' | 'forbidden';

/** A credential read from an `Authorization` header. */
export interface Credential {
  readonly scheme: 'ssws' | 'bearer';
  readonly token: string;
}

// `<scheme> <token>`: the scheme case-insensitive (RFC 9110), any run of spaces between, the same
// rule for both schemes.
const AUTHORIZATION = /^(SSWS|Bearer) +([^ ]+)$/i;

/** Reads `SSWS <token>` or `Bearer <token>`; undefined for anything else. */
export function parseAuthorization(header: string | undefined): Credential | undefined {
  const match = header === undefined ? null : AUTHORIZATION.exec(header.trim());
  if (match === null) return undefined;
  const scheme = (match[1] as string).toLowerCase() === 'ssws' ? 'ssws' : 'bearer';
  return { scheme, token: match[2] as string };
}

interface Requirement {
  readonly apiToken: boolean;
  /** Scopes needed from a bearer token, or null when the requirement takes no bearer token. */
  readonly scopes: readonly string[] | null;
  /** True when the requirement combines schemes, which one credential cannot satisfy. */
  readonly combined: boolean;
}

/**
 * Checks an incoming Authorization header against an operation's security requirements (the
 * client side's counterpart, which attaches credentials, is src/call/auth.ts).
 */
export class CredentialChecker {
  readonly #apiToken: string;
  readonly #accessTokens: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #requirements = new Map<OperationId, readonly Requirement[]>();

  constructor(apiToken: string, accessTokens: Readonly<Record<string, readonly string[]>>) {
    this.#apiToken = apiToken;
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

  /** True when `credential` is the emulator's API token (an "API-token call"). */
  isApiToken(credential: Credential | undefined): boolean {
    return credential?.scheme === 'ssws' && credential.token === this.#apiToken;
  }

  /** Checks a parsed `Authorization` credential for operation `id`. */
  check(id: OperationId, credential: Credential | undefined): AuthOutcome {
    const requirements = this.#requirements.get(id) ?? [];
    if (requirements.length === 0) return 'ok';
    if (credential === undefined) return 'malformed';
    if (credential.scheme === 'ssws') {
      if (credential.token !== this.#apiToken) return 'unauthenticated';
      return requirements.some((r) => r.apiToken && !r.combined) ? 'ok' : 'forbidden';
    }
    const granted = this.#accessTokens.get(credential.token);
    if (granted === undefined) return 'unauthenticated';
    return this.scopesAllow(id, granted) ? 'ok' : 'forbidden';
  }

  /** True when `granted` OAuth scopes satisfy one of operation `id`'s requirements. */
  scopesAllow(id: OperationId, granted: ReadonlySet<string>): boolean {
    return (this.#requirements.get(id) ?? []).some(
      (r) => r.scopes !== null && !r.combined && r.scopes.every((s) => granted.has(s)),
    );
  }
}
