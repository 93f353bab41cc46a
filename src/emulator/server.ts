// The request pipeline: route (the spec's operations, then the Authentication API endpoints),
// CORS preflight, concurrency cap, rate-limit bucket, credentials, handler. Nothing a client
// sends can throw out of here: failures become Okta-shaped error responses.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parseAuthorization, type CredentialChecker } from './credential-check.js';
import type { Cors } from './cors.js';
import type { Handler } from './handlers.js';
import type { OAuthServer } from './oauth-token.js';
import { trackResponses, whenIdle } from './in-flight.js';
import type { Exchange, Responder } from './http.js';
import type { BucketName, ConcurrencyGate, RateLimitBucket } from './rate-limit-buckets.js';
import type { Router } from './router.js';
import type { OperationId } from '../../generated/operations.js';
import { ADMIN_PREFIX } from './admin.js';
import { cookieValues } from './http.js';
import type { EmulatorFaultAction, FaultBook } from './faults.js';
import {
  delayAnswer,
  malformAnswer,
  resetConnection,
  resetInsteadOfAnswer,
} from './fault-effects.js';
import { TOKEN_PATH } from './oauth-token.js';
import type { OktaErrorCode } from './errors.js';
import { credentialKind, journalQuery, type Journal } from './journal.js';

/** A path served outside the Sessions spec (the Authentication API's endpoints). */
export interface ExtraRoute {
  /** The name faults and the journal know it by (Okta's operation id where it has one). */
  readonly operationId: string;
  readonly byMethod: ReadonlyMap<string, (ex: Exchange) => void | Promise<void>>;
  readonly bucket: BucketName;
  /** True when configured origins may call it with credentials (CORS). */
  readonly cors: boolean;
}

/** Everything the pipeline needs. */
export interface PipelineDeps {
  readonly router: Router;
  readonly handlers: Readonly<Record<OperationId, Handler>>;
  readonly extraRoutes: ReadonlyMap<string, ExtraRoute>;
  readonly credentialChecker: CredentialChecker;
  /** The org authorization server, when service apps are registered. */
  readonly oauth?: OAuthServer | undefined;
  readonly buckets: Readonly<Record<BucketName, RateLimitBucket>>;
  readonly concurrency: ConcurrencyGate;
  readonly cors: Cors;
  readonly responder: Responder;
  readonly now: () => number;
  /** The clock without the test's advances, for signed JWTs (see Exchange.signedNow). */
  readonly signedNow: () => number;
  readonly nextRequestId: () => string;
  /** Scripted faults. */
  readonly faults: FaultBook;
  /** Where every request (but the admin API's) is recorded. */
  readonly journal: Journal;
  /** The user a live session belongs to, for faults aimed at a user. */
  readonly sessionOwner: (sessionId: string) => string | undefined;
  /** The admin API, present only when the emulator has an admin token. */
  readonly admin?:
    ((req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>) | undefined;
}

/** The error code a `status` fault answers with (502/503/504: Okta's 500 body, see docs). */
const FAULT_CODES: Readonly<Record<number, OktaErrorCode>> = {
  401: 'E0000011',
  403: 'E0000006',
  404: 'E0000007',
  429: 'E0000047',
  500: 'E0000009',
  502: 'E0000009',
  503: 'E0000009',
  504: 'E0000009',
};

/** The cookie Okta sends on every API-token call, whatever the outcome. */
const CLEAR_SID = 'sid="";Version=1;Path=/;Max-Age=0';
/** Okta answers this path (the collection with a trailing slash) 405, before its API layer. */
const SESSIONS_SLASH = '/api/v1/sessions/';

function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path.charCodeAt(0) === 47 /* / */) return path;
  try {
    return new URL(path).pathname; // absolute-form request target
  } catch {
    return path;
  }
}

