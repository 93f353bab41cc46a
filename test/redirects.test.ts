// No transport follows a redirect: a 3xx is an OktaApiError, and no credential, cookie or
// session token reaches the origin it points to. Two loopback servers, one redirecting to the
// other, through the Node transport, the `fetch` option and `okta.raw`.

import { OktaApiError, OktaSessions } from '../src/index.js';
import {
  closeAllScriptedServers,
  empty,
  sessionOk,
  startScriptedServer,
  type ScriptStep,
  type ScriptedServer,
} from './helpers/scripted-server.js';

const API_TOKEN = 'tok-must-stay-home';
const SESSION_TOKEN = 'st-single-use-secret';
const COOKIE = 'sid=cookie-must-stay-home';

afterEach(closeAllScriptedServers);

function redirectTo(target: ScriptedServer, status: number): ScriptStep {
  return ({ request, res }) =>
    empty(status, { headers: { Location: `${target.url}${request.url}` } })({ res } as never);
}

const transports = [
  ['the Node transport', undefined],
  ['the fetch option', globalThis.fetch],
] as const;

describe.each(transports)('through %s', (_name, fetch) => {
  test.each([307, 308])(
    'a %s on createSession and getCurrentSession is an OktaApiError',
    async (status) => {
      const elsewhere = await startScriptedServer([], { fallback: sessionOk('stolen') });
      const org = await startScriptedServer([], { fallback: redirectTo(elsewhere, status) });
      const okta = new OktaSessions({
        orgUrl: org.url,
        apiToken: API_TOKEN,
        ...(fetch ? { fetch } : {}),
      });
      const created = await okta
        .createSession({ sessionToken: SESSION_TOKEN })
        .catch((e: unknown) => e);
      expect(created).toBeInstanceOf(OktaApiError);
      expect((created as OktaApiError).status).toBe(status);
      const current = await okta.getCurrentSession({ cookie: COOKIE }).catch((e: unknown) => e);
      expect((current as OktaApiError).status).toBe(status);
      expect(org.attempts).toBe(2);
      expect(elsewhere.attempts).toBe(0);
    },
  );
});

describe('okta.raw', () => {
  test.each([307, 308])(
    'a %s is an OktaApiError, even when the call asks to follow',
    async (status) => {
      const elsewhere = await startScriptedServer([], { fallback: sessionOk('stolen') });
      const org = await startScriptedServer([], { fallback: redirectTo(elsewhere, status) });
      const okta = new OktaSessions({ orgUrl: org.url, apiToken: API_TOKEN });
      const plain = await okta.raw
        .POST('/api/v1/sessions', { body: { sessionToken: SESSION_TOKEN } })
        .catch((e: unknown) => e);
      expect((plain as OktaApiError).status).toBe(status);
      const follow = await okta.raw
        .GET('/api/v1/sessions/{sessionId}', {
          params: { path: { sessionId: 'abc' } },
          redirect: 'follow',
        })
        .catch((e: unknown) => e);
      expect((follow as OktaApiError).status).toBe(status);
      expect(org.attempts).toBe(2);
      expect(elsewhere.attempts).toBe(0);
    },
  );
});
