// parseSession checks a Session body against the spec's Session schema (issue #24): each
// required field present, each field of the type the spec gives it (the fields of `idp`, the
// items of `amr`, `_links` as an object), date-times made Dates; unknown fields and enum values
// kept as they are. A problem names the field, never its value, which may be a secret.
import { sessionShape } from '../generated/operations.js';
import { spec } from '../scripts/spec.cjs';
import { getCurrentSession } from '../src/current-session.js';
import { startEmulator } from '../src/emulator/index.js';
import { UNKNOWN_ENUM_VALUE, UNKNOWN_PROPERTY } from '../src/emulator/unknown-values.js';
import { OktaInvalidResponseError, OktaSessions } from '../src/index.js';
import { parseSession, type Checked, type Session } from '../src/model/session.js';
import { newSession } from './helpers/emulator-http.js';
import { expectNoSecrets } from './helpers/faults-expect.js';
import {
  closeAllScriptedServers,
  json,
  sessionBody,
  startScriptedServer,
} from './helpers/scripted-server.js';
import * as fetchHarness from './helpers/fetch-harness.js';
import { SESSION_ID, harness, rejection } from './helpers/fetch-harness.js';
import { client, failure, serve } from './helpers/hostile-server.js';

afterEach(closeAllScriptedServers);

/** A value that must never show in a problem. */
const SECRET = 'SECRET-value-7f3a';

/** The spec's ActiveSession example with `changes` applied; `undefined` deletes a field. */
function body(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const session = sessionBody();
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete session[key];
    else session[key] = value;
  }
  return session;
}

const idp = (fields: Record<string, unknown>) => ({ id: '00o1n9ae2QZAQWXMIYCO', ...fields });

describe('refused, naming the field', () => {
  const required: string[] = spec.components.schemas.Session.required;

  test('the spec requires these fields', () => {
    expect(required).toEqual([
      'id',
      'login',
      'userId',
      'createdAt',
      'expiresAt',
      'status',
      'amr',
      '_links',
    ]);
  });

  test.each(required)('a Session without "%s"', (field) => {
    expect(parseSession(JSON.stringify(body({ [field]: undefined })))).toBe(
      `the response's Session has no "${field}"`,
    );
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a string where idp is an object', { idp: SECRET }, '"idp" is not a JSON object'],
    ['null where idp is an object', { idp: null }, '"idp" is not a JSON object'],
    ['a string where _links is an object', { _links: SECRET }, '"_links" is not a JSON object'],
    ['an array where _links is an object', { _links: [SECRET] }, '"_links" is not a JSON object'],
    ['null where _links is an object', { _links: null }, '"_links" is not a JSON object'],
    ['a number where userId is a string', { userId: 42 }, '"userId" is not a string'],
    ['an object where login is a string', { login: { SECRET } }, '"login" is not a string'],
    ['null where id is a string', { id: null }, '"id" is not a string'],
    ['a number where status is a string', { status: 7 }, '"status" is not a string'],
    ['a string where amr is an array', { amr: SECRET }, '"amr" is not an array'],
    ['an object where amr is an array', { amr: { 0: 'pwd' } }, '"amr" is not an array'],
    ['an amr item that is not a string', { amr: ['pwd', 5] }, '"amr.1" is not a string'],
    ['an amr item that is an object', { amr: [{ SECRET }] }, '"amr.0" is not a string'],
    ['an idp.id that is a number', { idp: idp({ id: 1234 }) }, '"idp.id" is not a string'],
    [
      'an idp.type that is not a string',
      { idp: idp({ type: [SECRET] }) },
      '"idp.type" is not a string',
    ],
    [
      'a string where mfaActive is a boolean',
      { mfaActive: 'true' },
      '"mfaActive" is not a boolean',
    ],
    ['createdAt that is not a date', { createdAt: SECRET }, '"createdAt" is not a date-time'],
    [
      'createdAt as epoch milliseconds',
      { createdAt: 1796032860000 },
      '"createdAt" is not a date-time',
    ],
    ['expiresAt null (not nullable)', { expiresAt: null }, '"expiresAt" is not a date-time'],
    [
      'expiresAt on a day that does not exist',
      { expiresAt: '2026-02-31T10:00:00.000Z' },
      '"expiresAt" is not a date-time',
    ],
    [
      'lastFactorVerification as a number',
      { lastFactorVerification: 5 },
      '"lastFactorVerification" is not a date-time',
    ],
  ])('%s', (_, changes, problem) => {
    const text = JSON.stringify(body(changes));
    expect(parseSession(text)).toBe(problem);
    expect(problem).not.toContain(SECRET);
  });

  test.each(['[]', '"session"', '42', 'null'])('a body that is %s', (text) => {
    expect(parseSession(text)).toBe('body is not a JSON object');
  });
});

