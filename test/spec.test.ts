// The operation table of the contract, asserted straight from the parsed spec: an accidental
// edit of an operationId, method, path, security requirement or status code fails CI.
import { dateTimeFields, operations as generated } from '../generated/operations.js';
import * as generatedSchema from '../generated/schema.js';
import type { components } from '../generated/schema.js';
import { deref, spec } from '../scripts/spec.cjs';
import type { Open, Session } from '../src/index.js';

const TOKEN_READ = [{ apiToken: [] }, { oauth2: ['okta.sessions.read'] }];
const TOKEN_MANAGE = [{ apiToken: [] }, { oauth2: ['okta.sessions.manage'] }];

const TABLE = [
  ['createSession', 'post', '/api/v1/sessions', [{ apiToken: [] }], [200, 400, 401, 403, 429]],
  ['getSession', 'get', '/api/v1/sessions/{sessionId}', TOKEN_READ, [200, 400, 401, 403, 404, 429]],
  [
    'refreshSession',
    'post',
    '/api/v1/sessions/{sessionId}/lifecycle/refresh',
    TOKEN_MANAGE,
    [200, 401, 403, 404, 429],
  ],
  [
    'revokeSession',
    'delete',
    '/api/v1/sessions/{sessionId}',
    TOKEN_MANAGE,
    [204, 401, 403, 404, 429],
  ],
  ['getCurrentSession', 'get', '/api/v1/sessions/me', [], [200, 404, 429]],
  ['refreshCurrentSession', 'post', '/api/v1/sessions/me/lifecycle/refresh', [], [200, 404, 429]],
  ['closeCurrentSession', 'delete', '/api/v1/sessions/me', [], [204, 404, 429]],
  [
    'revokeUserSessions',
    'delete',
    '/api/v1/users/{userId}/sessions',
    [{ apiToken: [] }, { oauth2: ['okta.users.manage'] }],
    [204, 401, 403, 404, 429],
  ],
] as const;

type Operation = {
  operationId: string;
  security?: unknown;
  responses: Record<string, { $ref?: string }>;
  parameters?: unknown[];
};

function allOperations(): Array<{
  method: string;
  path: string;
  op: Operation;
  pathItem: Record<string, unknown>;
}> {
  const out = [];
  for (const [path, item] of Object.entries(
    spec.paths as Record<string, Record<string, unknown>>,
  )) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      if (item[method]) out.push({ method, path, op: item[method] as Operation, pathItem: item });
    }
  }
  return out;
}

test('the spec has exactly the seven session operations and revokeUserSessions, no more', () => {
  expect(
    allOperations()
      .map((o) => o.op.operationId)
      .sort(),
  ).toEqual(TABLE.map((r) => r[0]).sort());
});

describe.each(TABLE)('%s', (operationId, method, path, security, statuses) => {
  const found = allOperations().find((o) => o.op.operationId === operationId)!;

  test('method and path', () => {
    expect([found.method, found.path]).toEqual([method, path]);
  });

  test('security requirements', () => {
    expect(found.op.security).toEqual(security);
  });

  test('status codes', () => {
    expect(
      Object.keys(found.op.responses)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(statuses);
  });

  test('every response declares the rate-limit and request-id headers', () => {
    for (const response of Object.values(found.op.responses)) {
      const headers = Object.keys((deref(response)['headers'] ?? {}) as object);
      expect(headers).toEqual(
        expect.arrayContaining([
          'X-Rate-Limit-Limit',
          'X-Rate-Limit-Remaining',
          'X-Rate-Limit-Reset',
          'X-Okta-Request-Id',
        ]),
      );
    }
  });

  test('error responses use the one Okta error schema', () => {
    for (const [status, response] of Object.entries(found.op.responses)) {
      if (Number(status) < 400) continue;
      const content = deref(response)['content'] as Record<string, { schema: { $ref: string } }>;
      expect(content['application/json']!.schema.$ref).toBe(
        '#/components/schemas/OktaErrorResponse',
      );
    }
  });

  test('the /me operations take an optional Cookie header, the others none', () => {
    const params = [
      ...((found.pathItem['parameters'] as unknown[]) ?? []),
      ...(found.op.parameters ?? []),
    ].map((p) => deref(p));
    const cookie = params.find((p) => p['in'] === 'header' && p['name'] === 'Cookie');
    if (path.startsWith('/api/v1/sessions/me')) expect(cookie?.['required']).toBe(false);
    else expect(cookie).toBeUndefined();
  });

  test('generated/operations.ts agrees with the spec (regenerated, not hand-kept)', () => {
    const meta = generated[operationId];
    expect([meta.method, meta.path, meta.security, meta.statuses]).toEqual([
      method.toUpperCase(),
      path,
      security,
      statuses,
    ]);
  });
});

test('the error schema is not named Error (clashes in TS, Java, Go and Python generators)', () => {
  expect(Object.keys(spec.components.schemas)).not.toContain('Error');
  expect(spec.components.schemas.OktaErrorResponse.required).toEqual(['errorCode', 'errorSummary']);
});

test('enums match Okta, without the "opt" typo', () => {
  const schemas = spec.components.schemas;
  expect(schemas.SessionStatus['x-extensible-enum']).toEqual([
    'ACTIVE',
    'MFA_ENROLL',
    'MFA_REQUIRED',
  ]);
  expect(schemas.SessionAuthenticationMethod['x-extensible-enum']).toEqual([
    'pwd',
    'swk',
    'hwk',
    'otp',
    'sms',
    'tel',
    'geo',
    'fpt',
    'kba',
    'mfa',
    'mca',
    'sc',
  ]);
  expect(schemas.SessionIdentityProviderType['x-extensible-enum']).toEqual([
    'ACTIVE_DIRECTORY',
    'FEDERATION',
    'LDAP',
    'OKTA',
    'SOCIAL',
  ]);
  expect(JSON.stringify(spec)).not.toMatch(/\bopt\b/);
});

test('enums are open (x-extensible-enum): clients generated from the spec accept new values', () => {
  const closed: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'enum' && !path.endsWith('/not')) closed.push(path);
      walk(value, `${path}/${key}`);
    }
  };
  walk(spec.components.schemas, '#/components/schemas');
  expect(closed).toEqual([]);
  expect(spec.components.schemas.HttpMethod['x-extensible-enum']).toEqual([
    'GET',
    'POST',
    'PUT',
    'DELETE',
  ]);
});

