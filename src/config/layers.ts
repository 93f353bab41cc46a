// Settings in layers, as the official Okta SDKs read them: okta.yaml files, the OKTA_CLIENT_*
// variables, then the caller's overrides. For fromEnv, fromConfig and the CLI; reached through
// `#platform`, so browser bundles (which have no environment) leave it out.
import { describeMode, type ConfigNames, type OktaSessionsOptions } from './options.js';
import { proxyEnvOf } from './proxy.js';
import { fail } from '../errors/config-error.js';

/** The names fromEnv uses: the official SDKs' variables (it reads no okta.yaml). */
const ENV_NAMES: ConfigNames = {
  orgUrl: 'orgUrl (OKTA_CLIENT_ORGURL)',
  apiToken: 'apiToken (OKTA_CLIENT_TOKEN)',
  accessToken: 'accessToken (OKTA_CLIENT_ACCESS_TOKEN)',
  clientId: 'clientId (OKTA_CLIENT_CLIENTID)',
  privateKey: 'privateKey (OKTA_CLIENT_PRIVATEKEY)',
  timeoutMs: 'timeoutMs',
  orgUrlFix: 'Set OKTA_CLIENT_ORGURL, or pass { orgUrl: "https://acme.okta.com" }',
};

/** The names of fromEnv and of fromConfig, which reads okta.yaml as well. */
export const LAYER_NAMES: { env: ConfigNames; config: ConfigNames } = {
  env: ENV_NAMES,
  config: {
    ...ENV_NAMES,
    orgUrlFix:
      'Set OKTA_CLIENT_ORGURL or okta.client.orgUrl in okta.yaml, or pass { orgUrl: "https://acme.okta.com" }',
  },
};

/** The service-app (private-key) settings of the official SDKs, read from okta.yaml and the environment. */
const OAUTH_KEYS = ['authorizationMode', 'clientId', 'scopes', 'privateKey', 'keyId'] as const;

/** One source of settings (okta.yaml, the environment, the caller's options). */
export type ConfigLayer = {
  [key in Exclude<keyof OktaSessionsOptions, (typeof OAUTH_KEYS)[number]>]?:
    OktaSessionsOptions[key] | undefined;
} & {
  // Unchecked here (files and variables hold text): the constructor judges them.
  [key in (typeof OAUTH_KEYS)[number]]?: unknown;
};

// The three credentials a layer can give; exactly one reaches the client.
const CREDENTIAL_GROUPS = {
  apiToken: ['apiToken'],
  accessToken: ['accessToken'],
  serviceApp: ['clientId', 'privateKey', 'keyId', 'scopes'],
} as const;
type CredentialGroup = keyof typeof CREDENTIAL_GROUPS;

function groupsOf(keys: readonly string[]): Set<CredentialGroup> {
  const groups = Object.keys(CREDENTIAL_GROUPS) as CredentialGroup[];
  return new Set(
    groups.filter((g) => (CREDENTIAL_GROUPS[g] as readonly string[]).some((k) => keys.includes(k))),
  );
}

/**
 * Later layers win. A credential is replaced as a whole: a layer that gives one (an API token,
 * an access token or a service app) hides every other credential of the layers before it, so
 * an `accessToken` override is not "both credentials" with a token from the environment. A
 * service app may be spread over layers (a key file on the command line, the client id in the
 * environment); a layer's new private key drops the key id that came with an earlier key.
 */
function mergeLayers(...layers: ConfigLayer[]): ConfigLayer {
  const merged: ConfigLayer = {};
  for (const layer of layers) {
    const defined = Object.entries(layer).filter(([, value]) => value !== undefined);
    const given = groupsOf(defined.map(([key]) => key));
    if (given.size > 0) {
      const before = groupsOf(Object.keys(merged));
      for (const group of before) {
        if (!given.has(group)) for (const key of CREDENTIAL_GROUPS[group]) delete merged[key];
      }
      // The mode chose among the earlier credentials; it stays only with the same one.
      if ([...before].some((group) => !given.has(group))) delete merged.authorizationMode;
      if (layer.privateKey !== undefined && merged.privateKey !== undefined) delete merged.keyId;
    }
    for (const [key, value] of defined) {
      const before = (merged as Record<string, unknown>)[key];
      (merged as Record<string, unknown>)[key] =
        isPlainObject(before) && isPlainObject(value) ? { ...before, ...value } : value;
    }
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}

/** The `OKTA_CLIENT_*` variables the official Okta SDKs read (empty ones count as unset). */
export function optionsFromEnv(env: Record<string, string | undefined>): ConfigLayer {
  const read = (name: string) => env[`OKTA_CLIENT_${name}`] || undefined;
  const scopes = read('SCOPES');
  const layer: ConfigLayer = {
    orgUrl: read('ORGURL'),
    apiToken: read('TOKEN'),
    accessToken: read('ACCESS_TOKEN'),
    authorizationMode: read('AUTHORIZATIONMODE'),
    clientId: read('CLIENTID'),
    scopes: scopes?.split(/\s/).filter(Boolean),
    privateKey: read('PRIVATEKEY'),
    keyId: read('KEYID'),
  };
  return layer;
}

/**
 * The client options of merged layers. `authorizationMode` picks the credential the way the
 * official SDKs do: `SSWS` keeps the API token and drops service-app keys; `Bearer` sends the
 * token (`token`, OKTA_CLIENT_TOKEN) as an OAuth 2.0 access token, as the Go and Python SDKs
 * do; `PrivateKey` keeps the service-app keys (which the constructor then judges).
 */
function optionsOfLayers(merged: ConfigLayer): OktaSessionsOptions {
  const { authorizationMode, ...rest } = merged;
  const options = { ...rest } as OktaSessionsOptions & ConfigLayer;
  if (authorizationMode === undefined || authorizationMode === 'SSWS') {
    if (authorizationMode === 'SSWS') {
      for (const key of OAUTH_KEYS) delete options[key];
    }
    return options;
  }
  if (authorizationMode === 'Bearer') {
    for (const key of OAUTH_KEYS) delete options[key];
    if (options.accessToken === undefined) options.accessToken = options.apiToken;
    delete options.apiToken;
    return { ...options, authorizationMode } as OktaSessionsOptions;
  }
  if (authorizationMode !== 'PrivateKey') {
    fail(
      `authorizationMode must be "SSWS", "Bearer" or "PrivateKey" (${describeMode(authorizationMode)})`,
      'Fix OKTA_CLIENT_AUTHORIZATIONMODE or okta.client.authorizationMode',
    );
  }
  delete options.apiToken;
  return { ...options, authorizationMode } as OktaSessionsOptions;
}

/**
 * The client options of configuration layers (first to last, the later winning), with the
 * proxy taken from `env` unless a layer set one.
 */
export function optionsOfSources(
  env: Record<string, string | undefined>,
  layers: ConfigLayer[],
): OktaSessionsOptions {
  const options = optionsOfLayers(mergeLayers(...layers));
  options.proxy ??= proxyEnvOf(env);
  return options;
}
