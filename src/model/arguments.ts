// What the operations take besides their ids: the public argument and per-call option types.

/**
 * Options every operation accepts as its last argument.
 *
 * @example
 * ```ts
 * await okta.getSession(id, { signal: AbortSignal.timeout(2_000), headers: { 'X-Trace': traceId } });
 * ```
 */
export interface CallOptions {
  /** Cancels the call, including any wait between retries; the call rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call, overriding the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Extra headers for this call; not credential, framing or hop-by-hop ones (`Host`, `Proxy-*`...). */
  headers?: Record<string, string>;
}

/**
 * The cookie of the user whose session a `/me` operation acts on.
 *
 * @example
 * ```ts
 * await okta.getCurrentSession({ cookie: req.headers.cookie });
 * ```
 */
export interface CurrentSessionArgs {
  /** The user's `sid=...` or `idx=...` cookie: required outside browsers (browsers send it themselves). */
  cookie?: string;
}

/**
 * What createSession takes.
 *
 * @example
 * ```ts
 * await okta.createSession({ sessionToken });
 * ```
 */
export interface CreateSessionArgs {
  /** The one-time session token from the Authentication API. */
  sessionToken: string;
}

/**
 * What revokeUserSessions takes besides the user's id: Okta's two query parameters. Each is
 * sent only when set, as `true` or `false`; left out, Okta applies its default.
 *
 * @example
 * ```ts
 * await okta.revokeUserSessions(session.userId, { oauthTokens: true, forgetDevices: false });
 * ```
 */
export interface RevokeUserSessionsArgs {
  /**
   * Also revoke the OpenID Connect and OAuth access and refresh tokens Okta issued to the user.
   * Okta's default: `false` (the tokens stay valid until they expire).
   */
  oauthTokens?: boolean | undefined;
  /**
   * Forget the factors the user's devices remember, on every device. Okta's default: `true` in
   * Identity Engine orgs, `false` in Classic Engine orgs.
   */
  forgetDevices?: boolean | undefined;
}
