// A service app's settings (private-key auth), checked in the constructor. Reached through
// `#platform`: browser bundles never carry it (a private key never belongs in a page).
import { operations, type OperationId } from '../../generated/operations.js';
import { kindOf, type ConfigNames, type OktaSessionsOptions } from './options.js';
import { fail } from '../errors/config-error.js';
import { isSigner, readPrivateKey, readSigner } from '../oauth/keys.js';
import type { ServiceAppConfig } from '../oauth/service-app.js';
import { headerValueProblem } from '../model/validate.js';

/** The OAuth scopes an operation's requirements list. */
function scopesOf(id: OperationId): readonly string[] {
  return operations[id].security.flatMap(
    (req) => (req as Record<string, readonly string[]>)['oauth2'] ?? [],
  );
}

const IDS = Object.keys(operations) as OperationId[];

/**
 * The scopes of the spec's session operations (tag Session): what a service app asks for by
 * default. Other operations' scopes (revokeUserSessions' `okta.users.manage`) are asked for only
 * when `scopes` names them: an app Okta has not granted a scope it asks for gets no token at all.
 */
const SPEC_SCOPES: readonly string[] = [
  ...new Set(IDS.filter((id) => operations[id].tag === 'Session').flatMap(scopesOf)),
];

/** Every scope the spec's operations list (what `okta-sessions emulator` grants its service app). */
export const ALL_SPEC_SCOPES: readonly string[] = [...new Set(IDS.flatMap(scopesOf))];

/** For each operation, the scopes beyond the default ones that `scopes` leaves out. */
function ungrantedOf(scopes: readonly string[]): ServiceAppConfig['ungranted'] {
  const out: Partial<Record<OperationId, readonly string[]>> = {};
  for (const id of IDS) {
    const missing = scopesOf(id).filter((s) => !SPEC_SCOPES.includes(s) && !scopes.includes(s));
    if (missing.length > 0) out[id] = missing;
  }
  return out;
}

function checkScopes(scopes: unknown): readonly string[] {
  if (scopes === undefined) return SPEC_SCOPES;
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((s) => typeof s === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))
  ) {
    fail('scopes must be a non-empty array of scope names', 'e.g. ["okta.sessions.read"]');
  }
  return [...scopes] as string[];
}

/** The settings of private-key auth, checked; the key is parsed here, so a bad one fails at once. */
export function checkServiceApp(
  options: OktaSessionsOptions,
  names: ConfigNames,
): ServiceAppConfig {
  const clientIdName = names.clientId ?? 'clientId';
  const privateKeyName = names.privateKey ?? 'privateKey';
  const { clientId, privateKey, keyId } = options;
  if (typeof clientId !== 'string' || clientId.trim() === '' || headerValueProblem(clientId)) {
    fail(
      `${clientIdName} must be the service app's client id`,
      `Pass it together with ${privateKeyName}`,
    );
  }
  if (clientId.includes('{')) fail('clientId still contains a placeholder', 'Use the real id');
  if (privateKey === undefined) {
    fail(
      `${clientIdName} was given without ${privateKeyName}`,
      "Pass the service app's private key too",
    );
  }
  if (
    keyId !== undefined &&
    (typeof keyId !== 'string' || keyId === '' || headerValueProblem(keyId))
  ) {
    fail(
      'keyId must be a non-empty string',
      'Pass the kid shown for the key in the Okta Admin Console',
    );
  }
  if (options.dpop !== undefined && typeof options.dpop !== 'boolean') {
    fail('dpop must be true or false', `Got ${kindOf(options.dpop)}`);
  }
  const scopes = checkScopes(options.scopes);
  return {
    clientId,
    // A signer is told apart from a JWK by its `sign` function.
    key: isSigner(privateKey) ? readSigner(privateKey, keyId) : readPrivateKey(privateKey, keyId),
    scopes,
    ungranted: ungrantedOf(scopes),
    dpop: options.dpop !== false,
  };
}