describe('accepted, kept as sent', () => {
  test.each<[string, Record<string, unknown>]>([
    ['an unknown field', { riskScore: { level: SECRET, nested: [1, null] } }],
    ['an unknown status', { status: 'UNLISTED_VALUE' }],
    ['an unknown amr value', { amr: ['pwd', 'UNLISTED_VALUE'] }],
    ['no amr values at all', { amr: [] }],
    [
      'an unknown idp.type and an unknown idp field',
      { idp: idp({ type: 'UNLISTED_VALUE', extra: 1 }) },
    ],
    ['an idp without id (the spec does not require it)', { idp: { type: 'OKTA' } }],
    ['no idp (Identity Engine /me answers)', { idp: undefined }],
    ['no mfaActive', { mfaActive: undefined }],
    ['null verification times', { lastPasswordVerification: null, lastFactorVerification: null }],
    [
      'no verification times',
      { lastPasswordVerification: undefined, lastFactorVerification: undefined },
    ],
    [
      '_links with other links than the spec lists (links are checked as an object only)',
      { _links: { next: SECRET } },
    ],
  ])('%s', (_, changes) => {
    const sent = body(changes);
    const session = parseSession(JSON.stringify(sent));
    if (typeof session === 'string') throw new Error(`refused: ${session}`);
    const dates = ['createdAt', 'expiresAt', 'lastPasswordVerification', 'lastFactorVerification'];
    const expected: Record<string, unknown> = { ...sent };
    for (const field of dates) {
      const value = sent[field];
      if (typeof value === 'string') expected[field] = new Date(value);
    }
    expect(session).toStrictEqual(expected);
    expect(session.createdAt).toBeInstanceOf(Date);
  });

  test('fractional seconds and offsets name the same instant', () => {
    const session = parseSession(
      JSON.stringify(body({ expiresAt: '2026-11-29T13:30:00.123456+01:30' })),
    );
    if (typeof session === 'string') throw new Error(session);
    expect(session.expiresAt.toISOString()).toBe('2026-11-29T12:00:00.123Z');
  });
});

// What the generated shape guarantees is what Session promises, field for field: the same
// names, the same required ones (a compile error under `npm run lint` otherwise). parseSession
// itself only compiles while each checked field's type fits Session's.
type Checks = Checked<typeof sessionShape>;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

test('the generated shape has the fields of Session, and requires the same ones', () => {
  const sameFields: Equal<keyof Checks, keyof Session> = true;
  const sameRequired: Equal<RequiredKeys<Checks>, RequiredKeys<Session>> = true;
  expect([sameFields, sameRequired]).toEqual([true, true]);
  expect(Object.keys(sessionShape).map((name) => name.replace('?', ''))).toEqual(
    Object.keys(spec.components.schemas.Session.properties),
  );
});

