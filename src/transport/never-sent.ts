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
  // The chain comes from OktaNetworkError's cause, already copied 4 levels deep with objects and
  // strings only (errors/network-error.ts): these guards cannot change what a caller sees.
  // Stryker disable next-line LogicalOperator,EqualityOperator: bounded by that copy, see above
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when `cause` (or its cause, up to 4 deep) has a code that proves nothing was sent. */
export function neverSent(cause: unknown): boolean {
  // Stryker disable next-line StringLiteral: no code and any non-code string both read as false
  return NOT_SENT_CODES.has(errorCode(cause) ?? '');
}
