// The Node transport through real proxies on 127.0.0.1: plain absolute-form forwarding for
// http:// origins, CONNECT tunnels for https:// ones (end to end over TLS in a child process,
// which trusts the test certificate), the proxy variables in both cases, NO_PROXY, `proxy:
// false`, and proxies that refuse. Environments are passed to fromEnv, never set on process.env.
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { inspect } from 'node:util';
import { OktaConfigError, OktaNetworkError, OktaSessions } from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { buildCli, type CliBinary } from './helpers/cli-binary.js';
import { rsaKey } from './helpers/oauth-jwt.js';
import { startProxy, type ProxyServer } from './helpers/proxy-server.js';

const API_TOKEN = 'proxy-SECRET-api-token';
const PASSWORD = 'SECRET-proxy-pass';
const serviceKey = rsaKey('proxy-kid');
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

let emu: Emulator;
let proxy: ProxyServer;
let other: ProxyServer;
beforeAll(async () => {
  [emu, proxy, other] = await Promise.all([
    startEmulator({
      port: 0,
      apiToken: API_TOKEN,
      clients: {
        '0oaProxied': { jwks: [serviceKey.publicJwk], scopes: ['okta.sessions.read'], dpop: true },
      },
    }),
    startProxy({ credentials: `alice:${PASSWORD}` }),
    startProxy(),
  ]);
});
afterAll(() => Promise.all([emu.close(), proxy.close(), other.close()]));
beforeEach(() => {
  proxy.hits.length = 0;
  other.hits.length = 0;
});

const withAuth = (p: ProxyServer) => `http://alice:${PASSWORD}@127.0.0.1:${p.port}`;
const newSession = async () =>
  new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: false }).createSession({
    sessionToken: emu.issueSessionToken(),
  });
const env = (extra: Record<string, string>) => ({
  OKTA_CLIENT_ORGURL: emu.url,
  OKTA_CLIENT_TOKEN: API_TOKEN,
  ...extra,
});

test('the proxy option: every request goes through it, with its credentials', async () => {
  const { id } = await newSession();
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: withAuth(proxy) });
  expect((await okta.getSession(id!)).id).toBe(id);
  await okta.revokeSession(id!);
  expect(proxy.hits).toEqual([
    {
      kind: 'forward',
      target: `${emu.url}/api/v1/sessions/${id}`,
      proxyAuthorization: basic(`alice:${PASSWORD}`),
    },
    {
      kind: 'forward',
      target: `${emu.url}/api/v1/sessions/${id}`,
      proxyAuthorization: basic(`alice:${PASSWORD}`),
    },
  ]);
});

test('clients with the same proxy setting share its connections: six calls, two connections at most', async () => {
  const shared = await startProxy();
  try {
    const { id } = await newSession();
    const client = () =>
      new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: shared.url });
    const clients = [client(), client()];
    for (let i = 0; i < 6; i++) await clients[i % 2]!.getSession(id!);
    expect(shared.hits).toHaveLength(6);
    // One agent for both clients, its connections kept alive: undici opens a second one when
    // the next call comes before the first connection is back in its pool. An agent per client
    // or per call would open one per call.
    expect(shared.connections).toBeLessThanOrEqual(2);
  } finally {
    await shared.close();
  }
});

test('a service app asks for its token through the proxy too, before the API call', async () => {
  const { id } = await newSession();
  const okta = new OktaSessions({
    orgUrl: emu.url,
    clientId: '0oaProxied',
    privateKey: serviceKey.privateKey,
    scopes: ['okta.sessions.read'],
    proxy: withAuth(proxy),
  });
  expect((await okta.getSession(id!)).id).toBe(id);
  expect(proxy.hits.map((hit) => [hit.kind, hit.target, hit.proxyAuthorization])).toEqual([
    // The first token request is answered use_dpop_nonce; the second carries the nonce.
    ['forward', `${emu.url}/oauth2/v1/token`, basic(`alice:${PASSWORD}`)],
    ['forward', `${emu.url}/oauth2/v1/token`, basic(`alice:${PASSWORD}`)],
    ['forward', `${emu.url}/api/v1/sessions/${id}`, basic(`alice:${PASSWORD}`)],
  ]);
});

