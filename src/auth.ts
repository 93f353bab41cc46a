import { securitySchemes, type SecuritySchemeName } from '../generated/operations.js';
import type { ResolvedConfig } from './config.js';
import { OktaConfigError } from './errors/config-error.js';
import { operationForRoute, operations, type OperationId } from './operations.js';
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

// The schemes each operation accepts, from the spec's security requirements, computed once.
const ACCEPTED = new Map<OperationId, SecuritySchemeName[]>(
  (Object.keys(operations) as OperationId[]).map((id) => [
    id,
    operations[id].security.flatMap((req) => Object.keys(req)) as SecuritySchemeName[],
  ]),
);

function headerNameOf(scheme: SecuritySchemeName): string {
  // The apiKey scheme names its header in the spec; oauth2 always uses Authorization.
  const definition = securitySchemes[scheme];
  return 'name' in definition ? definition.name : 'Authorization';
}

/**
 * Sets the credential header of a request from the spec's security requirements: operations
 * with `security: []` (the cookie-only /me operations) never carry a credential, whatever the
 * client was configured with; the others carry the configured credential if the spec accepts
 * its scheme there, and fail before any I/O if it does not.
 */
export function createAuthorizer(
  credential: ResolvedConfig['credential'],
): (request: Request, schemaPath: string) => void | Promise<void> {
  const header = credential ? headerNameOf(credential.scheme) : 'Authorization';
  const prefix = credential ? AUTH_PREFIX[credential.scheme] : '';
  // A fixed token gives a fixed header value: built once, not per request.
  const fixed = typeof credential?.token === 'string' ? prefix + credential.token : undefined;
  return (request, schemaPath) => {
    const id = operationForRoute(request.method, schemaPath);
    const accepted = (id && ACCEPTED.get(id)) || [];
    if (accepted.length === 0) {
      request.headers.delete('authorization');
      return undefined;
    }
    if (!credential || !accepted.includes(credential.scheme)) {
      const have = credential ? DESCRIBE[credential.scheme] : 'no credential';
      const need = accepted.map((s) => DESCRIBE[s]).join(' or ');
      throw new OktaConfigError(
        `${id} needs ${need}, but this client has ${have}. Create the client with ${need}`,
      );
    }
    if (fixed !== undefined) {
      request.headers.set(header, fixed);
      return undefined;
    }
    return tokenOf(credential).then((token) => request.headers.set(header, prefix + token));
  };
}