describe('through the public client, against a real server', () => {
  const broken = body({ userId: undefined });
  const wrong = body({ login: { secret: SECRET } });

  test.each([
    ['a missing field', broken, `the response's Session has no "userId"`],
    ['a wrong-typed field', wrong, '"login" is not a string'],
  ])('getSession refuses %s with an OktaInvalidResponseError', async (_, sent, problem) => {
    const server = await startScriptedServer([json(200, sent, { requestId: 'req-24' })]);
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: 'token-never-shown',
      retry: { maxRetries: 0 },
    });
    const err = await okta.getSession('102Ke2yJpW3Q0ClCnZ_ryqPVQ').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: ${problem} (GET /api/v1/sessions/102Ke2yJpW3Q0ClCnZ_ryqPVQ, request req-24)`,
    );
    expectNoSecrets(err, [SECRET, 'token-never-shown']);
    expect(server.attempts).toBe(1);
  });

  test('getCurrentSession (the /me page) refuses it too', async () => {
    const server = await startScriptedServer([json(200, wrong)]);
    const err = await getCurrentSession({ orgUrl: server.url, retry: { maxRetries: 0 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toContain(': "login" is not a string (GET /api/v1/sessions/me');
    expectNoSecrets(err, [SECRET]);
  });
});

test("a session from the emulator's unknown-values mode comes through with its unknown values", async () => {
  const emulator = await startEmulator({ unknownValues: true });
  try {
    const { id } = await newSession(emulator);
    const okta = new OktaSessions({ orgUrl: emulator.url, apiToken: emulator.apiToken });
    const session = (await okta.getSession(id)) as Session & Record<string, unknown>;
    expect(session.status).toBe(UNKNOWN_ENUM_VALUE);
    expect(session.amr).toContain(UNKNOWN_ENUM_VALUE);
    expect(session.idp?.type).toBe(UNKNOWN_ENUM_VALUE);
    expect(session).toHaveProperty(UNKNOWN_PROPERTY);
    expect(session.idp).toHaveProperty(UNKNOWN_PROPERTY);
    expect(session._links).toHaveProperty(UNKNOWN_PROPERTY);
    expect(session.expiresAt).toBeInstanceOf(Date);
  } finally {
    await emulator.close();
  }
});

describe('session parsing', () => {
  const { json } = fetchHarness; // test/helpers/fetch-harness.ts's own
  test('a 200 body whose createdAt is not a date is an OktaInvalidResponseError, not Invalid Date', async () => {
    const body = { ...sessionBody(SESSION_ID), createdAt: 'yesterday' };
    const h = harness([json(200, body, { 'x-okta-request-id': 'req-1' })]);

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: "createdAt" is not a date-time (GET /api/v1/sessions/${SESSION_ID}, request req-1)`,
    );
  });

  test.each(['42', 'true', 'false', '"session"', 'null', '[]'])(
    'a 200 body that is the JSON value %s is refused as not an object',
    async (text) => {
      const h = harness([
        new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }),
      ]);

      const err = await rejection(h.okta.getSession(SESSION_ID));

      expect(err).toBeInstanceOf(OktaInvalidResponseError);
      expect((err as Error).message).toBe(
        `Okta HTTP 200 with an unusable body: body is not a JSON object (GET /api/v1/sessions/${SESSION_ID})`,
      );
    },
  );
});

