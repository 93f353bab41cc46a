// The emulator's unknown-values mode: every JSON body, success and error, carries a value no
// open enum lists and a property no schema declares, at every level. Clients generated from
// the spec in other languages are run against it (npm run consumers).
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { UNKNOWN_ENUM_VALUE, UNKNOWN_PROPERTY } from '../src/emulator/unknown-values.js';
import { call, newSession, sessionPath } from './helpers/emulator-http.js';

let plain: Emulator;
let widened: Emulator;
beforeAll(async () => {
  plain = await startEmulator();
  widened = await startEmulator({ unknownValues: true });
});
afterAll(async () => {
  await plain.close();
  await widened.close();
});

/** Every object in `value` (the value itself included), depth first. */
function objects(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objects);
  if (value === null || typeof value !== 'object') return [];
  return [value as Record<string, unknown>, ...Object.values(value).flatMap(objects)];
}

test('a session gets an unlisted value in each open enum and an extra property on every object', async () => {
  const { id } = await newSession(widened);
  const { json: session } = await call(widened.url, 'GET', sessionPath(id), {
    auth: `SSWS ${widened.apiToken}`,
  });
  expect(session.status).toBe(UNKNOWN_ENUM_VALUE);
  expect(session.idp.type).toBe(UNKNOWN_ENUM_VALUE);
  expect(session.amr).toEqual(['pwd', UNKNOWN_ENUM_VALUE]);
  expect(session._links.self.hints.allow).toContain(UNKNOWN_ENUM_VALUE);
  expect(session._links.self.hints.allow).toContain('GET');
  // Everything else is as the plain emulator sends it.
  expect(session.id).toBe(id);
  expect(session.lastFactorVerification).toBeNull();
  expect(Number.isNaN(Date.parse(session.expiresAt))).toBe(false);
  const all = objects(session);
  expect(all.length).toBeGreaterThan(8);
  for (const object of all.filter((o) => !('since' in o)))
    expect(object).toHaveProperty(UNKNOWN_PROPERTY);
});

test('error bodies and their causes get the extra property too; errorCode stays', async () => {
  const missing = await call(widened.url, 'GET', sessionPath('102nonexistent'), {
    auth: `SSWS ${widened.apiToken}`,
  });
  expect(missing.status).toBe(404);
  expect(missing.json.errorCode).toBe('E0000007');
  expect(missing.json).toHaveProperty(UNKNOWN_PROPERTY);

  const invalid = await call(widened.url, 'POST', '/api/v1/sessions', {
    auth: `SSWS ${widened.apiToken}`,
    contentType: 'application/json',
    body: '{}',
  });
  expect(invalid.status).toBe(400);
  expect(invalid.json.errorCauses.length).toBeGreaterThan(0);
  for (const cause of invalid.json.errorCauses) expect(cause).toHaveProperty(UNKNOWN_PROPERTY);
});

test('off by default: the plain emulator sends only what the spec declares', async () => {
  const { reply } = await newSession(plain);
  expect(reply.text).not.toContain(UNKNOWN_PROPERTY);
  expect(reply.text).not.toContain(UNKNOWN_ENUM_VALUE);
  expect(reply.json.status).toBe('ACTIVE');
});
