// Deno, Bun and edge workers: the package's `bun`, `deno` and `worker` conditions (and `default`)
// pick src/platform/fetch-server.ts, a server platform on the runtime's own fetch. Unlike the
// browser build it keeps what servers use: the environment and private-key auth.
import { generateKeyPairSync } from 'node:crypto';
import type * as Index from '../src/index.js';

test('Deno, Bun and edge workers (the fetch-server platform) keep fromEnv and private-key auth', async () => {
  let mod: typeof Index | undefined;
  jest.isolateModules(() => {
    jest.doMock('#platform', () => {
      const server = jest.requireActual(
        '../src/platform/fetch-server.ts',
      ) as typeof import('../src/platform/fetch-server.js');
      return { platform: server.platform };
    });
    mod = require('../src/index.ts') as typeof Index;
  });
  const { OktaSessions, VERSION } = mod!;
  const okta = OktaSessions.fromEnv({
    OKTA_CLIENT_ORGURL: 'https://acme.okta.com',
    OKTA_CLIENT_TOKEN: 'token',
  });
  expect(okta.toJSON()).toEqual({ orgUrl: 'https://acme.okta.com', auth: 'apiToken' });
  // This is the fetch-server platform, not Node's: the runtime is not ours to name in User-Agent.
  const agents: (string | null)[] = [];
  await OktaSessions.fromEnv(
    { OKTA_CLIENT_ORGURL: 'https://acme.okta.com', OKTA_CLIENT_TOKEN: 'token' },
    {
      fetch: async (request) => {
        agents.push((request as Request).headers.get('user-agent'));
        return new Response(null, { status: 204 });
      },
    },
  ).revokeSession('s1');
  expect(agents).toEqual([`okta-sessions/${VERSION}`]);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const app = new OktaSessions({ orgUrl: 'https://acme.okta.com', clientId: 'app', privateKey });
  expect(app.toJSON().auth).toBe('privateKey');
  expect(() => new OktaSessions({ orgUrl: 'https://acme.okta.com', clientId: 'app' })).toThrow(
    /without privateKey/,
  );
});
