// Contract test: every (operation, status) the emulator can produce is provoked and the answer
// is validated against spec/okta-sessions.yaml. A spec status with no scenario must be listed in
// NOT_PRODUCIBLE with a reason, so the emulator and the spec cannot drift apart silently.
import { operations, type OperationId } from '../generated/operations.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { deref } from '../scripts/spec.cjs';
import {
  authnContract,
  contractProblems,
  errorBodyProblems,
  specOperations,
} from './helpers/emulator-contract.js';
import {
  call,
  newSession,
  sessionPath,
  type CallOptions,
  type Reply,
} from './helpers/emulator-http.js';

const TOKEN = 'contract-token';
const SSWS = `SSWS ${TOKEN}`;

/** Statuses the spec declares that the emulator never answers, and why. */
const NOT_PRODUCIBLE: Partial<Record<OperationId, Record<number, string>>> = {
  getSession: {
    400: 'getSession takes no body or query; a path without a usable id is an unknown path (404)',
  },
};

interface Scenario {
  readonly name: string;
  readonly operationId: OperationId;
  readonly status: number;
  /** Sends the request; `emu` is the normal emulator, `limited` one whose budget is used up. */
  readonly run: (emu: Emulator, limited: Emulator) => Promise<Reply>;
}

function path(op: OperationId, id = '') {
  return operations[op].path.replace(/\{\w+\}/, encodeURIComponent(id));
}

function send(emu: Emulator, op: OperationId, options: CallOptions = {}, id = '') {
  return call(emu.url, operations[op].method, path(op, id), options);
}

async function fresh(emu: Emulator) {
  return newSession(emu, { login: 'contract@example.com' });
}

const byIdOps = ['getSession', 'refreshSession', 'revokeSession'] as const;
const meOps = ['getCurrentSession', 'refreshCurrentSession', 'closeCurrentSession'] as const;
const wrongScope: Record<(typeof byIdOps)[number], string> = {
  getSession: 'Bearer at-manage',
  refreshSession: 'Bearer at-read',
  revokeSession: 'Bearer at-read',
};

const createBody = (sessionToken: unknown): CallOptions => ({
  auth: SSWS,
  contentType: 'application/json',
  body: JSON.stringify({ sessionToken }),
});

