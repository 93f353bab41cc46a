import { fetchTransport } from '../transport/fetch.js';
import type { Platform } from './types.js';

// Browsers (the `browser` condition): their own fetch is the only path. Nothing server-side is
// here (private keys, proxies, the environment; see server-side.ts), so a page does not carry it.
// Pages and web workers (dedicated, shared, service) enforce the forbidden-header rules.
const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
const isBrowser = scope.document !== undefined || scope.WorkerGlobalScope !== undefined;

/** The platform of browsers. */
export const platform: Platform = {
  // Looked up per call so that a fetch installed after import (a polyfill, a test shim) is used.
  transport: fetchTransport((request) => globalThis.fetch(request), isBrowser),
  isBrowser,
  runtime: '',
};
