/** What replaces a secret wherever one could otherwise be shown. */
export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set([
  'authorization',
  'cookie',
  'dpop',
  'set-cookie',
  'proxy-authorization',
]);

/** True for headers whose values are credentials and must never be shown. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A copy of `headers` safe to log or report: credential values replaced by {@link REDACTED}. */
export function redactHeaders(headers: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = isSecretHeader(name) ? REDACTED : value;
  return out;
}

/**
 * The secret parts of a credential header: the token after the scheme of `Authorization`, and
 * every cookie value of `Cookie`. Used to scrub anything a server might echo back.
 */
export function secretsOfHeader(name: string, value: string): string[] {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization' || lower === 'dpop') {
    const space = value.indexOf(' ');
    return [space === -1 ? value : value.slice(space + 1)].filter((s) => s.length >= 4);
  }
  if (lower === 'cookie') {
    return value
      .split(';')
      .map((pair) => pair.slice(pair.indexOf('=') + 1).trim())
      .filter((s) => s.length >= 4);
  }
  return [];
}

/** Replaces every occurrence of each secret in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}