const scenarios: Scenario[] = [
  {
    name: 'valid session token',
    operationId: 'createSession',
    status: 200,
    run: async (emu) => send(emu, 'createSession', createBody(await emu.issueSessionToken())),
  },
  {
    name: 'malformed JSON',
    operationId: 'createSession',
    status: 400,
    run: async (emu) =>
      send(emu, 'createSession', { auth: SSWS, contentType: 'application/json', body: '{' }),
  },
  {
    name: 'wrong content type',
    operationId: 'createSession',
    status: 400,
    run: async (emu) =>
      send(emu, 'createSession', { auth: SSWS, contentType: 'text/plain', body: '{}' }),
  },
  {
    name: 'oversized body',
    operationId: 'createSession',
    status: 400,
    run: async (emu) => send(emu, 'createSession', createBody('x'.repeat(40_000))),
  },
  {
    name: 'missing sessionToken',
    operationId: 'createSession',
    status: 400,
    run: async (emu) => send(emu, 'createSession', createBody(undefined)),
  },
  {
    name: 'no credential',
    operationId: 'createSession',
    status: 403,
    run: async (emu) => send(emu, 'createSession', { contentType: 'application/json', body: '{}' }),
  },
  {
    name: 'wrong API token',
    operationId: 'createSession',
    status: 401,
    run: async (emu) => send(emu, 'createSession', { ...createBody('x'), auth: 'SSWS wrong' }),
  },
  {
    name: 'used session token',
    operationId: 'createSession',
    status: 401,
    run: async (emu) => {
      const token = await emu.issueSessionToken();
      await send(emu, 'createSession', createBody(token));
      return send(emu, 'createSession', createBody(token));
    },
  },
  {
    name: 'bearer token on an API-token-only operation',
    operationId: 'createSession',
    status: 403,
    run: async (emu) => send(emu, 'createSession', { ...createBody('x'), auth: 'Bearer at-all' }),
  },
  ...byIdOps.flatMap((op): Scenario[] => [
    {
      name: 'API token',
      operationId: op,
      status: operations[op].successStatus,
      run: async (emu) => send(emu, op, { auth: SSWS }, (await fresh(emu)).id),
    },
    {
      name: 'bearer token with the right scope',
      operationId: op,
      status: operations[op].successStatus,
      run: async (emu) => send(emu, op, { auth: 'Bearer at-all' }, (await fresh(emu)).id),
    },
    {
      name: 'no credential',
      operationId: op,
      status: 403,
      run: async (emu) => send(emu, op, {}, (await fresh(emu)).id),
    },
    {
      name: 'malformed Authorization',
      operationId: op,
      status: 403,
      run: async (emu) => send(emu, op, { auth: 'Basic eDp5' }, (await fresh(emu)).id),
    },
    {
      name: 'unknown access token',
      operationId: op,
      status: 401,
      run: async (emu) => send(emu, op, { auth: 'Bearer nope' }, (await fresh(emu)).id),
    },
    {
      name: 'bearer token without the scope',
      operationId: op,
      status: 403,
      run: async (emu) => send(emu, op, { auth: wrongScope[op] }, (await fresh(emu)).id),
    },
    {
      name: 'unknown id',
      operationId: op,
      status: 404,
      run: async (emu) => send(emu, op, { auth: SSWS }, '102unknown'),
    },
    {
      name: 'revoked session',
      operationId: op,
      status: 404,
      run: async (emu) => {
        const { id } = await fresh(emu);
        await send(emu, 'revokeSession', { auth: SSWS }, id);
        return send(emu, op, { auth: SSWS }, id);
      },
    },
  ]),
  ...meOps.flatMap((op): Scenario[] => [
    {
      name: 'sid cookie',
      operationId: op,
      status: operations[op].successStatus,
      run: async (emu) => send(emu, op, { cookie: (await fresh(emu)).cookie }),
    },
    {
      name: 'idx cookie, CORS origin',
      operationId: op,
      status: operations[op].successStatus,
      run: async (emu) =>
        send(emu, op, {
          cookie: `idx=${(await fresh(emu)).id}`,
          headers: { Origin: 'http://localhost:3000' },
        }),
    },
    {
      name: 'no cookie',
      operationId: op,
      status: 404,
      run: async (emu) => send(emu, op),
    },
    {
      name: 'closed session',
      operationId: op,
      status: 404,
      run: async (emu) => {
        const { cookie } = await fresh(emu);
        await send(emu, 'closeCurrentSession', { cookie });
        return send(emu, op, { cookie });
      },
    },
  ]),
  ...(
    [
      ['API token', 204, SSWS],
      ['bearer token with okta.users.manage', 204, 'Bearer at-users'],
      ['no credential', 403, undefined],
      ['bearer token with only the session scopes', 403, 'Bearer at-all'],
      ['unknown access token', 401, 'Bearer nope'],
    ] as const
  ).map(([name, status, auth]): Scenario => ({
    name,
    operationId: 'revokeUserSessions',
    status,
    run: async (emu) => {
      const userId = (await fresh(emu)).reply.json.userId as string;
      return send(emu, 'revokeUserSessions', auth ? { auth } : {}, userId);
    },
  })),
  {
    name: 'a user id the emulator never issued',
    operationId: 'revokeUserSessions',
    status: 404,
    run: async (emu) => send(emu, 'revokeUserSessions', { auth: SSWS }, '00unknown'),
  },
  ...(Object.keys(operations) as OperationId[]).map((op): Scenario => ({
    name: 'rate limit used up',
    operationId: op,
    status: 429,
    run: async (_, limited) => send(limited, op, { auth: SSWS, cookie: 'sid=x' }, 'x'),
  })),
];

