// The request journal: what every request the emulator saw looked like, for a test to assert on
// what its code sent. Secrets never enter it: the credential is recorded as its kind, the path
// as its template, and secret query values as their kind.

/**
 * One request the emulator saw (admin API requests excepted), as {@link Emulator.requests}
 * and `GET /__emulator/requests` list them.
 *
 * @example
 * ```ts
 * const last = emu.requests().at(-1);
 * if (last?.operationId === 'getSession') console.log(last.status, last.credential);
 * ```
 */
export interface EmulatorRequest {
  /** The operation (`getSession`, `primaryAuthentication`, `token`, ...); null for an unknown path. */
  readonly operationId: string | null;
  /** The HTTP method. */
  readonly method: string;
  /** The path template (`/api/v1/sessions/{sessionId}`); an unknown path as sent, shortened. */
  readonly path: string;
  /** The query parameters (the last of repeated ones); secret values replaced by their kind. */
  readonly query: Readonly<Record<string, string>>;
  /**
   * The kind of `Authorization` sent: `apiToken` (SSWS), `bearer`, `dpop`, `other` (a header
   * Okta cannot read), `clientAssertion` (a token request) or `none`. Never the value.
   */
  readonly credential: 'apiToken' | 'bearer' | 'dpop' | 'clientAssertion' | 'other' | 'none';
  /** True when a `DPoP` proof header was sent. */
  readonly dpopProof: boolean;
  /** True when a `Cookie` header was sent. */
  readonly cookie: boolean;
  /** The status answered; null when no answer went out (a reset connection, a client that left). */
  readonly status: number | null;
  /** The kind of the scripted fault that acted on it, or null. */
  readonly fault: string | null;
  /** `X-Okta-Request-Id` of the answer. */
  readonly requestId: string;
  /** When it arrived, by the emulator's clock (ISO 8601 with milliseconds). */
  readonly receivedAt: string;
  /** When its answer was complete, by the emulator's clock; null when none went out. */
  readonly answeredAt: string | null;
}

/** Query parameters whose values are secrets, and the kind shown instead. */
const SECRET_QUERY: Readonly<Record<string, string>> = {
  token: '[sessionToken]',
  sessionToken: '[sessionToken]',
  access_token: '[accessToken]',
  client_assertion: '[clientAssertion]',
  password: '[password]',
  id_token_hint: '[idToken]',
};

/** The journal's query of a request URL. */
export function journalQuery(url: string): Record<string, string> {
  const q = url.indexOf('?');
  const out: Record<string, string> = {};
  if (q < 0) return out;
  for (const [name, value] of new URLSearchParams(url.slice(q + 1)))
    out[name] = Object.hasOwn(SECRET_QUERY, name) ? (SECRET_QUERY[name] as string) : value;
  return out;
}

/** The kind of an `Authorization` header. */
export function credentialKind(
  header: string | undefined,
  tokenRequest: boolean,
): EmulatorRequest['credential'] {
  if (header === undefined || header.trim() === '')
    return tokenRequest ? 'clientAssertion' : 'none';
  const scheme = /^\s*(\S+)\s+\S/.exec(header)?.[1]?.toLowerCase();
  if (scheme === 'ssws') return 'apiToken';
  if (scheme === 'bearer') return 'bearer';
  if (scheme === 'dpop') return 'dpop';
  return 'other';
}

/**
 * A journal entry while its request is in flight: times as numbers (formatted only when a test
 * reads the journal, so the hot path stays cheap).
 */
export type JournalEntry = {
  -readonly [K in keyof EmulatorRequest]: K extends 'receivedAt'
    ? number
    : K extends 'answeredAt'
      ? number | null
      : EmulatorRequest[K];
};

/** Past this many entries the oldest are dropped (a long-running emulator must not grow forever). */
const MAX_ENTRIES = 10_000;

/** The requests of one emulator, oldest first. */
export class Journal {
  #entries: JournalEntry[] = [];

  /** Starts an entry; the caller fills in what it learns until the answer is complete. */
  open(entry: JournalEntry): JournalEntry {
    this.#entries.push(entry);
    // Trimmed in batches: dropping one entry per request would move 10 000 of them each time.
    if (this.#entries.length >= 2 * MAX_ENTRIES) this.#entries.splice(0, MAX_ENTRIES);
    return entry;
  }

  /** The last {@link MAX_ENTRIES} entries as copies, so that a test's view does not change under it. */
  list(): EmulatorRequest[] {
    return this.#entries.slice(-MAX_ENTRIES).map((e) => ({
      ...e,
      query: { ...e.query },
      receivedAt: new Date(e.receivedAt).toISOString(),
      answeredAt: e.answeredAt === null ? null : new Date(e.answeredAt).toISOString(),
    }));
  }

  clear(): void {
    this.#entries = [];
  }
}
