// In-memory state: users who can sign in, outstanding one-time session tokens and live sessions.
import { timingSafeEqual } from 'node:crypto';
import { newOktaId, newSessionId, newSessionToken } from './ids.js';
import { sessionView, type SessionRecord } from './session-view.js';

/** A user who can sign in with the Authentication API. */
export interface StoredUser {
  readonly login: string;
  readonly password: string;
  readonly userId: string;
}

/** Who a session token was issued for. */
export interface TokenUser {
  readonly login: string;
  readonly userId: string;
}

/** A session token as issued: for whom and until when. */
export interface IssuedToken extends TokenUser {
  readonly token: string;
  readonly expiresAt: number;
}

type TokenRecord = Omit<IssuedToken, 'token'>;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
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
  readonly #users = new Map<string, StoredUser>();
  /** Every user id the store has handed out: `users`, and the logins session tokens were issued for. */
  readonly #knownUserIds = new Set<string>();
  #userCount = 0;

  constructor(config: StoreConfig) {
    this.#config = config;
  }

  /** Adds a user who can sign in; logins are unique, compared case-insensitively as Okta does. */
  addUser(input: { login: string; password: string; userId?: string | undefined }): void {
    const key = input.login.toLowerCase();
    if (this.#users.has(key)) throw new RangeError(`users: duplicate login ${input.login}`);
    const userId = input.userId ?? this.#userIds.get(input.login) ?? newOktaId('00u');
    this.#userIds.set(input.login, userId);
    this.#knownUserIds.add(userId);
    this.#users.set(key, { login: input.login, password: input.password, userId });
  }

  /** The user with this login and password, or undefined (wrong login or wrong password alike). */
  authenticate(login: string, password: string): StoredUser | undefined {
    const user = this.#users.get(login.toLowerCase());
    // Compare even for an unknown login, so the answer's timing does not tell which was wrong.
    const ok = sameText(user?.password ?? '\u0000', password);
    return user !== undefined && ok ? user : undefined;
  }

  /** Issues a one-time session token; the same login always maps to the same user id. */
  issueToken(input: { login?: string | undefined; userId?: string | undefined } = {}): string {
    return this.issue(input).token;
  }

  /** Like {@link issueToken}, with the token's user and expiry. */
  issue(input: { login?: string | undefined; userId?: string | undefined } = {}): IssuedToken {
    const login = input.login ?? `user${++this.#userCount}@example.com`;
    let userId = input.userId ?? this.#userIds.get(login);
    if (userId === undefined) userId = newOktaId('00u');
    this.#userIds.set(login, userId);
    this.#knownUserIds.add(userId);
    const token = newSessionToken();
    const expiresAt = this.#config.now() + this.#config.sessionTokenTtlMs;
    this.#tokens.set(token, { login, userId, expiresAt });
    return { token, login, userId, expiresAt };
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
    // Okta keeps whole seconds.
    const createdAt = Math.floor(now / 1000) * 1000;
    const record: SessionRecord = {
      id,
      login: user.login,
      userId: user.userId,
      createdAt,
      expiresAt: createdAt + this.#config.sessionTtlMs,
      json: '',
      meJson: '',
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

  /**
   * Pushes the expiry of a live session to `now` + TTL (whole seconds). Okta promises only that
   * the expiry does not move backwards, so it never does here either.
   */
  refresh(record: SessionRecord, now: number): void {
    const next = Math.floor(now / 1000) * 1000 + this.#config.sessionTtlMs;
    record.expiresAt = Math.max(record.expiresAt, next);
    this.#serialize(record);
  }

  /** Forgets every session and session token; the users who can sign in stay. */
  reset(): void {
    this.#sessions.clear();
    this.#tokens.clear();
  }

  /** The user of a stored session (live or not yet swept), without touching it. */
  userOf(id: string): string | undefined {
    return this.#sessions.get(id)?.userId;
  }

  /** Ends a session; true when it existed. */
  delete(id: string): boolean {
    return this.#sessions.delete(id);
  }

  /** True when the store ever handed out this user id (a user of `users`, or a token's user). */
  knowsUser(userId: string): boolean {
    return this.#knownUserIds.has(userId);
  }

  /** Ends every session of a user, and no other; returns how many there were. */
  deleteUserSessions(userId: string): number {
    let ended = 0;
    for (const [id, record] of this.#sessions) {
      if (record.userId !== userId) continue;
      this.#sessions.delete(id);
      ended++;
    }
    return ended;
  }

  #serialize(record: SessionRecord): void {
    const { orgId } = this.#config;
    const baseUrl = this.#config.baseUrl();
    record.json = JSON.stringify(sessionView(record, baseUrl, orgId, 'byId'));
    record.meJson = JSON.stringify(sessionView(record, baseUrl, orgId, 'me'));
  }
}
