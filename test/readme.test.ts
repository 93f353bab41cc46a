// The README's emulator example, run as written: documentation that users copy must work.
import { OktaSessions, OktaNotFoundError } from '../src/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';

let emu: Emulator;
let now = Date.parse('2026-11-29T10:00:00.000Z');
beforeAll(async () => {
  emu = await startEmulator({ port: 0, apiToken: 'test-token', now: () => now });
});
afterAll(() => emu.close());

test('a session expires after two hours', async () => {
  const okta = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
  const session = await okta.createSession({ sessionToken: emu.issueSessionToken() });
  now += 7200 * 1000; // the emulator's clock drives expiry, Date and rate-limit windows
  await expect(okta.getSession(session.id)).rejects.toBeInstanceOf(OktaNotFoundError);
});
