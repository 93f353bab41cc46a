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

const SECRET_HEADERS = ['authorization', 'cookie', 'dpop'];

/**
 * Every secret a request carries, for scrubbing what the server echoes: credential header
 * values (the whole Cookie too: Okta echoes it) and a session token in a JSON body. The one
 * collector for the façade and `okta.raw`; called only when an error is built.
 */
export function secretsOfRequest(
  header: (name: string) => string | null | undefined,
  body: string | undefined,
): string[] {
  const secrets: string[] = [];
  for (const name of SECRET_HEADERS) {
    const value = header(name);
    if (!value) continue;
    if (name === 'cookie') secrets.push(value);
    secrets.push(...secretsOfHeader(name, value));
  }
  if (body) {
    try {
      const token = (JSON.parse(body) as { sessionToken?: unknown } | null)?.sessionToken;
      if (typeof token === 'string') secrets.push(token);
    } catch {
      // Not JSON: nothing we know to be secret.
    }
  }
  return secrets;
}
