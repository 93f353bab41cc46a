import { fetchTransport } from '../transport/fetch.js';
import {
  fetchLayers,
  fetchProxyOf,
  isBrowser,
  noConfigFiles,
  runtimeAgent,
} from './fetch-runtime.js';
import { serverSide } from './server-side.js';
import type { Platform } from './types.js';

// Edge workers (the `workerd` and `worker` conditions: Cloudflare Workers, Vercel Edge): servers
// on their own fetch, without node:fs, so okta.yaml is refused rather than bundled (a static
// node:fs import fails the whole Worker at load). A web worker bundled with the `worker`
// condition still gets the browser's header rules.

/** The platform of edge workers. */
export const platform: Platform = {
  ...serverSide,
  // Looked up per call so that a fetch installed after import (a polyfill, a test shim) is used.
  transport: fetchTransport((request) => globalThis.fetch(request), isBrowser),
  isBrowser,
  runtime: runtimeAgent,
  proxyOf: fetchProxyOf,
  layers: fetchLayers,
  readConfigFiles: async () => noConfigFiles(),
};
