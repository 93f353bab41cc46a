// Connection-phase failures of Node's network stack (libuv and undici codes): the request never
// reached the server, so even an operation that is not repeatable may be sent again. Browsers
// report every failed fetch as the same bare TypeError, so only the server platforms carry this.

function errorCode(error: unknown): string | undefined {
  // The chain is OktaNetworkError's copy of the transport error (errors/network-error.ts):
  // Errors made in this realm, 4 deep at most, ending in a string or nothing.
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** True when `cause` (or its cause, up to 4 deep) has a code that proves nothing was sent. */
export function neverSent(cause: unknown): boolean {
  // A switch, not a module-level Set: the codes are read when a call fails, so the tests of
  // that call are the ones a mutation run checks them with.
  switch (errorCode(cause)) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return true;
    default:
      return false;
  }
}
