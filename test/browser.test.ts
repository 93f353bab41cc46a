// Browser mode: the client is built on the real web platform module (src/platform/web.ts) as a
// bundler's `browser` condition would pick it, with the browser flag on; requests go to an
// injected fetch, since jest runs in Node.
import { generateKeyPairSync } from 'node:crypto';
import type * as CurrentSession from '../src/current-session.js';
import type * as Index from '../src/index.js';
import { ORG_URL_CASES } from './helpers/org-url-cases.js';
import { exampleSession } from './helpers/spec-examples.js';

function browserBuild(): typeof Index {
  let mod: typeof Index | undefined;
  jest.isolateModules(() => {
    jest.doMock('#platform', () => {
      const web = jest.requireActual(
        '../src/platform/web.ts',
      ) as typeof import('../src/platform/web.js');
      return { platform: { ...web.platform, isBrowser: true } };
    });
    mod = require('../src/index.ts') as typeof Index;
  });
  return mod!;
}

/** okta-sessions/current-session on the web platform, as a page's bundle has it. */
function currentSessionBuild(): typeof CurrentSession {
  let mod: typeof CurrentSession | undefined;
  jest.isolateModules(() => {
    jest.doMock('#platform', () => jest.requireActual('../src/platform/web.ts'));
    mod = require('../src/current-session.ts') as typeof CurrentSession;
  });
  return mod!;
}

const SESSION = exampleSession('s1') as { id: string; createdAt: string };

test('a browser client needs no token; /me sends credentials: include, no Cookie, no token, no User-Agent', async () => {
  const { OktaSessions } = browserBuild();
  const seen: Request[] = [];
  const okta = new OktaSessions({
    orgUrl: 'https://acme.okta.com',
    fetch: async (request) => {
      seen.push(request as Request);
      return new Response(JSON.stringify(SESSION), { status: 200 });
    },
  });
  const session = await okta.getCurrentSession();
  expect(session.createdAt).toEqual(new Date(SESSION.createdAt));
  expect(seen[0]!.credentials).toBe('include');
  expect(seen[0]!.headers.get('cookie')).toBeNull();
  expect(seen[0]!.headers.get('authorization')).toBeNull();
  expect(seen[0]!.headers.get('user-agent')).toBeNull();
});

test('a browser client with a token still sends /me with credentials: include and without the token', async () => {
  const { OktaSessions } = browserBuild();
  const seen: Request[] = [];
  const okta = new OktaSessions({
    orgUrl: 'https://acme.okta.com',
    accessToken: 'at-browser',
    fetch: async (request) => {
      seen.push(request as Request);
      return new Response(null, { status: 204 });
    },
  });
  await okta.closeCurrentSession();
  expect(seen[0]!.credentials).toBe('include');
  expect(seen[0]!.headers.get('authorization')).toBeNull();
});

test('passing a cookie in a browser is a clear error, not a silent drop', async () => {
  const { OktaSessions, OktaValidationError } = browserBuild();
  const fetch = jest.fn();
  const okta = new OktaSessions({ orgUrl: 'https://acme.okta.com', credentials: 'include', fetch });
  const err = await okta.getCurrentSession({ cookie: 'sid=abc' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OktaValidationError);
  expect((err as Error).message).toMatch(/credentials: "include"/);
  expect(fetch).not.toHaveBeenCalled();
});

test('a token operation on a cookie-only client names the credential it needs', async () => {
  const { OktaSessions, OktaConfigError } = browserBuild();
  const fetch = jest.fn();
  const okta = new OktaSessions({ orgUrl: 'https://acme.okta.com', credentials: 'include', fetch });
  const err = await okta.getSession('s1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OktaConfigError);
  expect((err as Error).message).toMatch(
    /getSession needs an API token \(apiToken\) or an OAuth 2.0 access token/,
  );
  expect(fetch).not.toHaveBeenCalled();
});

test("a browser's opaque redirect (status 0) is an OktaApiError, not a success", async () => {
  const { OktaSessions, OktaApiError } = browserBuild();
  const okta = new OktaSessions({
    orgUrl: 'https://acme.okta.com',
    fetch: async (request) => {
      expect((request as Request).redirect).toBe('manual');
      // What a browser returns for a 3xx under redirect: 'manual'.
      const response = Response.error();
      Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
      return response;
    },
  });
  const err = await okta.getCurrentSession().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OktaApiError);
  expect((err as InstanceType<typeof OktaApiError>).status).toBe(302);
});

test('a 429 whose Date header the browser hides (cross-origin) still waits for X-Rate-Limit-Reset', async () => {
  const { OktaSessions, OktaNotFoundError } = browserBuild();
  const delays: number[] = [];
  const replies = [
    new Response('{"errorCode":"E0000047"}', {
      status: 429,
      // No Date: CORS exposes only the safelisted headers and Access-Control-Expose-Headers.
      headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 2) },
    }),
    new Response('{"errorCode":"E0000007"}', { status: 404 }),
  ];
  const okta = new OktaSessions({
    orgUrl: 'https://acme.okta.com',
    fetch: async () => replies.shift()!,
    retry: { maxDelayMs: 3_000 },
    onRetry: (info) => delays.push(info.delayMs),
  });
  await expect(okta.getCurrentSession()).rejects.toBeInstanceOf(OktaNotFoundError);
  // reset − now + 1 s: 2 to 3 s, not the 250 ms backoff that meets the same 429 again.
  expect(delays).toHaveLength(1);
  expect(delays[0]).toBeGreaterThan(1_500);
});

