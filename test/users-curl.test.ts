// revokeUserSessions from a shell: two users sign in with curl through the emulator's
// Authentication API (two sessions for Ana, one for Bo), curl ends Ana's, and only hers are gone.
// A `system` suite: it needs curl (jest.config.cjs).
import { execFile } from 'node:child_process';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { ANA, BO } from './helpers/two-users.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ apiToken: 'curl-token', users: [ANA, BO] });
});
afterAll(() => emu.close());

const SCRIPT = `
sign_in() { # login password -> "sessionId userId"
  local token
  token=$(curl -sf -X POST "$ORG/api/v1/authn" -H 'Content-Type: application/json' \\
    -d "{\\"username\\":\\"$1\\",\\"password\\":\\"$2\\"}" | sed -E 's/.*"sessionToken":"([^"]+)".*/\\1/')
  curl -sf -X POST "$ORG/api/v1/sessions" -H "Authorization: SSWS $TOKEN" \\
    -H 'Content-Type: application/json' -d "{\\"sessionToken\\":\\"$token\\"}" \\
    | sed -E 's/.*"id":"([^"]+)".*"userId":"([^"]+)".*/\\1 \\2/'
}
status() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: SSWS $TOKEN" "$ORG/api/v1/sessions/$1"; }
read -r ana1 ana <<<"$(sign_in "$ANA_LOGIN" "$ANA_PASSWORD")"
read -r ana2 _ <<<"$(sign_in "$ANA_LOGIN" "$ANA_PASSWORD")"
read -r bo1 _ <<<"$(sign_in "$BO_LOGIN" "$BO_PASSWORD")"
echo "before $(status "$ana1") $(status "$ana2") $(status "$bo1")"
echo "revoke $(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: SSWS $TOKEN" \\
  "$ORG/api/v1/users/$ana/sessions?oauthTokens=true")"
echo "after $(status "$ana1") $(status "$ana2") $(status "$bo1")"
echo "unknown $(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: SSWS $TOKEN" \\
  "$ORG/api/v1/users/00uNobody/sessions")"
`;

test("curl: exactly the first user's sessions are gone", async () => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      'bash',
      ['-euo', 'pipefail', '-c', SCRIPT],
      {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          ORG: emu.url,
          TOKEN: 'curl-token',
          ANA_LOGIN: ANA.login,
          ANA_PASSWORD: ANA.password,
          BO_LOGIN: BO.login,
          BO_PASSWORD: BO.password,
        },
      },
      (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
    ),
  );
  expect(output).toBe('before 200 200 200\nrevoke 204\nafter 404 404 200\nunknown 404\n');
  expect(emu.userSessionsRevocations()).toEqual([
    {
      userId: expect.stringMatching(/^00u/),
      oauthTokens: 'true',
      forgetDevices: undefined,
      ended: 2,
    },
  ]);
});