test('our types read x-extensible-enum as enum: literal unions and value arrays stay', () => {
  const listed: components['schemas']['SessionStatus'] = 'MFA_REQUIRED';
  // @ts-expect-error a value the spec does not list is no SessionStatus (checked by npm run lint)
  const unlisted: components['schemas']['SessionStatus'] = 'UNLISTED_VALUE';
  // The two lines above are the test of the types, at compile time (`npm run lint`); at run
  // time they only hold the values this test gave them.
  void [listed, unlisted];
  // Each open enum of the spec has its value array in generated/schema.ts, with the spec's values.
  const arrays: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(
    spec.components.schemas as Record<string, { 'x-extensible-enum'?: string[] }>,
  )) {
    if (!schema['x-extensible-enum']) continue;
    const exported = `${name[0]!.toLowerCase()}${name.slice(1)}Values`;
    arrays[exported] = (generatedSchema as Record<string, unknown>)[exported];
    expected[exported] = schema['x-extensible-enum'];
  }
  expect(Object.keys(expected)).toHaveLength(4);
  expect(arrays).toEqual(expected);
});

test('errorCode takes any string: OAuth-style errors such as invalid_token carry no E-code', () => {
  expect(spec.components.schemas.OktaErrorResponse.properties.errorCode).not.toHaveProperty(
    'pattern',
  );
});

test('one OAuth 2.0 flow, the one service apps use', () => {
  expect(Object.keys(spec.components.securitySchemes.oauth2.flows)).toEqual(['clientCredentials']);
});

test('a second server points at a local emulator, with a port variable', () => {
  expect(spec.servers[1].url).toBe('http://127.0.0.1:{port}');
  expect(spec.servers[1].variables.port.default).toMatch(/^\d+$/);
});

test('servers use the {yourOktaDomain} variable with the documented default', () => {
  expect(spec.servers[0].url).toBe('https://{yourOktaDomain}');
  expect(spec.servers[0].variables.yourOktaDomain.default).toBe('subdomain.okta.com');
});

test("examples keep href inside each link object (a bug in Okta's own spec)", () => {
  for (const example of Object.values(
    spec.components.examples as Record<string, { value: Record<string, unknown> }>,
  )) {
    const links = example.value['_links'] as Record<string, unknown> | undefined;
    if (!links) continue;
    expect(links).not.toHaveProperty('href');
    for (const link of Object.values(links)) expect(link).toHaveProperty('href');
  }
});

// The façade's Session is written out so that a hover reads it at a glance; this keeps it equal
// to what the spec says (field names, required or not, read-only, enum values, dates as Date).
type WireSession = components['schemas']['Session'];
type DateField = (typeof dateTimeFields)['Session'][number];
type SessionFromSpec = {
  [K in keyof WireSession]: K extends DateField
    ? null extends WireSession[K]
      ? Date | null
      : Date
    : Open<WireSession[K]>;
};
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

test("the Session interface is the spec's Session schema, field for field", () => {
  // The test of the types is this line: `npm run lint` fails to compile it when Session and
  // the spec's Session differ. At run time `same` is the `true` written here, so nothing to expect.
  const same: Equal<Session, SessionFromSpec> = true;
  void same;
  // SessionFromSpec turns the fields of dateTimeFields into Dates: they must be the spec's
  // date-time fields, no more and no fewer.
  const properties = spec.components.schemas.Session.properties as Record<string, unknown>;
  expect(dateTimeFields.Session).toEqual(
    Object.keys(properties).filter((name) => deref(properties[name])['format'] === 'date-time'),
  );
  expect(spec.components.schemas.Session.required).toEqual(
    expect.arrayContaining(['id', 'login', 'userId', 'createdAt', 'expiresAt', 'status', 'amr']),
  );
});

test("revokeUserSessions takes Okta's two optional boolean query parameters, with its defaults", () => {
  const op = spec.paths['/api/v1/users/{userId}/sessions'].delete;
  const query = (op.parameters as Record<string, unknown>[])
    .map((p) => deref(p))
    .filter((p) => p['in'] === 'query')
    .map((p) => [p['name'], p['required'], p['schema']]);
  expect(query).toEqual([
    ['oauthTokens', false, { type: 'boolean', default: false }],
    ['forgetDevices', false, { type: 'boolean', default: true }],
  ]);
  expect(op.tags).toEqual(['UserSessions']);
});
