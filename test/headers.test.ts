// Headers a client must not set (framing, hop-by-hop, proxy and credential headers) are
// rejected with a clear error: in the constructor, and per call before any I/O.

import { OktaConfigError, OktaSessions, OktaValidationError } from '../src/index.js';
import {
  closeAllScriptedServers,
  sessionOk,
  startScriptedServer,
} from './helpers/scripted-server.js';

afterEach(closeAllScriptedServers);

const NOT_ALLOWED = [
  'Host',
  'Content-Length',
  'transfer-encoding',
  'Connection',
  'Keep-Alive',
  'Upgrade',
  'Expect',
  'TE',
  'Trailer',
  'Proxy-Authorization',
  'Proxy-Connection',
  'Authorization',
  'Cookie',
];

test.each(NOT_ALLOWED)(
  '%s: rejected by the constructor and per call, before any I/O',
  async (name) => {
    const server = await startScriptedServer([], { fallback: sessionOk() });
    const options = { orgUrl: server.url, apiToken: 'tok-headers' };
    expect(() => new OktaSessions({ ...options, headers: { [name]: 'x' } })).toThrow(
      new RegExp(`headers must not set ${name}`),
    );
    expect(() => new OktaSessions({ ...options, headers: { [name]: 'x' } })).toThrow(
      OktaConfigError,
    );
    const okta = new OktaSessions(options);
    const err = await okta.getSession('abc', { headers: { [name]: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaValidationError);
    expect((err as Error).message).toContain(`${name} cannot be set per call`);
    expect(server.attempts).toBe(0);
    expect(server.connections).toBe(0);
  },
);

test('ordinary extra headers still go out', async () => {
  const server = await startScriptedServer([sessionOk()]);
  const okta = new OktaSessions({
    orgUrl: server.url,
    apiToken: 'tok-headers',
    headers: { 'X-Client': 'a' },
  });
  await okta.getSession('abc', { headers: { 'X-Trace': 'b', Accept: 'application/json' } });
  expect(server.requests[0]!.headers['x-client']).toBe('a');
  expect(server.requests[0]!.headers['x-trace']).toBe('b');
  expect(server.requests[0]!.headers['accept']).toBe('application/json');
});
