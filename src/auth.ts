import type { Middleware } from 'openapi-fetch';
import { securitySchemes, type SecuritySchemeName } from '../generated/operations.js';
import type { ResolvedConfig } from './config.js';
import { OktaConfigError } from './errors/config-error.js';
import { operationForRoute, operations } from './operations.js';
import { headerValueProblem } from './validate.js';

const AUTH_PREFIX: Record<SecuritySchemeName, string> = { apiToken: 'SSWS ', oauth2: 'Bearer ' };
const DESCRIBE: Record<SecuritySchemeName, string> = {
  apiToken: 'an API token (apiToken)',
  oauth2: 'an OAuth 2.0 access token (accessToken)',
};

async function tokenOf(credential: NonNullable<ResolvedConfig['credential']>): Promise<string> {
  if (typeof credential.token === 'string') return credential.token;
  const token = await credential.token();
  if (typeof token !== 'string' || token.trim() === '' || headerValueProblem(token)) {
    throw new OktaConfigError(
      'The accessToken function returned an empty or malformed token. Return the bare access token string',
    );
  }
  return token;
}

/**
 * Picks the `Authorization` header for an operation from the spec's security requirements:
 * operations with `security: []` (the cookie-only /me operations) never carry a credential,
 * whatever the client was configured with; the others carry the configured credential if the
 * spec accepts its scheme there, and fail before any I/O if it does not.
 */
export function createAuthMiddleware(credential: ResolvedConfig['credential']): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      const id = operationForRoute(request.method, schemaPath);
      const security = id ? operations[id].security : [];
      if (security.length === 0) {
        request.headers.delete('authorization');
        return undefined;
      }
      const accepted = security.flatMap((req) => Object.keys(req)) as SecuritySchemeName[];
      if (!credential || !accepted.includes(credential.scheme)) {
        const have = credential ? DESCRIBE[credential.scheme] : 'no credential';
        throw new OktaConfigError(
          `${id} needs ${accepted.map((s) => DESCRIBE[s]).join(' or ')}, but this client has ${have}. ` +
            `Create the client with ${accepted.map((s) => DESCRIBE[s]).join(' or ')}`,
        );
      }
      // The scheme's header name comes from the spec (apiKey `name`); oauth2 is always Authorization.
      const scheme = securitySchemes[credential.scheme];
      const header = 'name' in scheme ? scheme.name : 'Authorization';
      request.headers.set(header, AUTH_PREFIX[credential.scheme] + (await tokenOf(credential)));
      return undefined;
    },
  };
}
