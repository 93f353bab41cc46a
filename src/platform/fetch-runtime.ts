// Which fetch runtime this is, for the platforms of Deno, Bun and edge workers: whether the
// browser's header rules hold, what the User-Agent names, and what a refusal calls it.
import { fail } from '../errors/config-error.js';
import {
  LAYER_NAMES,
  optionsFromEnv,
  optionsOfSources,
  type ConfigLayer,
} from '../config/layers.js';
import type { OktaSessionsOptions } from '../config/options.js';
import type { ConfigLayering } from './types.js';

const scope = globalThis as {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  navigator?: { userAgent?: unknown };
  document?: unknown;
  WorkerGlobalScope?: unknown;
};

// workerd defines WorkerGlobalScope like a web worker, but it is a server: no forbidden
// headers, no cookie jar. Its fixed navigator.userAgent tells it apart.
const workerd = scope.navigator?.userAgent === 'Cloudflare-Workers';
const deno = scope.Deno?.version?.deno;
const bun = scope.Bun?.version;

/** Pages and web workers, whose fetch enforces the forbidden-header rules. */
export const isBrowser =
  !workerd &&
  deno === undefined &&
  bun === undefined &&
  (scope.document !== undefined || scope.WorkerGlobalScope !== undefined);

/** The runtime part of the User-Agent, e.g. `deno/2.9.6`; empty where unknown. */
export const runtimeAgent = deno ? `deno/${deno}` : bun ? `bun/${bun}` : workerd ? 'workerd' : '';

/** The runtime as refusals name it. */
export const runtimeName =
  deno !== undefined
    ? 'Deno'
    : bun !== undefined
      ? 'Bun'
      : workerd
        ? 'Cloudflare Workers (workerd)'
        : 'this runtime';

/**
 * The `proxy` option on a runtime's own fetch: an explicit proxy cannot be applied there (Deno
 * and Bun read HTTPS_PROXY/NO_PROXY themselves), so it is refused rather than ignored.
 */
export function fetchProxyOf(setting: OktaSessionsOptions['proxy']): undefined {
  if (setting === undefined || setting === false) return undefined;
  fail(
    `The proxy option needs the Node transport; ${runtimeName} sends requests with its own fetch, which takes no proxy from us`,
    'Leave proxy out: Deno and Bun apply HTTPS_PROXY and NO_PROXY themselves',
  );
}

const PROXY_VARIABLES = /^(https?|no)_proxy$/i;

/**
 * fromEnv/fromConfig options without the proxy variables: the runtime's fetch applies those
 * itself, and taken as an option they would be refused.
 */
function fetchOptionsOf(
  env: Record<string, string | undefined>,
  layers: ConfigLayer[],
): OktaSessionsOptions {
  const rest = Object.fromEntries(
    Object.entries(env).filter(([name]) => !PROXY_VARIABLES.test(name)),
  );
  return optionsOfSources(rest, layers);
}

/** How fromEnv and fromConfig read settings on a runtime's own fetch (see fetchOptionsOf). */
export const fetchLayers: ConfigLayering = {
  fromEnv: optionsFromEnv,
  optionsOf: fetchOptionsOf,
  names: LAYER_NAMES,
};

/** fromConfig where node:fs is missing: refused before reading anything. */
export function noConfigFiles(): never {
  fail(
    `fromConfig reads okta.yaml files with node:fs, which ${runtimeName} does not offer`,
    "Pass options to new OktaSessions(), or use OktaSessions.fromEnv(env) with the Worker's env",
  );
}
