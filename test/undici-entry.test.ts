// The Node transport loads undici's Pool from its file for a lighter first request, and falls
// back to undici's public entry should a release move that file.

import {
  sessionOk,
  startScriptedServer,
  closeAllScriptedServers,
} from './helpers/scripted-server.js';

afterEach(closeAllScriptedServers);

test('a moved Pool file falls back to the public entry', async () => {
  const server = await startScriptedServer([sessionOk('via-public-entry')]);
  let OktaSessions: typeof import('../src/index.js').OktaSessions | undefined;
  jest.isolateModules(() => {
    // Virtual: only this specifier fails; undici's own require of the file still works.
    jest.doMock(
      'undici/lib/dispatcher/pool.js',
      () => {
        throw new Error("Cannot find module 'undici/lib/dispatcher/pool.js'");
      },
      { virtual: true },
    );
    ({ OktaSessions } = require('../src/index.ts') as typeof import('../src/index.js'));
  });
  const okta = new OktaSessions!({ orgUrl: server.url, apiToken: 'tok-entry' });
  const session = await okta.getSession('via-public-entry');
  expect(session.id).toBe('via-public-entry');
});
