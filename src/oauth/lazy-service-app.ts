// The service app behind a dynamic import: the token machinery (assertion, DPoP, cache, token
// request) loads on the first call of a private-key client, so processes that never use
// private-key auth do not carry it. Reached through `#platform` (server platforms only), so
// browser bundles, where private-key auth is refused, carry none of it.
import type { CredentialHeaders, FailureJudge } from '../model/credential.js';
import type { Clock } from '../time/clock.js';
import { isOktaError } from '../errors/okta-error.js';
import type { RepeatState, ServiceApp, ServiceAppConfig, Warn } from './service-app.js';
import type { SendToken } from './token-request.js';
import type { Jose } from './jose.js';

/** What a client's authorizer needs of a {@link ServiceApp}. */
export interface ServiceAppHandle {
  /** The credential headers of a request: the token, and a DPoP proof for that very request. */
  headersFor(method: string, url: string): CredentialHeaders | Promise<CredentialHeaders>;
  /**
   * A new call's judge of its failures: a failure of the token request is `token`; after a 401
   * for the token the attempt sent, one `repeat` with a new token; after a resource's
   * `use_dpop_nonce`, one `repeat` with the nonce (RFC 9449 §9).
   */
  failures(): FailureJudge;
}

/**
 * The modules a service app loads on first use. The client takes the real ones; tests hand in
 * loaders that fail, to check that a failed load is tried again by the next call.
 */
export interface ServiceAppImports {
  readonly app?: (() => Promise<typeof import('./service-app.js')>) | undefined;
  readonly jose?: (() => Promise<Jose>) | undefined;
}

export function lazyServiceApp(
  config: ServiceAppConfig,
  send: SendToken,
  tokenUrl: string,
  clock: Clock,
  warn: Warn,
  imports: ServiceAppImports = {},
): ServiceAppHandle {
  let app: ServiceApp | undefined;
  let loading: Promise<ServiceApp> | undefined;
  const importApp = imports.app ?? (() => import('./service-app.js'));
  const load = () =>
    (loading ??= importApp().then(
      ({ ServiceApp }) => (app = new ServiceApp(config, send, tokenUrl, clock, warn, imports.jose)),
      (error: unknown) => {
        // A failed load (a chunk that did not arrive) is tried again by the next call.
        loading = undefined;
        throw error;
      },
    ));
  return {
    headersFor: (method, url) =>
      app ? app.headersFor(method, url) : load().then((a) => a.headersFor(method, url)),
    failures() {
      // One call's bookkeeping, shared by its attempts: each kind of step happens once per call.
      const state: RepeatState = { refetched: false, nonced: false };
      return (error, sent) => {
        if (isOktaError(error) && 'url' in error && error.url === tokenUrl) return 'token';
        // A failure before the app loaded (a spent window, a timeout) carries no token of it.
        return app?.repeatAfter(error, sent?.['authorization'], state) && 'repeat';
      };
    },
  };
}
