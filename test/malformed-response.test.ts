// A server that answers with malformed HTTP echoing the request's secrets: the OktaNetworkError
// keeps the transport error's code and message in `cause`, never the server's bytes (undici's
// HTTPParserError carries them in `data`).

import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';

import { OktaNetworkError, OktaSessions } from '../src/index.js';

const API_TOKEN = 'tok-echoed-by-a-broken-server';
const SESSION_TOKEN = 'st-echoed-by-a-broken-server';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** Reads each request and answers with a broken header line followed by the request itself. */
async function echoingBrokenServer(): Promise<string> {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (request: Buffer) => {
      socket.end(
        Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nBad\u0001Header: x\r\n'), request]),
      );
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** Every string and byte sequence reachable from the error, its causes and their properties. */
function everythingIn(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (value instanceof Uint8Array) return [Buffer.from(value).toString('latin1')];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.getOwnPropertyNames(value).flatMap((key) =>
    everythingIn((value as Record<string, unknown>)[key], seen),
  );
}

test('the cause carries code and message, not the echoed bytes', async () => {
  const orgUrl = await echoingBrokenServer();
  const okta = new OktaSessions({ orgUrl, apiToken: API_TOKEN, retry: { maxRetries: 0 } });
  const err = await okta.createSession({ sessionToken: SESSION_TOKEN }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OktaNetworkError);
  const cause = (err as Error).cause as { code?: string; message?: string };
  expect(cause.message).toContain('does not match the HTTP/1.1 protocol');
  expect(cause).not.toHaveProperty('data');
  const shown = [inspect(err, { depth: 10, showHidden: true }), ...everythingIn(err)].join('\n');
  expect(shown).not.toContain(API_TOKEN);
  expect(shown).not.toContain(SESSION_TOKEN);
});
