// The service app behind a dynamic import: the token machinery (assertion, DPoP, cache, token
// request) loads on the first call of a private-key client, so bundles and processes that never
// use private-key auth do not carry it up front.
import type {
  RepeatReason,
  RepeatState,
  ServiceApp,
  ServiceAppConfig,
  TokenRetryPolicy,
} from './service-app.js';
import type { OAuthTransport } from './token-request.js';

/** What the client needs of a {@link ServiceApp}. */
export type ServiceAppHandle = Pick<ServiceApp, 'authorization' | 'proofFor' | 'repeatAfter'>;

export function lazyServiceApp(
  config: ServiceAppConfig,
  transport: OAuthTransport,
  retry: TokenRetryPolicy,
): ServiceAppHandle {
  let app: ServiceApp | undefined;
  let loading: Promise<ServiceApp> | undefined;
  const load = () =>
    (loading ??= import('./service-app.js').then(
      ({ ServiceApp }) => (app = new ServiceApp(config, transport, retry)),
    ));
  return {
    authorization: () => (app ? app.authorization() : load().then((a) => a.authorization())),
    proofFor: (method, url, authorization) =>
      app
        ? app.proofFor(method, url, authorization)
        : load().then((a) => a.proofFor(method, url, authorization)),
    // Only called after a failed call, which has loaded the app.
    repeatAfter: (error: unknown, authorization: string | undefined, state: RepeatState) =>
      app?.repeatAfter(error, authorization, state) as RepeatReason | undefined,
  };
}
