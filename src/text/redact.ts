/** What replaces a secret wherever one could otherwise be shown. */
export const REDACTED = '[REDACTED]';

// A secret this long inside a longer word is an echo, not a coincidence ("req-<token>"):
// it is scrubbed wherever it occurs. Shorter ones only where they stand as a token of their
// own, so that a one-letter session token does not turn "Authentication" into "Authentic[…]".
const ANYWHERE_FROM_LENGTH = 8;
// Characters that glue onto a token: letters, combining marks, digits and base64url's `-` `_`.
// Only ever tested at the start of a string: V8 in Node 26 fails `[\p{L}…]$` on a letter
// outside the BMP, so the character before a position is cut out first (codePointBefore).
const WORD_CHAR = /^[\p{L}\p{M}\p{N}_-]/u;
// Scrubbing can only create a new occurrence by butting `[REDACTED]` against text that
// completes a secret containing `[REDACTED]`'s own characters; a few passes settle it.
const MAX_PASSES = 4;

/**
 * The secret parts of a credential header: the token after the scheme of `Authorization`, and
 * every cookie value of `Cookie` (quoted values also unquoted: servers echo either form).
 * Used to scrub anything a server might echo back.
 */
export function secretsOfHeader(name: string, value: string): string[] {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization' || lower === 'dpop') {
    // No space: indexOf gives -1 and the whole value is the secret.
    return [value.slice(value.indexOf(' ') + 1)].filter(Boolean);
  }
  if (lower === 'cookie') {
    const secrets: string[] = [];
    for (const pair of value.split(';')) {
      const cookieValue = pair.slice(pair.indexOf('=') + 1).trim();
      if (cookieValue) secrets.push(cookieValue);
      if (cookieValue.length > 2 && cookieValue.startsWith('"') && cookieValue.endsWith('"'))
        secrets.push(cookieValue.slice(1, -1));
    }
    return secrets;
  }
  return [];
}

/** The code point that ends at `index`: a surrogate pair (above U+FFFF) counts as one. */
function codePointBefore(text: string, index: number): string {
  const two = text.slice(Math.max(0, index - 2), index);
  return two.codePointAt(0)! > 0xffff ? two : two.slice(-1);
}

/** Does `secret` at `index` stand as a token, i.e. not glued onto a longer word on either side? */
function standsAlone(text: string, index: number, secret: string): boolean {
  const end = index + secret.length;
  if (WORD_CHAR.test(secret) && WORD_CHAR.test(codePointBefore(text, index))) return false;
  return !(
    WORD_CHAR.test(codePointBefore(secret, secret.length)) &&
    WORD_CHAR.test(text.slice(end, end + 2))
  );
}

function scrubOnce(text: string, secrets: readonly string[]): string {
  const ranges: Array<[number, number]> = [];
  for (const secret of secrets) {
    if (!secret) continue;
    const anywhere = secret.length >= ANYWHERE_FROM_LENGTH;
    for (let i = text.indexOf(secret); i !== -1; i = text.indexOf(secret, i + 1)) {
      if (anywhere || standsAlone(text, i, secret)) ranges.push([i, i + secret.length]);
    }
  }
  if (ranges.length === 0) return text;
  // Overlapping secrets (a cookie and its value, two tokens sharing a part) become one mark.
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let done = 0;
  let open = ranges[0]![0];
  let close = ranges[0]![1];
  for (const [start, end] of ranges) {
    if (start > close) {
      out += text.slice(done, open) + REDACTED;
      done = close;
      open = start;
    }
    close = Math.max(close, end);
  }
  return out + text.slice(done, open) + REDACTED + text.slice(close);
}

/**
 * Replaces each secret in `text` with `[REDACTED]` where it occurs as a token of its own, and
 * anywhere at all once it is long enough that its occurrence cannot be a coincidence. Other
 * words are never touched, so short secrets do not garble a message: with the secret `a`,
 * `Authentication failed` stays as it is, and `Not found: a` becomes `Not found: [REDACTED]`.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = scrubOnce(out, secrets);
    if (next === out) return out;
    out = next;
  }
  // Only a secret that contains the mark itself gets here: show nothing rather than it.
  return scrubOnce(out, secrets) === out ? out : '';
}

const SECRET_HEADERS = ['authorization', 'cookie', 'dpop'];

/**
 * A {@link Scrubber}-shaped function that replaces each of `secrets` in a text; see {@link scrub}.
 */
export function scrubberOf(secrets: readonly string[]): (text: string) => string {
  return (text) => scrub(text, secrets);
}

/**
 * The scrubber of a request's headers (names lowercase) and body (see {@link secretsOfRequest}),
 * and of `more`: the ids in its path, for what an event or a log line shows.
 */
export function requestScrubber(
  sent: Record<string, string>,
  body: string | undefined,
  more: readonly string[] = [],
): (text: string) => string {
  return scrubberOf([...secretsOfRequest((name) => sent[name], body), ...more]);
}

/**
 * Every secret a request carries, for scrubbing what the server echoes: credential header
 * values (the whole Cookie too: Okta echoes it), a session token in a JSON body and a client
 * assertion in a token request's form. The one
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
      // Not JSON: a token request's form, whose client assertion is its secret.
      const assertion = new URLSearchParams(body).get('client_assertion');
      if (assertion) secrets.push(assertion);
    }
  }
  return secrets;
}
