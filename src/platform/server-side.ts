// What every server-side platform shares (Node, Deno, Bun, edge workers): private-key auth,
// proxies, and settings from the environment.
import { LAYER_NAMES, optionsFromEnv, optionsOfSources } from '../config/layers.js';
import { proxyOf } from '../config/proxy.js';
import { checkServiceApp } from '../config/service-app.js';
import { lazyServiceApp } from '../oauth/lazy-service-app.js';
import { neverSent } from '../transport/never-sent.js';
import { explainFailure } from '../transport/not-tls.js';
import type { Platform } from './types.js';

export const serverSide: Pick<
  Platform,
  'serviceAppConfig' | 'startServiceApp' | 'proxyOf' | 'layers' | 'neverSent' | 'explainFailure'
> = {
  serviceAppConfig: checkServiceApp,
  startServiceApp: lazyServiceApp,
  proxyOf,
  neverSent,
  explainFailure,
  layers: { fromEnv: optionsFromEnv, optionsOf: optionsOfSources, names: LAYER_NAMES },
};
