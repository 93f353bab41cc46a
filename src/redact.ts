/** What replaces a secret wherever one could otherwise be shown. */
export const REDACTED = '[REDACTED]';

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
