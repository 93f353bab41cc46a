// The emulator's admin API against its own document, spec/okta-emulator-admin.yaml: every
// operation answered as declared (status, body schema), every declared operation exercised.
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { ADMIN_TOKEN, admin } from './helpers/emulator-admin.js';
import { specContract } from './helpers/emulator-contract.js';
import { newSession } from './helpers/emulator-http.js';
import type { Reply } from './helpers/emulator-http.js';

const adminContract = specContract('okta-emulator-admin.yaml');
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ adminToken: ADMIN_TOKEN });
});
afterAll(() => emu.close());

const exercised = new Set<string>();
function conforms(operationId: string, reply: Reply, status: number) {
  expect(reply.status).toBe(status);
  expect(adminContract.contractProblems(operationId, reply)).toEqual([]);
  exercised.add(operationId);
}

test('every answer of every admin operation is the one its document declares', async () => {
  const fault = { operationId: 'getSession', times: 2, action: { kind: 'status', status: 429 } };
  conforms('addFaults', await admin(emu.url, 'POST', 'faults', [fault]), 200);
  conforms('addFaults', await admin(emu.url, 'POST', 'faults', { action: {} }), 400);
  conforms('addFaults', await admin(emu.url, 'POST', 'faults', fault, 'Bearer wrong-token'), 401);
  conforms('listFaults', await admin(emu.url, 'GET', 'faults'), 200);
  conforms('clearFaults', await admin(emu.url, 'DELETE', 'faults'), 204);
  await newSession(emu);
  emu.faults.add({ action: { kind: 'reset' } });
  await newSession(emu).catch(() => undefined); // a journal entry without a status
  conforms('listRequests', await admin(emu.url, 'GET', 'requests'), 200);
  conforms('getClock', await admin(emu.url, 'GET', 'clock'), 200);
  conforms('advanceClock', await admin(emu.url, 'POST', 'clock', { advanceMs: 1000 }), 200);
  conforms('advanceClock', await admin(emu.url, 'POST', 'clock', { advanceMs: 'soon' }), 400);
  conforms('reset', await admin(emu.url, 'POST', 'reset'), 204);
  expect([...exercised].sort()).toEqual(Object.keys(adminContract.specOperations).sort());
});
