// Smoke test of the typescript-fetch client generated from spec/okta-sessions.yaml.
// Run by scripts/consumers.mjs against a fresh emulator with OKTA_URL, OKTA_API_TOKEN,
// OKTA_USERNAME, OKTA_PASSWORD, OKTA_EMULATOR_URL, OKTA_EMULATOR_ADMIN_TOKEN and (optionally)
// UNKNOWN_VALUES=1.
import {
  Configuration,
  OktaErrorResponseFromJSON,
  ResponseError,
  SessionApi,
  UserSessionsApi,
  type Session,
} from '../../.consumers/typescript-fetch/index';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const URL = env('OKTA_URL');
const UNKNOWN = process.env['UNKNOWN_VALUES'] === '1';

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`typescript-fetch smoke: FAILED: ${what}`);
    process.exit(1);
  }
}

/** A one-time session token from the Authentication API (not part of the Sessions spec). */
async function sessionToken(): Promise<string> {
  const res = await fetch(`${URL}/api/v1/authn`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: env('OKTA_USERNAME'), password: env('OKTA_PASSWORD') }),
  });
  check(res.status === 200, 'authn answers 200');
  return ((await res.json()) as { sessionToken: string }).sessionToken;
}

/** Makes the next getSession answer 429, through the emulator's HTTP fault API. */
async function scriptRateLimit(): Promise<void> {
  const res = await fetch(`${env('OKTA_EMULATOR_URL')}/__emulator/faults`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${env('OKTA_EMULATOR_ADMIN_TOKEN')}`,
    },
    body: JSON.stringify({
      operationId: 'getSession',
      action: { kind: 'status', status: 429, resetSeconds: 0 },
    }),
  });
  check(res.status === 200, 'scripting a fault answers 200');
}

/** The generated client does not retry: waits out a 429 as Okta says (reset − Date + 1 s). */
async function withRateLimitRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt === 2 || !(e instanceof ResponseError) || e.response.status !== 429) throw e;
      const reset = Number(e.response.headers.get('x-rate-limit-reset')) * 1000;
      const date = Date.parse(e.response.headers.get('date') ?? '');
      await new Promise((r) => setTimeout(r, Math.max(0, reset - date) + 1000));
    }
  }
}

function checkSession(s: Session, what: string): void {
  check(s.createdAt instanceof Date, `${what}: createdAt is a Date`);
  check(s.expiresAt instanceof Date, `${what}: expiresAt is a Date`);
  check(s.lastFactorVerification === null, `${what}: lastFactorVerification is null`);
  if (UNKNOWN) {
    check(s.status === 'UNLISTED_VALUE', `${what}: unknown status passed through`);
    check(s.amr?.includes('UNLISTED_VALUE') === true, `${what}: unknown amr passed through`);
  } else {
    check(s.status === 'ACTIVE', `${what}: status ACTIVE`);
  }
}

async function main(): Promise<void> {
  // The API key needs its scheme: Okta expects `Authorization: SSWS <token>`. The client only
  // sends it on operations that declare apiToken, so the /me calls go without it.
  const config = new Configuration({
    basePath: URL,
    apiKey: () => `SSWS ${env('OKTA_API_TOKEN')}`,
  });
  const api = new SessionApi(config);
  const users = new UserSessionsApi(config);
  const create = async () =>
    api.createSession({ createSessionRequest: { sessionToken: await sessionToken() } });

  const first = await create();
  checkSession(first, 'createSession');
  const second = await create();
  const third = await create();
  const firstId = first.id ?? '';

  await scriptRateLimit();
  const got = await withRateLimitRetries(() => api.getSession({ sessionId: firstId }));
  check(got.id === firstId, 'getSession returns the session (after a scripted 429)');
  checkSession(got, 'getSession');

  const refreshed = await api.refreshSession({ sessionId: firstId });
  check(refreshed.expiresAt! >= first.expiresAt!, 'refreshSession: expiresAt not earlier');

  const cookie = `sid=${firstId}`;
  const me = await api.getCurrentSession({ cookie });
  check(me.id === firstId, "getCurrentSession reads the cookie's session");
  checkSession(me, 'getCurrentSession');
  checkSession(await api.refreshCurrentSession({ cookie }), 'refreshCurrentSession');
  await api.closeCurrentSession({ cookie });

  await api.revokeSession({ sessionId: second.id ?? '' });
  // Ends every session of the user (only the third is left), OAuth tokens too.
  await users.revokeUserSessions({ userId: third.userId ?? '', oauthTokens: true });

  for (const gone of [firstId, second.id ?? '', third.id ?? '']) {
    try {
      await api.getSession({ sessionId: gone });
      check(false, 'getSession after close/revoke answers 404');
    } catch (e) {
      check(e instanceof ResponseError && e.response.status === 404, 'answers 404');
      const error = OktaErrorResponseFromJSON(await (e as ResponseError).response.json());
      check(error.errorCode === 'E0000007', `404 errorCode E0000007, got ${error.errorCode}`);
    }
  }
  console.log(
    'typescript-fetch smoke: 8 operations, 429 then success, 404 E0000007, dates and nulls: ok' +
      (UNKNOWN ? ' (unknown values)' : ''),
  );
}

main().catch((e: unknown) => {
  console.error('typescript-fetch smoke: FAILED:', e);
  process.exit(1);
});
