// Contract test: every (operation, status) the emulator can produce is provoked and the answer
// is validated against spec/okta-sessions.yaml. A spec status with no scenario must be listed in
// NOT_PRODUCIBLE with a reason, so the emulator and the spec cannot drift apart silently.
import { operations, type OperationId } from '../generated/operations.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { deref } from '../scripts/spec.cjs';
import {
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
  return operations[op].path.replace('{sessionId}', encodeURIComponent(id));
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
    status: 401,
    run: async (emu) => send(emu, 'createSession', { contentType: 'application/json', body: '{}' }),
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
      status: 401,
      run: async (emu) => send(emu, op, {}, (await fresh(emu)).id),
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
