// In-memory state: outstanding one-time session tokens and live sessions.
import { newOktaId, newSessionId, newSessionToken } from './ids.js';
import { sessionView, type SessionRecord } from './session-view.js';

/** Who a session token was issued for. */
export interface TokenUser {
  readonly login: string;
  readonly userId: string;
}

interface TokenRecord extends TokenUser {
  readonly expiresAt: number;
}

/** Settings the store needs. */
export interface StoreConfig {
  readonly sessionTtlMs: number;
  readonly sessionTokenTtlMs: number;
  readonly orgId: string;
  readonly now: () => number;
  /** The emulator's base URL, known once the server listens. */
  readonly baseUrl: () => string;
}

/** Sessions and session tokens. Expired entries are dropped when next looked at. */
export class SessionStore {
  readonly #config: StoreConfig;
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #userIds = new Map<string, string>();
  #userCount = 0;

  constructor(config: StoreConfig) {
    this.#config = config;
  }

  /** Issues a one-time session token; the same login always maps to the same user id. */
  issueToken(input: { login?: string | undefined; userId?: string | undefined } = {}): string {
    const login = input.login ?? `user${++this.#userCount}@example.com`;
    let userId = input.userId ?? this.#userIds.get(login);
    if (userId === undefined) userId = newOktaId('00u');
    this.#userIds.set(login, userId);
    const token = newSessionToken();
    const expiresAt = this.#config.now() + this.#config.sessionTokenTtlMs;
    this.#tokens.set(token, { login, userId, expiresAt });
    return token;
  }

  /** Consumes a session token: it is gone afterwards whatever the outcome. */
  redeemToken(token: string, now: number): TokenUser | undefined {
    const record = this.#tokens.get(token);
    if (record === undefined) return undefined;
    this.#tokens.delete(token);
    return now < record.expiresAt ? record : undefined;
  }

  /** Starts a session for `user` at `now`. */
  create(user: TokenUser, now: number): SessionRecord {
    let id = newSessionId();
    while (this.#sessions.has(id)) id = newSessionId();
    const record: SessionRecord = {
      id,
      login: user.login,
      userId: user.userId,
      createdAt: now,
      expiresAt: now + this.#config.sessionTtlMs,
      json: '',
    };
    this.#serialize(record);
    this.#sessions.set(id, record);
    return record;
  }

  /** The live session with this id at `now`, if any. */
  get(id: string, now: number): SessionRecord | undefined {
    const record = this.#sessions.get(id);
    if (record === undefined) return undefined;
    if (now >= record.expiresAt) {
      this.#sessions.delete(id);
      return undefined;
    }
    return record;
  }

  /** Pushes the expiry of a live session to `now` + TTL. */
  refresh(record: SessionRecord, now: number): void {
    record.expiresAt = now + this.#config.sessionTtlMs;
    this.#serialize(record);
  }

  /** Ends a session; true when it existed. */
  delete(id: string): boolean {
    return this.#sessions.delete(id);
  }

  #serialize(record: SessionRecord): void {
    record.json = JSON.stringify(sessionView(record, this.#config.baseUrl(), this.#config.orgId));
  }
}
