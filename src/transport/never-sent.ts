// Connection-phase failures of Node's network stack (libuv and undici codes): the request never
// reached the server, so even an operation that is not repeatable may be sent again. Browsers
// report every failed fetch as the same bare TypeError, so only the server platforms carry this.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when `cause` (or its cause, up to 4 deep) has a code that proves nothing was sent. */
export function neverSent(cause: unknown): boolean {
  return NOT_SENT_CODES.has(errorCode(cause) ?? '');
}
