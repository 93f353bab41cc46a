// The operations of the spec. Credentials and rate limits are checked before a handler runs; a handler
// only deals with the request body, the session store and the answer. Success statuses come
// from the spec's operations.
import { operations, type OperationId } from '../../generated/operations.js';
import { cookieValues, readJsonObject, type Exchange, type Responder } from './http.js';
import type { SessionRecord } from './session-view.js';
import type { SessionStore } from './store.js';

/** Runs one operation; `params` are the decoded path parameters in template order. */
export type Handler = (ex: Exchange, params: readonly string[]) => void | Promise<void>;

/**
 * One revokeUserSessions request as the emulator served it: the user id and the two query
 * parameters exactly as sent. The emulator issues no OAuth tokens to users and remembers no
 * devices, so it records them and models neither.
 *
 * @example
 * ```ts
 * await okta.revokeUserSessions(session.userId, { oauthTokens: true });
 * expect(emu.userSessionsRevocations().at(-1)?.oauthTokens).toBe('true');
 * ```
 */
export interface UserSessionsRevocation {
  /** The user id from the path. */
  readonly userId: string;
  /** The `oauthTokens` query parameter as sent (`'true'`, `'false'`, ...), or undefined when left out. */
  readonly oauthTokens: string | undefined;
  /** The `forgetDevices` query parameter as sent, or undefined when left out. */
  readonly forgetDevices: string | undefined;
  /** How many sessions of the user it ended. */
  readonly ended: number;
}

/** What the handlers work with. */
export interface HandlerDeps {
  readonly store: SessionStore;
  readonly responder: Responder;
  readonly maxBodyBytes: number;
  /** Where revokeUserSessions records each request it served. */
  readonly revocations: UserSessionsRevocation[];
}

/** Session cookies the `/me` operations read: Classic Engine `sid`, then Identity Engine `idx`. */
const SESSION_COOKIES = ['sid', 'idx'] as const;

// Okta's own wording: a session looked up by id is an "AppSession", the cookie's one a "Session".
function summaryFor(id: string): string {
  const shown = id.length > 100 ? id.slice(0, 100) + '…' : id;
  return `Not found: Resource not found: ${shown} (AppSession)`;
}
const ME_NOT_FOUND = 'Not found: Resource not found: me (Session)';
const userNotFound = (id: string) =>
  `Not found: Resource not found: ${id.length > 100 ? id.slice(0, 100) + '…' : id} (User)`;

/** A query parameter of the request as sent (the last one when repeated), or undefined. */
function queryParam(ex: Exchange, name: string): string | undefined {
  const url = ex.req.url ?? '';
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).getAll(name).at(-1);
}

/** The handler of every operation of the spec (the type makes a missing one a compile error). */
export function createHandlers({
  store,
  responder,
  maxBodyBytes,
  revocations,
}: HandlerDeps): Record<OperationId, Handler> {
  const byId = (ex: Exchange, params: readonly string[]): SessionRecord | undefined => {
    const id = params[0] ?? '';
    const record = store.get(id, ex.now);
    if (record === undefined) responder.error(ex, 'E0000007', summaryFor(id));
    return record;
  };

  const byCookie = (ex: Exchange): SessionRecord | undefined => {
    for (const id of cookieValues(ex.req.headers.cookie, SESSION_COOKIES)) {
      const record = store.get(id, ex.now);
      if (record !== undefined) return record;
    }
    responder.error(ex, 'E0000007', ME_NOT_FOUND);
    return undefined;
  };

  return {
    async createSession(ex) {
      const parsed = await readJsonObject(ex, responder, maxBodyBytes);
      if (parsed === undefined) return;
      const token: unknown = parsed['sessionToken'];
      if (typeof token !== 'string' || token === '') {
        responder.error(ex, 'E0000001', 'Api validation failed: sessionToken', [
          {
            errorSummary:
              token === undefined || token === ''
                ? 'sessionToken: The field cannot be left blank'
                : 'sessionToken: The value must be a string',
          },
        ]);
        return;
      }
      const user = store.redeemToken(token, ex.now);
      if (user === undefined) {
        responder.error(ex, 'E0000004');
        return;
      }
      const record = store.create(user, ex.now);
      // Real Okta sets no `sid` here (only the clearing cookie of every API-token call) and
      // links the new session with its `/me` links.
      responder.json(ex, operations.createSession.successStatus, record.meJson);
    },

    getSession(ex, params) {
      const record = byId(ex, params);
      if (record) responder.json(ex, operations.getSession.successStatus, record.json);
    },

    refreshSession(ex, params) {
      const record = byId(ex, params);
      if (record === undefined) return;
      store.refresh(record, ex.now);
      ex.cookie = `sid=${record.id};Version=1;Path=/;Secure`;
      responder.json(ex, operations.refreshSession.successStatus, record.json);
    },

    revokeSession(ex, params) {
      const record = byId(ex, params);
      if (record === undefined) return;
      store.delete(record.id);
      responder.empty(ex, operations.revokeSession.successStatus);
    },

    revokeUserSessions(ex, params) {
      const userId = params[0] ?? '';
      if (!store.knowsUser(userId)) {
        responder.error(ex, 'E0000007', userNotFound(userId));
        return;
      }
      revocations.push({
        userId,
        oauthTokens: queryParam(ex, 'oauthTokens'),
        forgetDevices: queryParam(ex, 'forgetDevices'),
        ended: store.deleteUserSessions(userId),
      });
      responder.empty(ex, operations.revokeUserSessions.successStatus);
    },

    getCurrentSession(ex) {
      const record = byCookie(ex);
      if (record) responder.json(ex, operations.getCurrentSession.successStatus, record.meJson);
    },

    refreshCurrentSession(ex) {
      const record = byCookie(ex);
      if (record === undefined) return;
      store.refresh(record, ex.now);
      responder.json(ex, operations.refreshCurrentSession.successStatus, record.meJson);
    },

    closeCurrentSession(ex) {
      const record = byCookie(ex);
      if (record === undefined) return;
      store.delete(record.id);
      ex.cookie = 'sid=; Path=/; HttpOnly; Max-Age=0';
      responder.empty(ex, operations.closeCurrentSession.successStatus);
    },
  };
}
