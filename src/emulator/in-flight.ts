// Responses in flight per connection. A pipelined client can send a valid request and a
// malformed one in the same packet: the parser fails on the second while the first is still
// being handled, and answering the failure at once would cut the first response off (and, for
// createSession, spend its single-use token for nothing).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

const inFlight = new WeakMap<Socket, number>();
const onIdle = new WeakMap<Socket, () => void>();

/** Counts the responses in flight on each of `server`'s connections. */
export function trackResponses(server: Server): void {
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      const then = left === 0 ? onIdle.get(socket) : undefined;
      if (then !== undefined) {
        onIdle.delete(socket);
        then();
      }
    });
  });
}

/** Runs `then` once no response is in flight on `socket`: now, or when the last one is sent. */
export function whenIdle(socket: Socket, then: () => void): void {
  if ((inFlight.get(socket) ?? 0) === 0) then();
  else if (!onIdle.has(socket)) onIdle.set(socket, then);
}
