// The two Classic Engine endpoints that get a user from a password to a session without any
// admin credential: `POST /api/v1/authn` (password → one-time session token) and
// `GET /login/sessionCookieRedirect` (session token → the browser's `sid` cookie). They are not
// part of the Sessions spec; spec/okta-authn.yaml describes the subset served here.
import { validateHeaderValue } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isoDate } from './clock.js';
import type { Cors } from './cors.js';
import { readJsonObject, type Exchange, type Responder } from './http.js';
import type { SessionStore } from './store.js';

/** What the two endpoints work with. */
export interface AuthnDeps {
  readonly store: SessionStore;
  readonly responder: Responder;
  readonly cors: Cors;
  readonly maxBodyBytes: number;
  /** The emulator's own origin (`publicUrl`, default the listen URL), known once it listens. */
  readonly ownOrigin: () => string;
}

/** The Authentication API's answer to a successful primary authentication. */
interface AuthnSuccess {
  readonly expiresAt: string;
  readonly status: 'SUCCESS';
  readonly sessionToken: string;
  readonly _embedded: {
    readonly user: {
      readonly id: string;
      readonly profile: {
        readonly login: string;
        readonly locale: string;
        readonly timeZone: string;
      };
    };
  };
}

/** True when `value` can be sent as a header value (no CR, LF, NUL or other control bytes). */
function sendable(name: string, value: string): boolean {
  try {
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Handlers of `POST /api/v1/authn` and `GET /login/sessionCookieRedirect`. */
export function createAuthnHandlers({
  store,
  responder,
  cors,
  maxBodyBytes,
  ownOrigin,
}: AuthnDeps) {
  return {
    async authn(ex: Exchange): Promise<void> {
      const body = await readJsonObject(ex, responder, maxBodyBytes);
      if (body === undefined) return;
      const { username, password } = body;
      const invalid = [
        ...(typeof username === 'string' && username !== ''
          ? []
          : [{ errorSummary: 'username: The field cannot be left blank' }]),
        ...(typeof password === 'string'
          ? []
          : [{ errorSummary: 'password: The field cannot be left blank' }]),
      ];
      if (invalid.length > 0) {
        responder.error(ex, 'E0000001', 'Api validation failed: authRequest', invalid);
        return;
      }
      const user = store.authenticate(username as string, password as string);
      if (user === undefined) {
        responder.error(ex, 'E0000004');
        return;
      }
      const issued = store.issue({ login: user.login, userId: user.userId });
      const answer: AuthnSuccess = {
        expiresAt: isoDate(issued.expiresAt),
        status: 'SUCCESS',
        sessionToken: issued.token,
        _embedded: {
          user: {
            id: user.userId,
            profile: { login: user.login, locale: 'en_US', timeZone: 'America/Los_Angeles' },
          },
        },
      };
      responder.json(ex, 200, JSON.stringify(answer));
    },

    sessionCookieRedirect(ex: Exchange): void {
      const query = new URL(ex.req.url ?? '/', 'http://emulator.invalid').searchParams;
      const token = query.get('token');
      const redirectUrl = query.get('redirectUrl');
      const target = redirectUrl === null ? undefined : originOf(redirectUrl);
      const secure = (ex.req.socket as Partial<TLSSocket>).encrypted === true;
      // The emulator's own origin is what it was told (publicUrl), never the Host header,
      // which the client chooses.
      // A URL parser drops CR, LF and tabs, so the origin can look fine while the Location
      // header could never be written: refused here, before the token is spent.
      const trusted =
        target !== undefined &&
        (cors.allows(target) || target === ownOrigin()) &&
        sendable('Location', redirectUrl as string);
      // Checked before the token is spent: a refused redirect leaves the token usable.
      if (!trusted) {
        responder.error(ex, 'E0000001', 'Api validation failed: redirectUrl', [
          {
            errorSummary:
              'redirectUrl: must be an absolute URL on a trusted origin (corsOrigins) or on the emulator itself',
          },
        ]);
        return;
      }
      if (token === null || token === '') {
        responder.error(ex, 'E0000001', 'Api validation failed: token', [
          { errorSummary: 'token: The field cannot be left blank' },
        ]);
        return;
      }
      const user = store.redeemToken(token, ex.now);
      if (user === undefined) {
        responder.error(ex, 'E0000004');
        return;
      }
      const record = store.create(user, ex.now);
      // Browsers only send a cross-site cookie marked SameSite=None, which needs Secure; over
      // plain http the browser's default (Lax) applies.
      ex.cookie = secure
        ? `sid=${record.id}; Path=/; Secure; HttpOnly; SameSite=None`
        : `sid=${record.id}; Path=/; HttpOnly`;
      responder.empty(ex, 302, ['Location', redirectUrl as string, 'Content-Length', '0']);
    },
  };
}
