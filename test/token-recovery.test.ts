// A service app is never stuck (issue #28): after any failure on the way to a token, the next
// call tries again from scratch, on the same client. Each case drives a token endpoint on
// 127.0.0.1 through fail → recover; the imports a service app makes on first use fail once
// through lazyServiceApp's seam (test/helpers/seamed-client.ts), never through a global.
import {
  OktaConfigError,
  OktaInvalidResponseError,
  OktaNetworkError,
  OktaOAuthError,
  OktaServerError,
  OktaSessions,
  OktaTimeoutError,
  type OktaSessionsOptions,
} from '../src/index.js';
import { joseLoader, type Jose } from '../src/oauth/jose.js';
import { decodeJwt, rsaKey } from './helpers/oauth-jwt.js';
import {
  closeAllScriptedServers,
  json,
  neverAnswer,
  resetBeforeHeaders,
  sessionOk,
  startScriptedServer,
  text,
  type ScriptStep,
  type ScriptedServer,
} from './helpers/scripted-server.js';
import { clientWithImports } from './helpers/seamed-client.js';

afterEach(closeAllScriptedServers);

const privateKey = rsaKey('kid-1').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const TOKEN = '/oauth2/v1/token';
const tokenOk = json(200, { token_type: 'DPoP', expires_in: 3600, access_token: 'tok-1' });

function options(server: ScriptedServer, extra: Partial<OktaSessionsOptions> = {}) {
  return {
    orgUrl: server.url,
    clientId: '0oaX',
    privateKey,
    // One attempt per call: the second call, not a retry inside the first, has to recover.
    retry: { maxRetries: 0 },
    ...extra,
  };
}

/** The jti of each client assertion the server received. */
const jtis = (server: ScriptedServer) =>
  server.requests
    .filter((r) => r.url === TOKEN)
    .map((r) => decodeJwt(new URLSearchParams(r.body).get('client_assertion')!).claims['jti']);

describe('the token endpoint fails once, then answers: the next call gets a token', () => {
  const failures: [string, ScriptStep, new (...args: never[]) => Error][] = [
    ['a network error (reset before the headers)', resetBeforeHeaders(), OktaNetworkError],
    ['a 503', json(503, { errorCode: 'E0000009', errorSummary: 'down' }), OktaServerError],
    [
      'a 400 invalid_scope',
      json(400, { error: 'invalid_scope', error_description: 'The requested scope is invalid.' }),
      OktaOAuthError,
    ],
    [
      'a key the endpoint does not accept (401 invalid_client)',
      json(401, {
        error: 'invalid_client',
        error_description: 'The client_assertion signature is invalid.',
      }),
      OktaOAuthError,
    ],
    ['a malformed answer (200, HTML)', text(200, '<html>sign in</html>'), OktaInvalidResponseError],
    [
      'a malformed token (200, no expires_in)',
      json(200, { token_type: 'DPoP', access_token: 'tok-0' }),
      OktaInvalidResponseError,
    ],
    ['no answer within timeoutMs', neverAnswer(), OktaTimeoutError],
  ];

  test.each(failures.map(([name, step, type]) => ({ name, step, type })))(
    '$name',
    async ({ step, type }) => {
      const server = await startScriptedServer([step, tokenOk, sessionOk('102abc')]);
      // Token requests get 1 s, the calls 5 s: a silent endpoint fails the token request first.
      const okta = new OktaSessions(options(server, { timeoutMs: 1_000 }));
      const call = () => okta.getSession('102abc', { timeoutMs: 5_000 });

      await expect(call()).rejects.toBeInstanceOf(type);
      await expect(call()).resolves.toMatchObject({ id: '102abc' });

      expect(server.requests.map((r) => r.url)).toEqual([TOKEN, TOKEN, '/api/v1/sessions/102abc']);
      // From scratch: a new assertion (a new jti), not the failed request sent again.
      const [first, second] = jtis(server);
      expect(second).not.toBe(first);
      expect(server.requests[2]!.headers['authorization']).toBe('DPoP tok-1');
    },
  );
});

