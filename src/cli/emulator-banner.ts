// What `okta-sessions emulator` serves beyond the API and prints at start: a demo user, so that
// `POST /api/v1/authn` (and `okta-sessions create --username`) work from a shell at once.

/** The user every `okta-sessions emulator` has; a local test credential, printed on purpose. */
export const DEMO_USER = {
  login: 'dana.lee@example.com',
  password: 'correct-horse-battery-staple',
} as const;

/** The lines printed when the emulator is ready. */
export function emulatorBanner(url: string, apiToken: string): string {
  return [
    `Okta Sessions emulator listening on ${url}`,
    // The emulator's token is a local test credential: printing it is the point of this command.
    `API token: ${apiToken}`,
    `Demo user: ${DEMO_USER.login} / ${DEMO_USER.password}`,
    '',
    'Try:',
    `  export OKTA_CLIENT_ORGURL=${url} OKTA_CLIENT_TOKEN=${apiToken}`,
    `  okta-sessions create --username ${DEMO_USER.login}   (password on the prompt)`,
    `  curl -s -X POST ${url}/api/v1/authn -H 'Content-Type: application/json' \\`,
    `    -d '{"username":"${DEMO_USER.login}","password":"${DEMO_USER.password}"}'`,
    '',
  ].join('\n');
}