function shorten(text: string): string {
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

/** The `request` listener of the emulator's server. */
export function createPipeline(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const {
    router,
    handlers,
    extraRoutes,
    credentialChecker,
    buckets,
    concurrency,
    cors,
    responder,
    now: clock,
    nextRequestId,
    faults,
  } = deps;

  /** Acts on a fault; true when it answered (or dropped) the request. */
  const actOn = (
    ex: Exchange,
    action: EmulatorFaultAction,
    bucket: RateLimitBucket,
    pathname: string,
  ): boolean => {
    switch (action.kind) {
      case 'status': {
        bucket.peek(ex.now);
        if (action.status === 429) {
          // A spent window that resets `resetSeconds` after the Date header's second.
          const reset = Math.floor(ex.now / 1000) + (action.resetSeconds ?? 1);
          ex.bucket = { limitText: bucket.limitText, remaining: '0', reset: String(reset) };
        }
        responder.errorAs(ex, action.status, FAULT_CODES[action.status] as OktaErrorCode);
        return true;
      }
      case 'concurrency':
        bucket.peek(ex.now);
        ex.overConcurrency = true;
        responder.error(ex, 'E0000047');
        return true;
      case 'reset':
        if (action.phase === 'after-read') {
          resetInsteadOfAnswer(ex.res);
          return false;
        }
        resetConnection(ex.req.socket);
        return true;
      case 'delay':
        delayAnswer(ex.res, action.ms, action.phase ?? 'headers');
        return false;
      case 'malformed-body':
        malformAnswer(ex.res);
        return false;
      case 'access-token':
        bucket.peek(ex.now);
        deps.oauth?.refuseToken(ex, action.state);
        return true;
      case 'dpop-nonce':
        bucket.peek(ex.now);
        deps.oauth?.nonceChallenge(ex, pathname === TOKEN_PATH);
        return true;
    }
  };

  const fail = (ex: Exchange) => {
    if (ex.res.headersSent) ex.res.destroy();
    else responder.error(ex, 'E0000009');
  };

  const handle = (ex: Exchange): void | Promise<void> => {
    const { req } = ex;
    const method = req.method ?? 'GET';
    const pathname = pathOf(req.url ?? '/');
    if (deps.admin !== undefined && pathname.startsWith(ADMIN_PREFIX))
      return deps.admin(req, ex.res, pathname);
    const entry = deps.journal.open({
      operationId: null,
      method,
      path: shorten(pathname),
      query: journalQuery(req.url ?? ''),
      credential: credentialKind(req.headers.authorization, pathname === TOKEN_PATH),
      dpopProof: req.headers['dpop'] !== undefined,
      cookie: req.headers.cookie !== undefined,
      status: null,
      fault: null,
      requestId: ex.requestId,
      receivedAt: ex.now,
      answeredAt: null,
    });
    // Only a finished answer counts: a reset connection or a client that left has none.
    ex.res.once('finish', () => {
      entry.status = ex.res.statusCode;
      entry.answeredAt = clock();
    });
    if (pathname === SESSIONS_SLASH) {
      responder.bareError(ex, 'E0000022');
      return;
    }
    const match = router.match(pathname);
    const extra = match === undefined ? extraRoutes.get(pathname) : undefined;
    const bucket = buckets[match !== undefined ? match.route.bucket : (extra?.bucket ?? 'other')];
    ex.bucket = bucket;
    const credential = parseAuthorization(req.headers.authorization);
    if (credentialChecker.isApiToken(credential)) ex.cookie = CLEAR_SID;
    const origin = req.headers.origin;

    const corsAllowed = match !== undefined ? match.route.cookieOnly : extra?.cors === true;
    if (corsAllowed && cors.allows(origin)) {
      if (method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        bucket.peek(ex.now);
        const requested = req.headers['access-control-request-headers'];
        const allow =
          match !== undefined ? match.route.allow : [...extra!.byMethod.keys()].join(', ');
        ex.extra = cors.preflightHeaders(origin, allow, requested);
        responder.empty(ex, 204);
        return;
      }
      ex.extra = cors.responseHeaders(origin);
    }

    const operationId =
      match !== undefined
        ? match.route.byMethod.get(method)
        : extra?.byMethod.has(method)
          ? extra.operationId
          : undefined;
    entry.operationId = operationId ?? null;
    if (match !== undefined) entry.path = match.route.template;
    const action = faults.empty
      ? undefined
      : faults.take({
          operationId,
          method,
          template: match?.route.template,
          pathname,
          about: () => {
            const template = match?.route.template ?? '';
            const param = match?.params[0];
            const sessionIds =
              match === undefined
                ? []
                : match.route.cookieOnly
                  ? cookieValues(req.headers.cookie, ['sid', 'idx'])
                  : template.includes('{sessionId}') && param !== undefined
                    ? [param]
                    : [];
            const userId = template.includes('{userId}')
              ? param
              : sessionIds.map((id) => deps.sessionOwner(id)).find((u) => u !== undefined);
            return { userId, sessionIds };
          },
        });
    if (action !== undefined) {
      entry.fault = action.kind;
      if (actOn(ex, action, bucket, pathname)) return;
    }

    if (concurrency.capped) {
      if (!concurrency.enter()) {
        bucket.peek(ex.now);
        ex.overConcurrency = true;
        responder.error(ex, 'E0000047');
        return;
      }
      ex.res.once('close', () => concurrency.release());
    }

    if (!bucket.take(ex.now)) {
      responder.error(ex, 'E0000047');
      return;
    }
    if (extra !== undefined) {
      const handler = extra.byMethod.get(method);
      if (handler === undefined) {
        const allow = [...extra.byMethod.keys()].join(', ');
        responder.error(ex, 'E0000022', undefined, undefined, ['Allow', allow]);
        return;
      }
      return handler(ex);
    }
    if (match === undefined) {
      responder.error(ex, 'E0000007', `Not found: Resource not found: ${shorten(pathname)} (URI)`);
      return;
    }
    const id = match.route.byMethod.get(method);
    if (id === undefined) {
      responder.error(ex, 'E0000022', undefined, undefined, ['Allow', match.route.allow]);
      return;
    }
    // Tokens the emulator's authorization server issued (DPoP-bound or Bearer) are its to check.
    const issued = match.route.cookieOnly ? undefined : deps.oauth?.authorize(ex, id, pathname);
    if (issued === 'answered') return;
    if (issued === 'ok') return handlers[id](ex, match.params);
    const outcome = credentialChecker.check(id, credential);
    if (outcome === 'malformed') {
      responder.error(ex, 'E0000005');
      return;
    }
    if (outcome === 'unauthenticated') {
      responder.error(ex, 'E0000011');
      return;
    }
    if (outcome === 'forbidden') {
      responder.error(ex, 'E0000006');
      return;
    }
    return handlers[id](ex, match.params);
  };

  return (req, res) => {
    let ex: Exchange | undefined;
    try {
      ex = {
        req,
        res,
        now: clock(),
        signedNow: deps.signedNow(),
        requestId: nextRequestId(),
        bucket: buckets.other,
        overConcurrency: false,
        cookie: undefined,
        extra: undefined,
      };
      const pending = handle(ex);
      if (pending !== undefined) {
        const current = ex;
        pending.catch(() => fail(current));
      }
    } catch {
      if (ex !== undefined) fail(ex);
      else res.destroy();
    }
  };
}

/**
 * Answers requests the HTTP parser rejected with an Okta-shaped 400 and closes the socket,
 * once every response in flight on that socket has been sent.
 */
export function handleClientErrors(server: Server, deps: PipelineDeps): void {
  trackResponses(server);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // The peer closed mid-request (HPE_INVALID_EOF_STATE): the request in flight can never
    // finish, so waiting for it would hold its concurrency slot forever. Nobody reads an answer.
    if (err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      socket.destroy();
      return;
    }
    // The answer waits for the responses already in flight, which are never cut off.
    whenIdle(socket, () => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      try {
        const now = deps.now();
        deps.buckets.other.peek(now);
        socket.end(deps.responder.raw(now, deps.nextRequestId(), deps.buckets.other, 'E0000003'));
      } catch {
        socket.destroy();
      }
    });
  });
}
