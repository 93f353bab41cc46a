// `okta.raw`, available at once but loaded on its first call: openapi-fetch and the raw
// middleware (raw/middleware.ts) sit behind a dynamic import, so bundlers put them in a chunk
// of their own that apps using only the façade never download.
import type { Client, Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/schema.js';
import type { RawOptions } from './middleware.js';

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

/** `okta.raw`: each method loads the client on first use, then calls it with its arguments. */
export function lazyRawClient(options: RawOptions): Client<paths> {
  let client: Client<paths> | undefined;
  let loading: Promise<Client<paths>> | undefined;
  // Middleware a caller adds before the client has loaded, in order, after ours.
  const added: Middleware[] = [];
  const load = () =>
    (loading ??= import('./middleware.js').then(({ createRawClient }) => {
      client = createRawClient(options);
      client.use(...added);
      return client;
    }));
  const lazy: Record<string, unknown> = {
    request: (...args: unknown[]) =>
      load().then((loaded): unknown => Reflect.apply(loaded.request, loaded, args)),
    use(...middleware: Middleware[]) {
      if (client) client.use(...middleware);
      else added.push(...middleware);
    },
    eject(...middleware: Middleware[]) {
      if (client) client.eject(...middleware);
      for (const each of middleware) if (added.includes(each)) added.splice(added.indexOf(each), 1);
    },
  };
  for (const method of METHODS) {
    lazy[method] = (...args: unknown[]) =>
      load().then((loaded): unknown => Reflect.apply(loaded[method], loaded, args));
  }
  // The methods forward their arguments untouched; their generic signatures are openapi-fetch's
  // own, which a forwarding function cannot restate.
  return lazy as unknown as Client<paths>;
}