test('OKTA_CLIENT_* service-app keys and HTTP_PROXY together: the token request is proxied', async () => {
  const { id } = await newSession();
  const pem = serviceKey.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const okta = OktaSessions.fromEnv({
    OKTA_CLIENT_ORGURL: emu.url,
    OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
    OKTA_CLIENT_CLIENTID: '0oaProxied',
    OKTA_CLIENT_PRIVATEKEY: pem,
    OKTA_CLIENT_SCOPES: 'okta.sessions.read',
    HTTP_PROXY: other.url,
  });
  expect((await okta.getSession(id!)).id).toBe(id);
  expect(other.hits.map((hit) => hit.target)).toEqual([
    `${emu.url}/oauth2/v1/token`,
    `${emu.url}/oauth2/v1/token`,
    `${emu.url}/api/v1/sessions/${id}`,
  ]);
});

test('okta.raw goes through the proxy too, with its credentials and the same NO_PROXY rules', async () => {
  const { id } = await newSession();
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: withAuth(proxy) });
  const { data, response } = await okta.raw.GET('/api/v1/sessions/{sessionId}', {
    params: { path: { sessionId: id } },
  });
  expect([response.status, data?.id]).toEqual([200, id]);
  expect(proxy.hits).toEqual([
    {
      kind: 'forward',
      target: `${emu.url}/api/v1/sessions/${id}`,
      proxyAuthorization: basic(`alice:${PASSWORD}`),
    },
  ]);
  const direct = OktaSessions.fromEnv(env({ HTTP_PROXY: withAuth(proxy), NO_PROXY: '127.0.0.1' }));
  await direct.raw.GET('/api/v1/sessions/{sessionId}', { params: { path: { sessionId: id } } });
  expect(proxy.hits).toHaveLength(1);
});

test.each([['HTTP_PROXY'], ['http_proxy']])('fromEnv honours %s', async (name) => {
  const { id } = await newSession();
  await OktaSessions.fromEnv(env({ [name]: withAuth(proxy) })).getSession(id!);
  expect(proxy.hits).toHaveLength(1);
});

test('the lowercase variable wins over the uppercase one, as undici reads them', async () => {
  const { id } = await newSession();
  await OktaSessions.fromEnv(
    env({ http_proxy: other.url, HTTP_PROXY: withAuth(proxy) }),
  ).getSession(id!);
  expect([proxy.hits.length, other.hits.length]).toEqual([0, 1]);
});

test.each([['127.0.0.1'], ['localhost,127.0.0.1'], [`127.0.0.1:${'PORT'}`], ['*']])(
  'NO_PROXY=%s reaches the org directly',
  async (noProxy) => {
    const { id } = await newSession();
    const value = noProxy.replace('PORT', new URL(emu.url).port);
    await OktaSessions.fromEnv(env({ HTTP_PROXY: withAuth(proxy) })).getSession(id!);
    expect(proxy.hits).toHaveLength(1); // the same without NO_PROXY is proxied
    proxy.hits.length = 0;
    await OktaSessions.fromEnv(env({ HTTP_PROXY: withAuth(proxy), NO_PROXY: value })).getSession(
      id!,
    );
    await OktaSessions.fromEnv(env({ HTTP_PROXY: withAuth(proxy), no_proxy: value })).getSession(
      id!,
    );
    expect(proxy.hits).toEqual([]);
  },
);

test('NO_PROXY for another host or port still proxies', async () => {
  const { id } = await newSession();
  await OktaSessions.fromEnv(
    env({ HTTP_PROXY: withAuth(proxy), NO_PROXY: '.internal,127.0.0.1:1' }),
  ).getSession(id!);
  expect(proxy.hits).toHaveLength(1);
});

