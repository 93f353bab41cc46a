// The request pipeline: route (from the spec), CORS preflight, rate limit, credentials, handler.
// Nothing a client sends can throw out of here: failures become Okta-shaped error responses.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { CredentialChecker } from './credential-check.js';
import type { Cors } from './cors.js';
import type { Handler } from './handlers.js';
import type { Exchange, Responder } from './http.js';
import type { FixedWindowLimiter } from './fixed-window-limiter.js';
import type { Router } from './router.js';
import type { OperationId } from '../../generated/operations.js';

/** Everything the pipeline needs. */
export interface PipelineDeps {
  readonly router: Router;
  readonly handlers: Readonly<Record<OperationId, Handler>>;
  readonly credentialChecker: CredentialChecker;
  readonly limiter: FixedWindowLimiter;
  readonly cors: Cors;
  readonly responder: Responder;
  readonly now: () => number;
  readonly nextRequestId: () => string;
}

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
    credentialChecker,
    limiter,
    cors,
    responder,
    now: clock,
    nextRequestId,
  } = deps;

  const fail = (ex: Exchange) => {
    if (ex.res.headersSent) ex.res.destroy();
    else responder.error(ex, 'E0000009');
  };

  const handle = (ex: Exchange): void | Promise<void> => {
    const { req } = ex;
    const method = req.method ?? 'GET';
    const pathname = pathOf(req.url ?? '/');
    const match = router.match(pathname);
    const origin = req.headers.origin;

    if (match !== undefined && match.route.cookieOnly && cors.allows(origin)) {
      if (method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        limiter.peek(ex.now);
        const requested = req.headers['access-control-request-headers'];
        ex.extra = cors.preflightHeaders(origin, match.route.allow, requested);
        responder.empty(ex, 204);
        return;
      }
      ex.extra = cors.responseHeaders(origin);
    }

    if (!limiter.take(ex.now)) {
      responder.error(ex, 'E0000047');
      return;
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
    const outcome = credentialChecker.check(id, req.headers.authorization);
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
      ex = { req, res, now: clock(), requestId: nextRequestId(), extra: undefined };
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

/** Answers requests the HTTP parser rejected with an Okta-shaped 400 and closes the socket. */
export function handleClientErrors(server: Server, deps: PipelineDeps): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    try {
      const now = deps.now();
      deps.limiter.peek(now);
      socket.end(deps.responder.raw(now, deps.nextRequestId(), 'E0000003'));
    } catch {
      socket.destroy();
    }
  });
}
