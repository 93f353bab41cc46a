// The jest recipe of docs/emulator.md ("Recipes"), as written there: one emulator per file,
// reset between tests, "429 twice, then success" scripted through the HTTP fault API (what a
// test in any language does), the client waiting and succeeding, then the journal read.
import { OktaSessions } from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';

const ADMIN = 'recipe-admin-token';
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ adminToken: ADMIN });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

async function adminPost(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${emu.url}/__emulator/${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${path}: ${res.status}`);
}

test('429 twice, then success: the client waits and succeeds; the journal shows it', async () => {
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
  const session = await okta.createSession({ sessionToken: emu.issueSessionToken() });
  await adminPost('faults', {
    operationId: 'getSession',
    times: 2,
    action: { kind: 'status', status: 429, resetSeconds: 0 },
  });

  const started = Date.now();
  const again = await okta.getSession(session.id);
  expect(again.id).toBe(session.id);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1500); // two waits of reset − Date + 1 s

  const gets = (await (
    await fetch(`${emu.url}/__emulator/requests`, { headers: { Authorization: `Bearer ${ADMIN}` } })
  ).json()) as { requests: { operationId: string; status: number; credential: string }[] };
  const sent = gets.requests.filter((r) => r.operationId === 'getSession');
  expect(sent.map((r) => [r.status, r.credential])).toEqual([
    [429, 'apiToken'],
    [429, 'apiToken'],
    [200, 'apiToken'],
  ]);
  expect(emu.requests()).toEqual(gets.requests);
});

test('each test starts clean (afterEach reset)', () => {
  expect(emu.requests()).toEqual([]);
  expect(emu.faults.list()).toEqual([]);
});
