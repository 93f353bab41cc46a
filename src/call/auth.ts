import { securitySchemes, type SecuritySchemeName } from '../../generated/operations.js';
import type { AccessTokenSource, ResolvedConfig } from '../config/options.js';
import { OktaConfigError } from '../errors/config-error.js';
import type { ServiceAppHandle } from '../oauth/lazy-service-app.js';
import { routes, type OperationId, type RouteId } from '../model/operations.js';
import { tokenProblem } from '../model/validate.js';
import type { CredentialHeaders, FailureJudge } from '../model/credential.js';

const DESCRIBE: Record<SecuritySchemeName, string> = {
  apiToken: 'an API token (apiToken)',
  oauth2: 'an OAuth 2.0 access token (accessToken, or a service app: clientId + privateKey)',
};

async function tokenOf(
  credential: NonNullable<ResolvedConfig['credential']> & { token: AccessTokenSource },
): Promise<string> {
  if (typeof credential.token === 'string') return credential.token;
  let token: unknown;
  try {
    token = await credential.token();
  } catch (cause) {
    // The provider's own message may hold its secrets: it stays in `cause`, out of ours.
    // Not retried either: hammering a failing token provider helps nobody.
    throw new OktaConfigError(
      'The accessToken function threw; its error is in `cause`. Fix the token provider',
      { cause },
    );
  }
  if (typeof token !== 'string' || tokenProblem(token)) {
    throw new OktaConfigError(
      'The accessToken function returned an empty or malformed token. Return the bare access token string (no "Bearer " prefix)',
    );
  }
  return token;
}

// The schemes each operation accepts, from the spec's security requirements, computed once.
const ACCEPTED = new Map<RouteId, SecuritySchemeName[]>(
  (Object.keys(routes) as OperationId[]).map((id) => [
    id,
    routes[id].security.flatMap((req) => Object.keys(req)) as SecuritySchemeName[],
  ]),
);

// Read when a client is made, not at module load: a mutation run then checks these strings with
// the tests that make clients (module-level constants are skipped as static mutants).
function prefixOf(scheme: SecuritySchemeName): string {
  switch (scheme) {
    case 'apiToken':
      return 'SSWS ';
    case 'oauth2':
      return 'Bearer ';
  }
}

function headerNameOf(scheme: SecuritySchemeName): string {
  // The apiKey scheme names its header in the spec; oauth2 always uses Authorization.
  const definition = securitySchemes[scheme];
  return 'name' in definition ? definition.name : 'Authorization';
}

/** Chooses the credential of each request. */
export interface Authorizer {
  /**
   * The credential headers for a request (with a service app's DPoP-bound token, its proof of
   * possession for that very request too), or undefined for requests that carry none: the
   * cookie-only /me operations whatever the client holds, and token requests. Throws
   * {@link OktaConfigError}, before any I/O, when the spec does not accept the configured
   * credential for the operation.
   */
  headersFor(
    id: RouteId,
    method: string,
    url: string,
  ): CredentialHeaders | undefined | Promise<CredentialHeaders>;
  /**
   * Throws {@link OktaConfigError} when this client cannot make the call at all: the spec does
   * not accept its credential for the operation, or its service app does not ask for a scope
   * the operation needs beyond the default ones. Synchronous, so a call checks it before any
   * I/O; {@link Authorizer.headersFor} checks it too.
   */
  assertCallable?: ((id: RouteId) => void) | undefined;
  /**
   * A new call's judge of its failures (a service app's), given each failure and the headers
   * its attempt sent: `repeat` at once for a protocol step (a 401 for the token sent, a DPoP
   * nonce); `token` for a failure of the token request the call needed. See
   * {@link withRetries}.
   */
  failures?: (() => FailureJudge) | undefined;
}

/** Builds the {@link Authorizer} of a client from the spec's security requirements. */
export function createAuthorizer(
  credential: ResolvedConfig['credential'],
  serviceApp?: ServiceAppHandle,
): Authorizer {
  // Stryker disable next-line StringLiteral: without a credential no value goes in this header
  const header = credential ? headerNameOf(credential.scheme).toLowerCase() : 'authorization';
  // Stryker disable next-line StringLiteral: without a credential no value is built from it
  const prefix = credential ? prefixOf(credential.scheme) : '';
  // A fixed token gives fixed headers: built once, not per request.
  const fixed: CredentialHeaders | undefined =
    typeof credential?.token === 'string' ? { [header]: prefix + credential.token } : undefined;
  const assertCallable = (id: RouteId): void => {
    const accepted = ACCEPTED.get(id) ?? [];
    if (accepted.length === 0) return;
    if (!credential || !accepted.includes(credential.scheme)) {
      const have = !credential
        ? 'no credential'
        : credential.token === undefined
          ? 'an OAuth 2.0 service app (clientId + privateKey)'
          : DESCRIBE[credential.scheme];
      const need = accepted.map((s) => DESCRIBE[s]).join(' or ');
      throw new OktaConfigError(
        `${id} needs ${need}, but this client has ${have}. Create the client with ${need}`,
      );
    }
    const app = 'serviceApp' in credential ? credential.serviceApp : undefined;
    const missing = app?.ungranted[id];
    if (app && missing) {
      const names = missing.join(' ');
      throw new OktaConfigError(
        `${id} needs the OAuth scope ${names}, which this service app does not ask for (its scopes: ${app.scopes.join(' ')}). Add ${names} to scopes (OKTA_CLIENT_SCOPES, okta.client.scopes) and grant it to the app in Okta (Admin Console: the app's Okta API Scopes tab)`,
      );
    }
  };
  return {
    failures: serviceApp && (() => serviceApp.failures()),
    assertCallable,
    headersFor(id, method, url) {
      if ((ACCEPTED.get(id) ?? []).length === 0) return undefined;
      assertCallable(id);
      // Stryker disable next-line all: unreachable, assertCallable refused a missing credential
      if (!credential) return undefined;
      if (fixed !== undefined) return fixed;
      if (credential.token === undefined) {
        // Stryker disable next-line StringLiteral: unreachable, config refuses such a service app
        if (!serviceApp) throw new OktaConfigError('The service app was not set up');
        return serviceApp.headersFor(method, url);
      }
      return tokenOf(credential).then((token) => ({ [header]: prefix + token }));
    },
  };
}
