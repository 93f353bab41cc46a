// Two users of an emulator signed in through its Authentication API, as a browser sign-in would
// leave them: Ana with two sessions (two devices), Bo with one.
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { call, sessionPath } from './emulator-http.js';

export const ANA = { login: 'ana@example.com', password: 'ana-password' };
export const BO = { login: 'bo@example.com', password: 'bo-password' };

export interface SignedIn {
  emu: Emulator;
  anaId: string;
  boId: string;
  /** Ana's two sessions, then Bo's one. */
  sessions: { ana: string[]; bo: string[] };
  /** The status getSession answers for each session: 200 alive, 404 gone. */
  statuses(): Promise<{ ana: number[]; bo: number[] }>;
}

/** Password → session token (/api/v1/authn) → session (createSession with the API token). */
async function signIn(emu: Emulator, user: { login: string; password: string }) {
  const authn = await call(emu.url, 'POST', '/api/v1/authn', {
    contentType: 'application/json',
    body: JSON.stringify({ username: user.login, password: user.password }),
  });
  if (authn.status !== 200) throw new Error(`authn answered ${authn.status}`);
  const created = await call(emu.url, 'POST', '/api/v1/sessions', {
    auth: `SSWS ${emu.apiToken}`,
    contentType: 'application/json',
    body: JSON.stringify({ sessionToken: authn.json.sessionToken }),
  });
  if (created.status !== 200) throw new Error(`createSession answered ${created.status}`);
  return { id: created.json.id as string, userId: created.json.userId as string };
}

/** Starts an emulator (`apiToken` given) and signs Ana in twice and Bo once. */
export async function twoUsersSignedIn(apiToken: string): Promise<SignedIn> {
  const emu = await startEmulator({ apiToken, users: [ANA, BO] });
  const ana1 = await signIn(emu, ANA);
  const ana2 = await signIn(emu, ANA);
  const bo = await signIn(emu, BO);
  const sessions = { ana: [ana1.id, ana2.id], bo: [bo.id] };
  const statusOf = async (id: string) =>
    (await call(emu.url, 'GET', sessionPath(id), { auth: `SSWS ${apiToken}` })).status;
  return {
    emu,
    anaId: ana1.userId,
    boId: bo.userId,
    sessions,
    statuses: async () => ({
      ana: await Promise.all(sessions.ana.map(statusOf)),
      bo: await Promise.all(sessions.bo.map(statusOf)),
    }),
  };
}
