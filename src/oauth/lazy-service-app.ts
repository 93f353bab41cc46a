// The service app behind a dynamic import: the token machinery (assertion, DPoP, cache, token
// request) loads on the first call of a private-key client, so processes that never use
// private-key auth do not carry it. Reached through `#platform` (server platforms only), so
// browser bundles, where private-key auth is refused, carry none of it.
import type { Transport } from '../transport/transport.js';
import type {
  RepeatReason,
  RepeatState,
  ServiceApp,
  ServiceAppConfig,
  TokenRetryPolicy,
} from './service-app.js';
import type { OAuthTransport } from './token-request.js';

/** What the client needs of a {@link ServiceApp}. */
export interface ServiceAppHandle extends Pick<ServiceApp, 'authorization' | 'proofFor'> {
  /**
   * The transport of the app's API calls: a DPoP-bound token travels with a fresh proof of
   * possession for that very request. The proof goes into the attempt's own header record, from
   * which the attempt also takes the secrets it scrubs from errors.
   */
  withProofs(transport: Transport): Transport;
  /**
   * One call's attempts with the app's token: a 401 drops the token and repeats the attempt once
   * with a new one; a resource's `use_dpop_nonce` repeats it once with the nonce (RFC 9449 §9).
   * Call it once per call: the once-per-call bookkeeping lives in what it returns.
   */
  repeating<A, T>(
    attempt: (arg: A) => Promise<T>,
    credentialOf: (error: unknown) => string | undefined,
  ): (arg: A) => Promise<T>;
}

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
  const proofFor = (method: string, url: string, authorization: string) =>
    app
      ? app.proofFor(method, url, authorization)
      : load().then((a) => a.proofFor(method, url, authorization));
  // Only called after a failed call, which has loaded the app.
  const repeatAfter = (error: unknown, authorization: string | undefined, state: RepeatState) =>
    app?.repeatAfter(error, authorization, state) as RepeatReason | undefined;
  return {
    authorization: () => (app ? app.authorization() : load().then((a) => a.authorization())),
    proofFor,
    withProofs: (inner) => ({
      request(request) {
        const authorization = request.headers['authorization'];
        const proof =
          authorization && proofFor(request.method, request.origin + request.path, authorization);
        // On Node the proof is a string: the request leaves without waiting on a promise.
        if (typeof proof === 'object') {
          return proof.then((signed) => {
            if (signed) request.headers['dpop'] = signed;
            return inner.request(request);
          });
        }
        if (proof) request.headers['dpop'] = proof;
        return inner.request(request);
      },
    }),
    repeating: (attempt, credentialOf) => {
      // One call's bookkeeping, shared by its retries: each kind of repeat happens once per call.
      const state: RepeatState = { refetched: false, nonced: false };
      // No async frame of its own: a call that succeeds costs what a Bearer call costs here.
      const run = (arg: Parameters<typeof attempt>[0]): ReturnType<typeof attempt> =>
        attempt(arg).catch((error: unknown) => {
          if (!repeatAfter(error, credentialOf(error), state)) throw error;
          return run(arg);
        });
      return run;
    },
  };
}