describe('contract: emulator vs spec/okta-sessions.yaml', () => {
  let emu: Emulator;
  let limited: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({
      apiToken: TOKEN,
      accessTokens: {
        'at-read': ['okta.sessions.read'],
        'at-manage': ['okta.sessions.manage'],
        'at-all': ['okta.sessions.read', 'okta.sessions.manage'],
        'at-users': ['okta.users.manage'],
      },
      corsOrigins: ['http://localhost:3000'],
      maxBodyBytes: 32 * 1024,
    });
    limited = await startEmulator({ apiToken: TOKEN, rateLimit: { limit: 0, windowSeconds: 60 } });
  });
  afterAll(async () => {
    await emu.close();
    await limited.close();
  });

  test('generated/operations.ts matches the spec', () => {
    expect(Object.keys(operations).sort()).toEqual(Object.keys(specOperations).sort());
    for (const [id, op] of Object.entries(operations)) {
      const fromSpec = specOperations[id];
      expect({ method: op.method, path: op.path }).toEqual({
        method: fromSpec?.method,
        path: fromSpec?.path,
      });
      expect([...op.statuses].map(String)).toEqual(Object.keys(fromSpec?.responses ?? {}).sort());
    }
  });

  test('every declared (operation, status) has a scenario or a reason it cannot happen', () => {
    const missing: string[] = [];
    for (const id of Object.keys(operations) as OperationId[]) {
      for (const status of operations[id].statuses) {
        const covered = scenarios.some((s) => s.operationId === id && s.status === status);
        const excused = NOT_PRODUCIBLE[id]?.[status] !== undefined;
        if (covered === excused)
          missing.push(`${id} ${status} (covered=${covered}, excused=${excused})`);
      }
    }
    expect(missing).toEqual([]);
  });

  test.each(scenarios.map((s) => [`${s.operationId} ${s.status}: ${s.name}`, s] as const))(
    '%s',
    async (_, scenario) => {
      const reply = await scenario.run(emu, limited);
      expect(reply.status).toBe(scenario.status);
      expect(contractProblems(scenario.operationId, reply)).toEqual([]);
    },
  );

  test.each([
    ['unknown path', 'GET', '/api/v1/nothing', 404],
    ['wrong method', 'PATCH', '/api/v1/sessions', 405],
    ['wrong method on /me', 'PUT', '/api/v1/sessions/me', 405],
  ])('answers outside any operation are Okta-shaped: %s', async (_, method, target, status) => {
    const reply = await call(emu.url, method, target, { auth: SSWS });
    expect(reply.status).toBe(status);
    expect(errorBodyProblems(reply)).toEqual([]);
  });

  test('the schema check really rejects a response that breaks the spec', async () => {
    const reply = await send(emu, 'getSession', { auth: SSWS }, (await fresh(emu)).id);
    const broken: Reply = { ...reply, json: { ...reply.json, status: 42, createdAt: 'yesterday' } };
    expect(contractProblems('getSession', broken)).toHaveLength(1);
    expect(contractProblems('getSession', { ...reply, status: 418 })).toEqual([
      'status 418 is not declared for getSession',
    ]);
    const noHeaders: Reply = {
      ...reply,
      headers: new Headers({ 'content-type': 'application/json' }),
    };
    expect(contractProblems('getSession', noHeaders)).toHaveLength(4);
    expect(deref({ $ref: '#/components/responses/NotFound' }).content).toBeDefined();
  });

  test('sessions by id are found under the path the spec names', () => {
    expect(sessionPath('abc')).toBe(path('getSession', 'abc'));
  });
});

