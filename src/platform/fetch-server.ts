import { fetchTransport } from '../transport/fetch.js';
import { fetchLayers, fetchProxyOf, isBrowser, runtimeAgent } from './fetch-runtime.js';
import { serverSide } from './server-side.js';
import type { Platform } from './types.js';

// Deno, Bun and runtimes no condition names: their own fetch is the fast path, and they are
// servers (an environment, private keys, node:fs for okta.yaml). Proxies are the fetch's own.
// Should a web worker land here, it still gets the browser's header rules.

/** The platform of server-side fetch runtimes with node:fs (Deno, Bun). */
export const platform: Platform = {
  ...serverSide,
  // Looked up per call so that a fetch installed after import (a polyfill, a test shim) is used.
  transport: fetchTransport((request) => globalThis.fetch(request), isBrowser),
  isBrowser,
  runtime: runtimeAgent,
  proxyOf: fetchProxyOf,
  layers: fetchLayers,
  // Loaded on use, as on Node: Deno and Bun offer node:fs.
  readConfigFiles: (sources) => import('../config/file.js').then((m) => m.readConfigFiles(sources)),
};