describe('a module the service app loads on first use fails to load once', () => {
  /** `load`, except that its first call rejects with `error`. */
  function failingOnce<T>(load: () => Promise<T>, error: Error): () => Promise<T> {
    let calls = 0;
    return () => (calls++ === 0 ? Promise.reject(error) : load());
  }

  test('jose: OktaConfigError before any request, then the next call loads it', async () => {
    const server = await startScriptedServer([tokenOk, sessionOk('102abc')]);
    // The loader the client uses (src/oauth/jose.ts), over an import that fails once.
    const jose = joseLoader(
      failingOnce(
        () => import('jose') as Promise<Jose>,
        new TypeError('Failed to fetch dynamically imported module'),
      ),
    );
    const okta = clientWithImports(options(server), { jose });

    const error = await okta.getSession('102abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaConfigError);
    expect((error as Error).message).toMatch(/could not load its JWT library \(jose\)/);
    expect(server.attempts).toBe(0);
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: '102abc' });
    expect(server.attempts).toBe(2);
  });

  test('jose not installed, then installed: the missing-peer error, then a token', async () => {
    const server = await startScriptedServer([tokenOk, sessionOk('102abc')]);
    const missing = Object.assign(new Error("Cannot find package 'jose' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const jose = joseLoader(failingOnce(() => import('jose') as Promise<Jose>, missing));
    const okta = clientWithImports(options(server), { jose });

    await expect(okta.getSession('102abc')).rejects.toThrow(
      new OktaConfigError('Private-key auth needs the optional dependency jose: npm install jose'),
    );
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: '102abc' });
  });

  test("WebCrypto refuses the key once: OktaConfigError naming the cause, then the key's import again", async () => {
    const server = await startScriptedServer([tokenOk, sessionOk('102abc')]);
    let imports = 0;
    const jose = async (): Promise<Jose> => {
      const real = (await import('jose')) as Jose;
      return {
        ...real,
        importJWK: ((...args: Parameters<Jose['importJWK']>) =>
          imports++ === 0
            ? Promise.reject(new DOMException('Invalid keyData', 'DataError'))
            : real.importJWK(...args)) as Jose['importJWK'],
      };
    };
    const okta = clientWithImports(options(server), { jose });

    const error = await okta.getSession('102abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaConfigError);
    expect((error as Error).message).toBe(
      'Private-key auth could not import its RS256 key into WebCrypto; its error is in `cause`',
    );
    expect((error as Error).cause).toBeInstanceOf(DOMException);
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: '102abc' });
    expect(imports).toBe(2);
  });

  test('jose fails to sign once: OktaConfigError, then the next call signs', async () => {
    const server = await startScriptedServer([tokenOk, sessionOk('102abc')]);
    let signs = 0;
    const jose = async (): Promise<Jose> => {
      const real = (await import('jose')) as Jose;
      class FailsOnce extends real.SignJWT {
        override sign(...args: Parameters<Jose['SignJWT']['prototype']['sign']>) {
          return signs++ === 0
            ? Promise.reject(new TypeError('CryptoKey does not support this operation'))
            : super.sign(...args);
        }
      }
      return { ...real, SignJWT: FailsOnce };
    };
    const okta = clientWithImports(options(server), { jose });

    const error = await okta.getSession('102abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaConfigError);
    expect((error as Error).message).toBe(
      'Private-key auth could not sign its client assertion with its RS256 key; its error is in `cause`',
    );
    expect(server.attempts).toBe(0);
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: '102abc' });
    expect(signs).toBe(2);
  });

  test('the service app module itself: the next call loads it again', async () => {
    const server = await startScriptedServer([tokenOk, sessionOk('102abc')]);
    const app = failingOnce(
      () => import('../src/oauth/service-app.js'),
      new TypeError('Failed to fetch dynamically imported module'),
    );
    const okta = clientWithImports(options(server), { app });

    await expect(okta.getSession('102abc')).rejects.toThrow(/Failed to fetch/);
    expect(server.attempts).toBe(0);
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: '102abc' });
  });
});
