// A plain-HTTP server (an emulator, a dev server) given an https:// URL answers the TLS
// handshake with HTTP, and OpenSSL reports `ssl3_get_record:wrong version number`: true, and
// of no help. Server-side only (browsers never show TLS errors to a page), so it reaches the
// errors through the platform and browser bundles leave it out.

/**
 * The cause an OktaNetworkError should carry for a request to `url` that failed with `cause`:
 * for an https:// request that reached a server not speaking TLS, an error saying so in plain
 * words (with OpenSSL's code, and OpenSSL's error as its own cause); any other failure as is.
 */
export function explainFailure(url: string, cause: unknown): unknown {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return cause;
  }
  if (target.protocol !== 'https:') return cause;
  // Made on a failure, not when the module loads: no hot path needs them, and mutation
  // testing's per-test coverage sees a constant only where it is used.
  // OpenSSL's codes, as Node names them, for a handshake answered with something that is not TLS.
  const notTls = ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG'];
  // http:// is accepted for these hosts only (config/org-url.ts), so only there is it the fix.
  // (URL writes every IPv4 host as four numbers: 127.1 reads 127.0.0.1 here.)
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;
  // The code sits on undici's error, or on the cause of fetch's TypeError('fetch failed').
  let error = cause;
  for (let depth = 0; depth < 4 && typeof error === 'object' && error !== null; depth++) {
    const { code } = error as { code?: unknown };
    if (typeof code === 'string' && notTls.includes(code)) {
      const reason = loopback.test(target.hostname)
        ? 'the server does not speak TLS; did you mean http://?'
        : 'the server does not speak TLS; check the host and port of the org URL';
      return Object.assign(new Error(reason, { cause }), { code });
    }
    error = (error as { cause?: unknown }).cause;
  }
  return cause;
}
