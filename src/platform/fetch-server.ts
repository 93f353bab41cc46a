import { fetchTransport } from '../transport/fetch.js';
import { serverSide } from './server-side.js';
import type { Platform } from './types.js';

// Deno, Bun, edge workers and runtimes no condition names: their own fetch is the fast path,
// and they are servers (an environment, private keys, proxy variables). Should a web worker
// land here, it still gets the browser's header rules.
const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
const isBrowser = scope.document !== undefined || scope.WorkerGlobalScope !== undefined;

/** The platform of server-side fetch runtimes. */
export const platform: Platform = {
  ...serverSide,
  // Looked up per call so that a fetch installed after import (a polyfill, a test shim) is used.
  transport: fetchTransport((request) => globalThis.fetch(request), isBrowser),
  isBrowser,
  runtime: '',
};