test('in a browser, a failed fetch says that a CORS refusal looks the same', async () => {
  const { OktaSessions, OktaNetworkError } = browserBuild();
  const okta = new OktaSessions({
    orgUrl: 'https://acme.okta.com',
    fetch: async () => {
      throw new TypeError('Failed to fetch');
    },
    retry: { maxRetries: 0 },
  });
  const err = await okta.getCurrentSession().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OktaNetworkError);
  expect((err as Error).message).toBe(
    "Okta request failed: Failed to fetch (or a CORS refusal: is this page's origin a Trusted Origin with CORS enabled in Okta?) (GET /api/v1/sessions/me)",
  );
  // The browser's own error stays reachable under the hint.
  const hint = (err as Error).cause as Error;
  expect(hint.message).toMatch(/^Failed to fetch \(or a CORS refusal/);
  expect((hint.cause as Error).message).toBe('Failed to fetch');
});

test('okta-sessions/current-session refuses an orgUrl that is not an https origin, before any I/O, naming what is wrong', async () => {
  const { getCurrentSession, OktaConfigError } = await import('../src/current-session.js');
  for (const [orgUrl, problem] of [
    ['http://acme.okta.com', 'scheme'],
    ['https://acme.okta.com/app', 'path'],
    ['acme.okta.com', 'syntax'],
  ]) {
    const err = await getCurrentSession({ orgUrl: orgUrl! }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toBe(
      `orgUrl must be an https:// origin such as https://acme.okta.com (wrong: its ${problem})`,
    );
  }
});

// One table (test/helpers/org-url-cases.ts, run against the constructor in config.test.ts too):
// the page's two entry points, the /me functions and the client, give the same verdict.
describe('okta-sessions/current-session and the client share one org URL rule', () => {
  let seen: string[];
  beforeEach(() => {
    seen = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (request) => {
      seen.push((request as Request).url);
      return new Response(JSON.stringify(SESSION), { status: 200 });
    });
  });
  afterEach(() => jest.restoreAllMocks());

  test.each(ORG_URL_CASES)('$orgUrl', async ({ orgUrl, origin, problem }) => {
    const me = currentSessionBuild();
    const meVerdict = await me.getCurrentSession({ orgUrl }).then(
      () => `accepted ${new URL(seen[0]!).origin}`,
      (err: unknown) => {
        expect(err).toBeInstanceOf(me.OktaConfigError);
        return `refused: ${(err as Error).message}`;
      },
    );
    const { OktaSessions, OktaConfigError } = browserBuild();
    let clientVerdict: string;
    try {
      clientVerdict = `accepted ${new OktaSessions({ orgUrl }).toJSON().orgUrl}`;
    } catch (err) {
      expect(err).toBeInstanceOf(OktaConfigError);
      clientVerdict = `refused: ${(err as Error).message}`;
    }
    if (origin !== undefined) {
      expect([meVerdict, clientVerdict]).toEqual([`accepted ${origin}`, `accepted ${origin}`]);
      expect(seen).toEqual([`${origin}/api/v1/sessions/me`]);
      return;
    }
    expect(meVerdict).toBe(
      `refused: orgUrl must be an https:// origin such as https://acme.okta.com (wrong: its ${problem})`,
    );
    expect(clientVerdict).toMatch(/^refused: /);
    expect(seen).toEqual([]);
    for (const verdict of [meVerdict, clientVerdict]) {
      expect(verdict).not.toContain(orgUrl);
      expect(verdict).not.toContain('secret');
    }
  });
});

test('the browser build leaves out what only servers use, each with a clear OktaConfigError', async () => {
  const { OktaSessions, OktaConfigError } = browserBuild();
  const env = { OKTA_CLIENT_ORGURL: 'https://acme.okta.com', OKTA_CLIENT_TOKEN: 'token' };
  expect(() => OktaSessions.fromEnv(env)).toThrow(OktaConfigError);
  expect(() => OktaSessions.fromEnv(env)).toThrow(/browsers do not have/);
  await expect(OktaSessions.fromConfig()).rejects.toThrow(/works on servers only/);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const withKey = () =>
    new OktaSessions({ orgUrl: 'https://acme.okta.com', clientId: 'app', privateKey: pem });
  expect(withKey).toThrow(OktaConfigError);
  expect(withKey).toThrow(
    'Private-key auth (clientId + privateKey) is refused in browsers: a private key never belongs in a page. Keep the service app on your server, or use the /me operations with credentials: "include"',
  );
  // The browser's own proxy settings apply: the option does not change where requests go.
  const seen: string[] = [];
  const okta = new OktaSessions({
    orgUrl: 'https://acme.okta.com',
    apiToken: 'token',
    proxy: 'http://proxy.corp:3128',
    fetch: async (request) => {
      seen.push((request as Request).url);
      return new Response(JSON.stringify(SESSION), { status: 200 });
    },
  });
  await okta.getSession('s1');
  expect(seen).toEqual(['https://acme.okta.com/api/v1/sessions/s1']);
});
