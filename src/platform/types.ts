import type { ConfigLayer } from '../config.js';
import type { ConfigSources } from '../config-file.js';

/** What differs between Node and fetch-native runtimes (browsers, Deno, Bun, workers). */
export interface Platform {
  /** The transport used when the caller gives no `fetch`. */
  fetch: (request: Request) => Promise<Response>;
  /** The request class openapi-fetch builds requests with, for that transport. */
  Request: typeof globalThis.Request;
  /** The controller our transport cancels attempts with (a light one on Node). */
  AbortController: new () => Pick<AbortController, 'signal' | 'abort'>;
  /** Browsers forbid the Cookie header and set User-Agent themselves. */
  isBrowser: boolean;
  /** Runtime part of the User-Agent, e.g. `node/20.20.2 linux/x64`; empty where not ours to set. */
  runtime: string;
  /** Reads the okta.yaml files for OktaSessions.fromConfig; Node only. */
  readConfigFiles?: (sources: ConfigSources) => Promise<ConfigLayer[]>;
}
