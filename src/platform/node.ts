import { release } from 'node:os';
import { proxyFetch, proxyTransport, undiciTransport } from '../transport/undici.js';
import { serverSide } from './server-side.js';
import type { Platform } from './types.js';

/** The Node platform: undici's pool. */
export const platform: Platform = {
  ...serverSide,
  transport: undiciTransport,
  proxyTransport,
  proxyFetch,
  isBrowser: false,
  runtime: `node/${process.versions.node} ${process.platform}/${release()}`,
  // Loaded on use: the YAML parser and node:fs are no import-time cost of other clients.
  readConfigFiles: (sources) => import('../config/file.js').then((m) => m.readConfigFiles(sources)),
};