describe('contract: emulator vs spec/okta-authn.yaml (Authentication API endpoints)', () => {
  const USER = { login: 'contract@example.com', password: 'contract-password' };
  const APP = 'http://localhost:3000';
  let emu: Emulator;
  let limited: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ apiToken: TOKEN, users: [USER], corsOrigins: [APP] });
    limited = await startEmulator({
      apiToken: TOKEN,
      users: [USER],
      corsOrigins: [APP],
      rateLimit: { limit: 0, windowSeconds: 60 },
    });
  });
  afterAll(async () => {
    await emu.close();
    await limited.close();
  });

  const authn = (target: Emulator, body: unknown, contentType = 'application/json') =>
    call(target.url, 'POST', '/api/v1/authn', {
      contentType,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const redirect = (target: Emulator, token: string | null, redirectUrl: string | null) => {
    const query = new URLSearchParams();
    if (token !== null) query.set('token', token);
    if (redirectUrl !== null) query.set('redirectUrl', redirectUrl);
    return call(target.url, 'GET', `/login/sessionCookieRedirect?${query}`, {
      redirect: 'manual',
    });
  };
  const token = async () =>
    (await authn(emu, { username: USER.login, password: USER.password })).json
      .sessionToken as string;

  const cases: [string, string, number, () => Promise<Reply>][] = [
    [
      'right password',
      'primaryAuthentication',
      200,
      () => authn(emu, { username: USER.login, password: USER.password }),
    ],
    ['malformed JSON', 'primaryAuthentication', 400, () => authn(emu, '{')],
    ['no password', 'primaryAuthentication', 400, () => authn(emu, { username: USER.login })],
    [
      'wrong password',
      'primaryAuthentication',
      401,
      () => authn(emu, { username: USER.login, password: 'nope' }),
    ],
    [
      'unknown user',
      'primaryAuthentication',
      401,
      () => authn(emu, { username: 'who@example.com', password: USER.password }),
    ],
    [
      'rate limit used up',
      'primaryAuthentication',
      429,
      () => authn(limited, { username: USER.login, password: USER.password }),
    ],
    [
      'trusted redirect',
      'sessionCookieRedirect',
      302,
      async () => redirect(emu, await token(), `${APP}/home`),
    ],
    [
      'untrusted redirect',
      'sessionCookieRedirect',
      400,
      async () => redirect(emu, await token(), 'https://evil.example/'),
    ],
    ['no token', 'sessionCookieRedirect', 400, () => redirect(emu, null, `${APP}/home`)],
    [
      'used token',
      'sessionCookieRedirect',
      401,
      async () => {
        const t = await token();
        await redirect(emu, t, `${APP}/home`);
        return redirect(emu, t, `${APP}/home`);
      },
    ],
    [
      'rate limit used up',
      'sessionCookieRedirect',
      429,
      () => redirect(limited, 'x', `${APP}/home`),
    ],
  ];

  test('every declared (operation, status) has a case', () => {
    const declared = Object.values(authnContract.specOperations).flatMap((op) =>
      Object.keys(op.responses).map((status) => `${op.operationId} ${status}`),
    );
    const covered = new Set(cases.map(([, op, status]) => `${op} ${status}`));
    expect(declared.filter((d) => !covered.has(d))).toEqual([]);
    expect([...covered].filter((c) => !declared.includes(c))).toEqual([]);
  });

  test.each(cases)('%s: %s %d', async (_, operationId, status, run) => {
    const reply = await run();
    expect(reply.status).toBe(status);
    expect(authnContract.contractProblems(operationId, reply)).toEqual([]);
  });

  test('the authn schema check really rejects a broken answer', async () => {
    const reply = await authn(emu, { username: USER.login, password: USER.password });
    const broken: Reply = { ...reply, json: { ...reply.json, status: 'MFA_REQUIRED' } };
    expect(authnContract.contractProblems('primaryAuthentication', broken)).toHaveLength(1);
  });
});

