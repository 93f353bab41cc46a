import type {
  ConfigNames,
  ConfigRuntime,
  OktaSessionsOptions,
  OktaTelemetryOptions,
} from '../config/options.js';
import type { ConfigSources } from '../config/file.js';
import type { ConfigLayer } from '../config/layers.js';
import type { lazyServiceApp } from '../oauth/lazy-service-app.js';
import type { ServiceAppConfig } from '../oauth/service-app.js';
import type { FetchFunction } from '../transport/fetch.js';
import type { Transport } from '../transport/transport.js';
import type { ResolvedProxy } from '../transport/undici.js';
import type { RateLimitStates, Telemetry } from './telemetry.js';

/** What differs between Node, server-side fetch runtimes (Deno, Bun, edge workers) and browsers. */
export interface Platform extends ConfigRuntime {
  /** The transport used when the caller gives no `fetch`. */
  transport: Transport;
  /** The transport through a proxy; Node only (fetch runtimes have their own proxy settings). */
  proxyTransport?: (proxy: ResolvedProxy) => Transport;
  /** `fetch` through a proxy, for `okta.raw`; Node only, like `proxyTransport`. */
  proxyFetch?: (proxy: ResolvedProxy) => FetchFunction;
  /** Tells a failure that never reached the server (transport/never-sent.ts); not in browsers. */
  neverSent?: (cause: unknown) => boolean;
  /** Puts a failure's cause in plain words where the transport's are cryptic (transport/not-tls.ts); not in browsers. */
  explainFailure?: (url: string, cause: unknown) => unknown;
  /** Browsers forbid the Cookie header and set User-Agent themselves. */
  isBrowser: boolean;
  /** Runtime part of the User-Agent, e.g. `node/20.20.2 linux/x64`; empty where not ours to set. */
  runtime: string;
  /** Checks private-key auth settings (config/service-app.ts); absent in browsers, which refuse them. */
  serviceAppConfig?: (options: OktaSessionsOptions, names: ConfigNames) => ServiceAppConfig;
  /** Starts a service app's token machinery (oauth/lazy-service-app.ts); not in browsers. */
  startServiceApp?: typeof lazyServiceApp;
  /** The proxy of the `proxy` option or the environment (config/proxy.ts); absent in browsers. */
  proxyOf?: (setting: OktaSessionsOptions['proxy'], browser: boolean) => ResolvedProxy | undefined;
  /** Settings from OKTA_CLIENT_* and okta.yaml layers, for fromEnv/fromConfig; not in browsers. */
  layers?: ConfigLayering;
  /**
   * OpenTelemetry for a client (telemetry.ts), `@opentelemetry/api` loaded when it is
   * installed; server platforms only, so that browser bundles carry none of it.
   */
  telemetry?: (
    orgUrl: string,
    options: OktaTelemetryOptions,
    rateLimits: RateLimitStates,
  ) => Telemetry;
  /** Reads the okta.yaml files for OktaSessions.fromConfig; Node only. */
  readConfigFiles?: (sources: ConfigSources) => Promise<ConfigLayer[]>;
}

/** How fromEnv and fromConfig turn the environment and okta.yaml into options (config/layers.ts). */
export interface ConfigLayering {
  /** The `OKTA_CLIENT_*` variables of `env` as a layer. */
  fromEnv(env: Record<string, string | undefined>): ConfigLayer;
  /** The options of the layers (later ones win), with the proxy of `env` unless one is set. */
  optionsOf(env: Record<string, string | undefined>, layers: ConfigLayer[]): OktaSessionsOptions;
  /**
   * How configuration errors name settings: variables for fromEnv; variables and okta.yaml
   * keys for fromConfig.
   */
  names: { env: ConfigNames; config: ConfigNames };
}