describe('session parsing: not JSON', () => {
  test('a 200 body that is not JSON is an OktaInvalidResponseError saying "body is not JSON"', async () => {
    const h = harness([
      new Response('{"id": "102', { status: 200, headers: { 'content-type': 'application/json' } }),
    ]);

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: body is not JSON (GET /api/v1/sessions/${SESSION_ID})`,
    );
  });
});

describe('session parsing: each date field', () => {
  async function parsed(body: string): Promise<unknown> {
    const h = harness([
      new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
    ]);
    return h.okta.getSession(SESSION_ID).catch((error: unknown) => error);
  }

  test('an empty 200 body is refused as such', async () => {
    const err = await parsed('');
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: empty body where a Session was expected (GET /api/v1/sessions/${SESSION_ID})`,
    );
  });

  test.each([
    ['createdAt', null],
    ['expiresAt', null],
    ['lastPasswordVerification', 5],
    ['lastFactorVerification', 'soon'],
  ])('%s %p is refused, naming the field', async (field, value) => {
    const err = await parsed(JSON.stringify({ ...sessionBody(SESSION_ID), [field]: value }));
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toBe(
      `Okta HTTP 200 with an unusable body: "${field}" is not a date-time (GET /api/v1/sessions/${SESSION_ID})`,
    );
  });

  test('absent verification times stay absent; the other fields pass through untouched', async () => {
    const body = sessionBody(SESSION_ID);
    delete body['lastPasswordVerification'];
    delete body['lastFactorVerification'];
    const session = (await parsed(JSON.stringify(body))) as Record<string, unknown>;
    expect(Object.keys(session).sort()).toEqual(Object.keys(body).sort());
    expect(session).toEqual({
      ...body,
      createdAt: new Date(body['createdAt'] as string),
      expiresAt: new Date(body['expiresAt'] as string),
    });
  });

  test('null verification times stay null', async () => {
    const session = (await parsed(
      JSON.stringify({
        ...sessionBody(SESSION_ID),
        lastPasswordVerification: null,
        lastFactorVerification: null,
      }),
    )) as Record<string, unknown>;
    expect([session['lastPasswordVerification'], session['lastFactorVerification']]).toEqual([
      null,
      null,
    ]);
  });

  test('valid verification times become Dates', async () => {
    const session = (await parsed(
      JSON.stringify({
        ...sessionBody(SESSION_ID),
        lastPasswordVerification: '2026-11-29T10:00:00.000Z',
        lastFactorVerification: '2026-11-29T10:05:00.000Z',
      }),
    )) as Record<string, unknown>;
    expect([session['lastPasswordVerification'], session['lastFactorVerification']]).toEqual([
      new Date('2026-11-29T10:00:00.000Z'),
      new Date('2026-11-29T10:05:00.000Z'),
    ]);
  });
});

describe('session date-time fields must be date-time strings', () => {
  const wrong: Array<[string, Record<string, unknown>]> = [
    ['expiresAt as a number', { expiresAt: 123 }],
    ['createdAt as an object', { createdAt: {} }],
    ['createdAt as an array', { createdAt: ['2026-11-29T10:00:00.000Z'] }],
    ['expiresAt as true', { expiresAt: true }],
    ['expiresAt null (the spec does not allow it)', { expiresAt: null }],
    ['expiresAt as a loose date', { expiresAt: 'March 7' }],
    ['expiresAt as a bare number string', { expiresAt: '1' }],
    ['expiresAt on a day that does not exist', { expiresAt: '2026-02-31T10:00:00.000Z' }],
    ['expiresAt without a time zone', { expiresAt: '2026-11-29T10:00:00' }],
    ['lastFactorVerification as a number', { lastFactorVerification: 0 }],
  ];

  test.each(wrong)('%s is an OktaInvalidResponseError', async (_, fields) => {
    const server = await serve(json(200, { ...sessionBody('abc'), ...fields }));
    const err = await failure(client(server).getSession('abc'));
    expect(err).toBeInstanceOf(OktaInvalidResponseError);
    expect((err as Error).message).toMatch(/is not a date-time/);
  });

  test('null where the spec allows it stays null; valid strings become Dates', async () => {
    const server = await serve(
      json(200, {
        ...sessionBody('abc'),
        createdAt: '2026-11-29T10:00:00Z',
        expiresAt: '2026-11-29T12:00:00.123+01:00',
        lastPasswordVerification: null,
        lastFactorVerification: null,
      }),
    );
    const session = await client(server).getSession('abc');
    expect(session.createdAt).toEqual(new Date('2026-11-29T10:00:00Z'));
    expect(session.expiresAt).toEqual(new Date('2026-11-29T11:00:00.123Z'));
    expect(session.lastPasswordVerification).toBeNull();
    expect(session.lastFactorVerification).toBeNull();
  });
});