// What real Okta traffic shows (../shared facts, "Real traffic"), each checked against the
// emulator and, where the spec describes it, against the spec too.
describe('contract: the emulator answers as real Okta traffic shows', () => {
  const CLEAR_SID = 'sid="";Version=1;Path=/;Max-Age=0';
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      apiToken: TOKEN,
      accessTokens: { 'at-all': ['okta.sessions.read'] },
    });
  });
  afterAll(() => emu.close());

  const meLinks = (base: string) => ({
    self: `${base}/api/v1/sessions/me`,
    refresh: `${base}/api/v1/sessions/me/lifecycle/refresh`,
    user: `${base}/api/v1/users/me`,
  });
  const hrefs = (json: any) => ({
    self: json._links.self.href,
    refresh: json._links.refresh.href,
    user: json._links.user.href,
  });

  test('1. createSession sets no sid, only the clearing cookie of every API-token call', async () => {
    const { reply } = await fresh(emu);
    expect(reply.headers.get('set-cookie')).toBe(CLEAR_SID);
    const got = await send(emu, 'getSession', { auth: SSWS }, reply.json.id);
    expect(got.headers.get('set-cookie')).toBe(CLEAR_SID);
    const bearer = await send(emu, 'getSession', { auth: 'Bearer at-all' }, reply.json.id);
    expect(bearer.headers.get('set-cookie')).toBeNull();
  });

  test('2. refreshSession by id sets sid=<id>;Version=1;Path=/;Secure (declared in the spec)', async () => {
    const { id } = await fresh(emu);
    const reply = await send(emu, 'refreshSession', { auth: SSWS }, id);
    expect(reply.headers.get('set-cookie')).toBe(`sid=${id};Version=1;Path=/;Secure`);
    expect(contractProblems('refreshSession', reply)).toEqual([]);
    const noCookie: Reply = {
      ...reply,
      headers: new Headers([...reply.headers].filter(([n]) => n !== 'set-cookie')),
    };
    expect(contractProblems('refreshSession', noCookie)).toEqual([
      'missing required header Set-Cookie',
    ]);
  });

  test('3. missing or malformed Authorization: 403 E0000005; a wrong token: 401 E0000011', async () => {
    const { id } = await fresh(emu);
    for (const options of [{}, { auth: 'Basic eDp5' }, { auth: 'SSWS' }]) {
      const reply = await send(emu, 'getSession', options, id);
      expect([reply.status, reply.json.errorCode, reply.json.errorSummary]).toEqual([
        403,
        'E0000005',
        'Invalid session',
      ]);
      expect(contractProblems('getSession', reply)).toEqual([]);
    }
    const wrong = await send(emu, 'getSession', { auth: 'SSWS wrong' }, id);
    expect([wrong.status, wrong.json.errorCode]).toEqual([401, 'E0000011']);
    const spec = deref({ $ref: '#/components/responses/Forbidden' });
    expect(spec.description).toMatch(/E0000005/);
    expect(deref({ $ref: '#/components/responses/Unauthorized' }).description).toMatch(
      /missing or malformed `Authorization` header is a 403/,
    );
  });

  test('4. /me answers (and createSession) link to the /me paths, in the emulator and the spec', async () => {
    const { id, cookie, reply } = await fresh(emu);
    expect(hrefs(reply.json)).toEqual(meLinks(emu.url));
    for (const op of ['getCurrentSession', 'refreshCurrentSession'] as const) {
      const me = await send(emu, op, { cookie });
      expect(hrefs(me.json)).toEqual(meLinks(emu.url));
    }
    const byId = await send(emu, 'getSession', { auth: SSWS }, id);
    expect(byId.json._links.self.href).toBe(`${emu.url}/api/v1/sessions/${id}`);
    for (const name of ['CurrentSession', 'RefreshedCurrentSession', 'NewSession']) {
      const example = deref({ $ref: `#/components/examples/${name}` }).value;
      expect(hrefs(example)).toEqual(meLinks('https://subdomain.okta.com'));
    }
  });

  test('5. rate limits: 600 per minute per bucket by default; concurrency 429s read 0 and fit the spec', async () => {
    const { id } = await fresh(emu);
    const reply = await send(emu, 'getSession', { auth: SSWS }, id);
    expect(reply.headers.get('x-rate-limit-limit')).toBe('600');
    const capped = await startEmulator({
      apiToken: TOKEN,
      rateLimit: { limit: 5, windowSeconds: 60, concurrency: 1 },
    });
    // createSession and getSession share a bucket; /me has its own
    await fresh(capped);
    const second = await send(capped, 'getSession', { auth: SSWS }, 'x');
    expect(second.headers.get('x-rate-limit-remaining')).toBe('3');
    const meFirst = await send(capped, 'getCurrentSession', {});
    expect(meFirst.headers.get('x-rate-limit-remaining')).toBe('4');
    const { connect } = await import('node:net');
    const socket = connect(Number(new URL(capped.url).port), '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: ${SSWS}\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const limited = await send(capped, 'getSession', { auth: SSWS }, id);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-rate-limit-limit')).toBe('0');
      expect(contractProblems('getSession', limited)).toEqual([]);
    } finally {
      socket.destroy();
      await capped.close();
    }
  });

  test('6. shapes: whole seconds, mfaActive, 404 texts, errorId, GET /sessions/ 405, SSWS = Bearer parsing', async () => {
    const { id, reply } = await fresh(emu);
    for (const field of ['createdAt', 'expiresAt', 'lastPasswordVerification'])
      expect(reply.json[field]).toMatch(/T\d\d:\d\d:\d\d\.000Z$/);
    expect(reply.json.mfaActive).toBe(false);
    expect(deref({ $ref: '#/components/schemas/Session' }).properties.mfaActive.deprecated).toBe(
      true,
    );
    const byId = await send(emu, 'getSession', { auth: SSWS }, 'nope');
    expect(byId.json.errorSummary).toBe('Not found: Resource not found: nope (AppSession)');
    expect(byId.json.errorId).toMatch(/^oae[A-Za-z0-9]{22}$/);
    const me = await send(emu, 'getCurrentSession', {});
    expect(me.json.errorSummary).toBe('Not found: Resource not found: me (Session)');
    const slash = await call(emu.url, 'GET', '/api/v1/sessions/', { auth: SSWS });
    expect([slash.status, slash.json.errorCode]).toEqual([405, 'E0000022']);
    expect(errorBodyProblems(slash)).toEqual([
      'missing required header X-Rate-Limit-Limit',
      'missing required header X-Rate-Limit-Remaining',
      'missing required header X-Rate-Limit-Reset',
      'missing required header X-Okta-Request-Id',
    ]);
    for (const auth of [`SSWS  ${TOKEN}`, 'Bearer  at-all'])
      expect((await send(emu, 'getSession', { auth }, id)).status).toBe(200);
  });

  test('7. refresh promises only that expiresAt does not move backwards', async () => {
    const { id, cookie, reply } = await fresh(emu);
    for (const refreshed of [
      await send(emu, 'refreshSession', { auth: SSWS }, id),
      await send(emu, 'refreshCurrentSession', { cookie }),
    ]) {
      expect(Date.parse(refreshed.json.expiresAt)).toBeGreaterThanOrEqual(
        Date.parse(reply.json.expiresAt),
      );
    }
  });

  test('8. lifecycle: closeCurrentSession is deprecated; each affected operation says what Okta announced', () => {
    expect(specOperations['closeCurrentSession']).toBeDefined();
    const ops = deref({ $ref: '#/paths' });
    expect(ops['/api/v1/sessions/me'].delete.deprecated).toBe(true);
    expect(ops['/api/v1/sessions/me'].delete.description).toMatch(/2025\.10\.0[\s\S]*2026\.06\.0/);
    for (const op of [
      ops['/api/v1/sessions'].post,
      ops['/api/v1/sessions/me'].get,
      ops['/api/v1/sessions/me/lifecycle/refresh'].post,
    ]) {
      expect(op.description).toMatch(/2025\.10\.0/);
      expect(op.deprecated).toBeUndefined();
    }
  });
});