test('proxy: false ignores the environment', async () => {
  const { id } = await newSession();
  const proxied = env({ HTTP_PROXY: withAuth(proxy), HTTPS_PROXY: withAuth(proxy) });
  await OktaSessions.fromEnv(proxied).getSession(id!);
  expect(proxy.hits).toHaveLength(1);
  await OktaSessions.fromEnv(proxied, { proxy: false }).getSession(id!);
  expect(proxy.hits).toHaveLength(1);
});

test('a proxy that wants other credentials: OktaNetworkError naming the proxy host, never the password', async () => {
  const { id } = await newSession();
  const okta = new OktaSessions({
    orgUrl: emu.url,
    apiToken: API_TOKEN,
    proxy: `http://alice:wrong-${PASSWORD}@127.0.0.1:${proxy.port}`,
    retry: { maxRetries: 0 },
  });
  const error = await okta.getSession(id!).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OktaNetworkError);
  expect((error as Error).message).toContain(`through proxy 127.0.0.1:${proxy.port}`);
  expect((error as Error).message).toMatch(/407/);
  for (const shown of [
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    inspect(okta, { showHidden: true }),
  ]) {
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain('alice');
  }
});

test('a proxy that refuses the CONNECT tunnel to an https:// org: OktaNetworkError naming the proxy', async () => {
  const refusing = await startProxy({ refuse: 403 });
  try {
    const okta = OktaSessions.fromEnv(
      {
        OKTA_CLIENT_ORGURL: 'https://acme.okta.com',
        OKTA_CLIENT_TOKEN: API_TOKEN,
        HTTPS_PROXY: `http://alice:${PASSWORD}@127.0.0.1:${refusing.port}`,
      },
      { retry: { maxRetries: 0 } },
    );
    const error = await okta.getSession('abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaNetworkError);
    expect((error as Error).message).toContain(
      `through proxy 127.0.0.1:${refusing.port}: the proxy refused the CONNECT tunnel (HTTP 403)`,
    );
    expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
    expect(refusing.hits).toEqual([
      {
        kind: 'connect',
        target: 'acme.okta.com:443',
        proxyAuthorization: basic(`alice:${PASSWORD}`),
      },
    ]);
  } finally {
    await refusing.close();
  }
});

test('an unreachable proxy: OktaNetworkError naming it', async () => {
  const okta = new OktaSessions({
    orgUrl: emu.url,
    apiToken: API_TOKEN,
    proxy: `http://alice:${PASSWORD}@127.0.0.1:1`,
    retry: { maxRetries: 0 },
  });
  const error = await okta.getSession('abc').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OktaNetworkError);
  expect((error as Error).message).toContain('through proxy 127.0.0.1:1');
  expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
});

test('a malformed proxy setting is an OktaConfigError that does not echo it', () => {
  for (const proxySetting of [`ftp://alice:${PASSWORD}@proxy`, `http://alice:${PASSWORD}@[bad`]) {
    expect(
      () => new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: proxySetting }),
    ).toThrow(/proxy/);
    try {
      new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: proxySetting });
    } catch (error) {
      expect((error as Error).message).not.toContain(PASSWORD);
    }
  }
});

test('new OktaSessions() reads the proxy variables of its process by default', async () => {
  const lib = await buildCli('src/index.ts');
  try {
    const { id } = await newSession();
    const script = `const { OktaSessions } = require(${JSON.stringify(lib.file)});
      new OktaSessions({ orgUrl: ${JSON.stringify(emu.url)}, apiToken: ${JSON.stringify(API_TOKEN)} })
        .getSession(${JSON.stringify(id)}).then((s) => console.log(s.id));`;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env['PATH'] ?? '', http_proxy: withAuth(proxy) },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(out.trim()).toBe(id);
    expect(proxy.hits).toHaveLength(1);
  } finally {
    lib.remove();
  }
});

