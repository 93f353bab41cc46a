// Deno, Bun and edge workers: the package's `bun`, `deno` and `worker` conditions (and `default`)
// pick src/platform/fetch-server.ts, a server platform on the runtime's own fetch. Unlike the
// browser build it keeps what servers use: the environment and private-key auth.
import { generateKeyPairSync } from 'node:crypto';
import type * as Index from '../src/index.js';
import type * as CurrentSession from '../src/current-session.js';
import type { Platform } from '../src/platform/types.js';
import type { Transport, TransportRequest } from '../src/transport/transport.js';

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

/** The package's index on one of the fetch platforms (`fetch-server` or `edge`). */
function indexOn(file: 'fetch-server' | 'edge'): typeof Index {
  let mod: typeof Index | undefined;
  jest.isolateModules(() => {
    jest.doMock('#platform', () => jest.requireActual(`../src/platform/${file}.ts`));
    mod = require('../src/index.ts') as typeof Index;
  });
  return mod!;
}

test.each(['fetch-server', 'edge'] as const)(
  '%s: an explicit proxy is refused before any I/O; the proxy variables are left to the runtime',
  async (file) => {
    const { OktaSessions, OktaConfigError } = indexOn(file);
    const sent: string[] = [];
    const fetch = async (request: RequestInfo | URL) => {
      sent.push((request as Request).url);
      return new Response(null, { status: 204 });
    };
    for (const proxy of ['http://proxy.example:3128', { httpsProxy: 'http://proxy.example:1' }]) {
      const make = () =>
        new OktaSessions({ orgUrl: 'https://acme.okta.com', apiToken: 't', proxy, fetch });
      expect(make).toThrow(OktaConfigError);
      expect(make).toThrow(/proxy option needs the Node transport; this runtime sends requests/);
    }
    new OktaSessions({ orgUrl: 'https://acme.okta.com', apiToken: 't', proxy: false });
    const okta = OktaSessions.fromEnv(
      {
        OKTA_CLIENT_ORGURL: 'https://acme.okta.com',
        OKTA_CLIENT_TOKEN: 't',
        HTTPS_PROXY: 'http://proxy.example:3128',
        no_proxy: 'localhost',
      },
      { fetch },
    );
    await okta.revokeSession('s1');
    expect(sent).toEqual(['https://acme.okta.com/api/v1/sessions/s1']);
  },
);

test('edge workers refuse fromConfig before reading a file (no node:fs); Deno and Bun read okta.yaml', async () => {
  const edge = indexOn('edge');
  await expect(
    edge.OktaSessions.fromConfig({}, { env: { OKTA_CLIENT_ORGURL: 'https://acme.okta.com' } }),
  ).rejects.toThrow(
    new edge.OktaConfigError(
      "fromConfig reads okta.yaml files with node:fs, which this runtime does not offer. Pass options to new OktaSessions(), or use OktaSessions.fromEnv(env) with the Worker's env",
    ),
  );
  const server = indexOn('fetch-server');
  const okta = await server.OktaSessions.fromConfig(
    {},
    {
      env: { OKTA_CLIENT_ORGURL: 'https://acme.okta.com', OKTA_CLIENT_TOKEN: 't' },
      homeDir: '/nonexistent-home',
      cwd: '/nonexistent-project',
    },
  );
  expect(okta.toJSON()).toEqual({ orgUrl: 'https://acme.okta.com', auth: 'apiToken' });
});

test.each([
  ['a server (Deno, Bun, Workers)', false, undefined],
  ['a browser', true, 'include'],
] as const)(
  'okta-sessions/current-session on %s: credentials %s',
  async (_, isBrowser, expected) => {
    const seen: TransportRequest[] = [];
    const transport: Transport = {
      request: async (request) => {
        seen.push(request);
        return { status: 204, headers: new Headers(), text: async () => '' };
      },
    };
    let mod: typeof CurrentSession | undefined;
    jest.isolateModules(() => {
      jest.doMock('#platform', () => {
        const { platform } = jest.requireActual('../src/platform/fetch-server.ts') as {
          platform: Platform;
        };
        return { platform: { ...platform, isBrowser, transport } };
      });
      mod = require('../src/current-session.ts') as typeof CurrentSession;
    });
    await mod!.closeCurrentSession({ orgUrl: 'https://acme.okta.com' });
    expect(seen.map((r) => r.credentials)).toEqual([expected]);
  },
);
