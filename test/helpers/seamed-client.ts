// A service-app client assembled as OktaSessions assembles one (resolveConfig, clientParts, send)
// on the system clock, with the modules its service app loads on first use handed in through
// lazyServiceApp's seam: a test makes a dynamic import fail without touching any global.
import { platform } from '#platform';
import type { OktaSessionsOptions } from '../../src/index.js';
import { clientParts } from '../../src/call/client-parts.js';
import { send } from '../../src/call/pipeline.js';
import { callOf, repeatable } from '../../src/call/prepare.js';
import { resolveConfig } from '../../src/config/options.js';
import { parseSession, type Session } from '../../src/model/session.js';
import { lazyServiceApp, type ServiceAppImports } from '../../src/oauth/lazy-service-app.js';

/** getSession of a client whose service app loads its modules through `imports`. */
export function clientWithImports(
  options: OktaSessionsOptions,
  imports: ServiceAppImports,
): { getSession(sessionId: string): Promise<Session> } {
  const seamed = {
    ...platform,
    startServiceApp: ((...args) =>
      lazyServiceApp(
        args[0],
        args[1],
        args[2],
        args[3],
        args[4],
        imports,
      )) as typeof lazyServiceApp,
  };
  const config = resolveConfig(options, seamed);
  const parts = clientParts(config, options, seamed);
  const defaults = {
    headers: parts.headers,
    credentials: parts.credentials,
    timeoutMs: config.timeoutMs,
  };
  return {
    getSession: (sessionId) =>
      send(
        parts.pipeline,
        callOf('getSession', { path: { sessionId } }, undefined, defaults),
        parseSession,
        repeatable('getSession'),
      ),
  };
}
