// Responses in flight per connection. A pipelined client can send a valid request and a
// malformed one in the same packet: the parser fails on the second while the first is still
// being handled, and answering the failure at once would cut the first response off (and, for
// createSession, spend its single-use token for nothing).
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

const inFlight = new WeakMap<Socket, Set<IncomingMessage>>();
const onIdle = new WeakMap<Socket, () => void>();

/** Tracks the requests whose responses are in flight on each of `server`'s connections. */
export function trackResponses(server: Server): void {
  server.on('request', (req, res) => {
    const socket = req.socket;
    let pending = inFlight.get(socket);
    if (pending === undefined) inFlight.set(socket, (pending = new Set()));
    pending.add(req);
    res.once('close', () => {
      pending.delete(req);
      const then = pending.size === 0 ? onIdle.get(socket) : undefined;
      if (then !== undefined) {
        onIdle.delete(socket);
        then();
      }
    });
  });
}

/**
 * Runs `then` once no complete request awaits its response on `socket`: now, or when the last
 * response is sent. A request still missing part of its body is the one the parser failed on
 * (the client hung up mid-body, say): it will never complete, so nothing waits for it.
 */
export function whenIdle(socket: Socket, then: () => void): void {
  const pending = inFlight.get(socket);
  const waitFor = pending !== undefined && pending.size > 0;
  if (!waitFor || [...pending].some((req) => !req.complete)) then();
  else if (!onIdle.has(socket)) onIdle.set(socket, then);
}