describe('CONNECT end to end over TLS, from the built command', () => {
  let bin: CliBinary;
  let tls: TlsServer;
  let tunnelling: ProxyServer;
  const fixtures = join(__dirname, 'fixtures');
  beforeAll(async () => {
    bin = await buildCli();
    // TLS in front of the emulator, with a certificate for acme.okta.com that only the child
    // process trusts (NODE_EXTRA_CA_CERTS).
    tls = createTlsServer(
      {
        key: readFileSync(join(fixtures, 'test-tls-key.pem')),
        cert: readFileSync(join(fixtures, 'test-tls-cert.pem')),
      },
      (socket) => {
        const upstream = connect(Number(new URL(emu.url).port), '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const tlsPort = (tls.address() as AddressInfo).port;
    tunnelling = await startProxy({
      credentials: `alice:${PASSWORD}`,
      tunnelTo: () => ({ host: '127.0.0.1', port: tlsPort }),
    });
  }, 60_000);
  afterAll(async () => {
    bin.remove();
    await tunnelling.close();
    await new Promise((resolve) => tls.close(resolve));
  });

  test.each([['HTTPS_PROXY'], ['https_proxy']])(
    '%s tunnels to https://acme.okta.com',
    async (name) => {
      tunnelling.hits.length = 0;
      const { id } = await newSession();
      const result = await bin.run(['get', id!, '--json'], {
        env: {
          OKTA_CLIENT_ORGURL: 'https://acme.okta.com',
          OKTA_CLIENT_TOKEN: API_TOKEN,
          [name]: `http://alice:${PASSWORD}@127.0.0.1:${tunnelling.port}`,
          NODE_EXTRA_CA_CERTS: join(fixtures, 'test-tls-cert.pem'),
        },
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ id });
      expect(tunnelling.hits).toEqual([
        {
          kind: 'connect',
          target: 'acme.okta.com:443',
          proxyAuthorization: basic(`alice:${PASSWORD}`),
        },
      ]);
    },
  );
});

describe('the proxy option, checked in the constructor', () => {
  const messageOf = (proxySetting: unknown, build?: () => unknown): string => {
    try {
      if (build) build();
      else
        new OktaSessions({
          orgUrl: emu.url,
          apiToken: API_TOKEN,
          proxy: proxySetting as string,
        });
    } catch (error) {
      expect(error).toBeInstanceOf(OktaConfigError);
      return (error as Error).message;
    }
    throw new Error('test: expected an OktaConfigError');
  };

  test.each(['', '   '])('proxy %p is refused with an example and the way out', (setting) => {
    expect(messageOf(setting)).toBe(
      'proxy must be a URL such as http://proxy.example.com:3128. Or pass proxy: false',
    );
  });

  test('a proxy URL that does not parse is refused with the form to use', () => {
    expect(messageOf(`http://alice:${PASSWORD}@[bad`)).toBe(
      'proxy is not a valid URL. Use the form http://user:pass@proxy.example.com:3128',
    );
  });

  test('a proxy of another scheme is refused naming the scheme', () => {
    expect(messageOf(`socks5://alice:${PASSWORD}@proxy:1080`)).toBe(
      'proxy must be an http:// or https:// proxy (got socks5://). Fix the scheme',
    );
  });

  test.each([[42], [null], [true]])('proxy %p is refused with the forms it takes', (setting) => {
    expect(messageOf(setting)).toBe(
      'proxy must be a URL string, false, or { httpsProxy, httpProxy, noProxy }. Fix the proxy option',
    );
  });

  test('each variable of a proxy object is checked under its own name', () => {
    expect(messageOf({ httpsProxy: 'ftp://proxy' })).toBe(
      'proxy.httpsProxy (HTTPS_PROXY) must be an http:// or https:// proxy (got ftp://). Fix the scheme',
    );
    expect(messageOf({ httpsProxy: 'http://proxy', httpProxy: 'ftp://proxy' })).toBe(
      'proxy.httpProxy (HTTP_PROXY) must be an http:// or https:// proxy (got ftp://). Fix the scheme',
    );
    expect(messageOf({ httpProxy: 42 })).toBe(
      'proxy.httpProxy (HTTP_PROXY) must be a URL such as http://proxy.example.com:3128. Or pass proxy: false',
    );
    expect(messageOf(undefined, () => OktaSessions.fromEnv(env({ HTTPS_PROXY: 'ftp://p' })))).toBe(
      'proxy.httpsProxy (HTTPS_PROXY) must be an http:// or https:// proxy (got ftp://). Fix the scheme',
    );
  });

  test('an https:// proxy is accepted', () => {
    expect(
      () =>
        new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: 'https://proxy.corp:443' }),
    ).not.toThrow();
  });

  test('a proxy given as host:port is an http:// proxy', async () => {
    const { id } = await newSession();
    const okta = new OktaSessions({
      orgUrl: emu.url,
      apiToken: API_TOKEN,
      proxy: `127.0.0.1:${other.port}`,
    });
    expect((await okta.getSession(id!)).id).toBe(id);
    expect(other.hits.map((hit) => hit.target)).toEqual([`${emu.url}/api/v1/sessions/${id}`]);
  });

  test('a proxy object: httpProxy carries http:// origins, with its noProxy honoured', async () => {
    const { id } = await newSession();
    await new OktaSessions({
      orgUrl: emu.url,
      apiToken: API_TOKEN,
      proxy: { httpsProxy: proxy.url, httpProxy: other.url },
    }).getSession(id!);
    expect([proxy.hits.length, other.hits.length]).toEqual([0, 1]);
    await new OktaSessions({
      orgUrl: emu.url,
      apiToken: API_TOKEN,
      proxy: { httpProxy: other.url, noProxy: '127.0.0.1' },
    }).getSession(id!);
    expect([proxy.hits.length, other.hits.length]).toEqual([0, 1]);
  });

  test('a proxy object without a proxy URL, or with empty ones, is no proxy', async () => {
    const { id } = await newSession();
    for (const setting of [{}, { noProxy: 'example.com' }, { httpProxy: '', httpsProxy: '' }]) {
      const okta = new OktaSessions({ orgUrl: emu.url, apiToken: API_TOKEN, proxy: setting });
      expect((await okta.getSession(id!)).id).toBe(id);
    }
    expect([proxy.hits.length, other.hits.length]).toEqual([0, 0]);
    const unreachable = new OktaSessions({
      orgUrl: 'http://127.0.0.1:1',
      apiToken: API_TOKEN,
      proxy: { noProxy: 'example.com' },
      retry: { maxRetries: 0 },
    });
    const error = (await unreachable.getSession(id!).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(OktaNetworkError);
    expect(error.message).not.toContain('proxy');
  });

  test('an empty lowercase variable leaves the uppercase one in force', async () => {
    const { id } = await newSession();
    await OktaSessions.fromEnv(env({ http_proxy: '', HTTP_PROXY: other.url })).getSession(id!);
    expect(other.hits).toHaveLength(1);
  });

  test('errors through a proxy object name each of its proxy hosts once', async () => {
    const call = (setting: { httpsProxy: string; httpProxy: string }) =>
      new OktaSessions({
        orgUrl: emu.url,
        apiToken: API_TOKEN,
        proxy: setting,
        retry: { maxRetries: 0 },
      })
        .getSession('abc')
        .then(
          () => new Error('test: expected a rejection'),
          (e: unknown) => e as Error,
        );
    const two = await call({
      httpsProxy: `http://alice:${PASSWORD}@127.0.0.1:2`,
      httpProxy: `http://alice:${PASSWORD}@127.0.0.1:1`,
    });
    expect(two).toBeInstanceOf(OktaNetworkError);
    expect(two.message).toContain('through proxy 127.0.0.1:2, 127.0.0.1:1: ');
    const one = await call({ httpsProxy: 'http://127.0.0.1:1', httpProxy: 'http://127.0.0.1:1' });
    expect(one.message).toContain('through proxy 127.0.0.1:1: ');
  });
});
