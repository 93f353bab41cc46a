// What every server-side platform shares (Node, Deno, Bun, edge workers): private-key auth,
// proxies, and settings from the environment.
import { LAYER_NAMES, optionsFromEnv, optionsOfSources } from '../config/layers.js';
import { proxyOf } from '../config/proxy.js';
import { checkServiceApp } from '../config/service-app.js';
import { lazyServiceApp } from '../oauth/lazy-service-app.js';
import { neverSent } from '../transport/never-sent.js';
import { explainFailure } from '../transport/not-tls.js';
import type { Platform } from './types.js';
import type { OtelApi } from './otel-api.js';
import { telemetry } from './telemetry.js';

// A name in a variable: an optional peer that server bundlers must not try to resolve, and one
// copy of the API per process (its global registry) is what an app's SDK talks to anyway.
const OTEL_API = '@opentelemetry/api';
/** Loaded once per process. */
let otel: Promise<OtelApi | undefined> | undefined;

export const serverSide: Pick<
  Platform,
  | 'serviceAppConfig'
  | 'startServiceApp'
  | 'proxyOf'
  | 'layers'
  | 'neverSent'
  | 'explainFailure'
  | 'telemetry'
> = {
  telemetry: (orgUrl, options, rateLimits) =>
    telemetry(
      orgUrl,
      options,
      options.api
        ? Promise.resolve(options.api as OtelApi)
        : (otel ??= import(OTEL_API).then(
            (api: unknown) => api as OtelApi,
            () => undefined,
          )),
      rateLimits,
    ),
  serviceAppConfig: checkServiceApp,
  startServiceApp: lazyServiceApp,
  proxyOf,
  neverSent,
  explainFailure,
  layers: { fromEnv: optionsFromEnv, optionsOf: optionsOfSources, names: LAYER_NAMES },
};
