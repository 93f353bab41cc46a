import type { ConfigLayer, ResolvedProxy } from '../config.js';
import type { ConfigSources } from '../config-file.js';
import type { FetchFunction } from '../transport/fetch.js';
import type { Transport } from '../transport/transport.js';

/** What differs between Node and fetch-native runtimes (browsers, Deno, Bun, workers). */
export interface Platform {
  /** The transport used when the caller gives no `fetch`. */
  transport: Transport;
  /** The transport through a proxy; Node only (fetch runtimes have their own proxy settings). */
  proxyTransport?: (proxy: ResolvedProxy) => Transport;
  /** `fetch` through a proxy, for `okta.raw`; Node only, like `proxyTransport`. */
  proxyFetch?: (proxy: ResolvedProxy) => FetchFunction;
  /** Browsers forbid the Cookie header and set User-Agent themselves. */
  isBrowser: boolean;
  /** Runtime part of the User-Agent, e.g. `node/20.20.2 linux/x64`; empty where not ours to set. */
  runtime: string;
  /** Reads the okta.yaml files for OktaSessions.fromConfig; Node only. */
  readConfigFiles?: (sources: ConfigSources) => Promise<ConfigLayer[]>;
}
