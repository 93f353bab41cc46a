// What `okta-sessions emulator` serves beyond the API and prints at start: a demo user, so that
// `POST /api/v1/authn` (and `okta-sessions create --username`) work from a shell at once.

/** The user every `okta-sessions emulator` has; a local test credential, printed on purpose. */
export const DEMO_USER = {
  login: 'dana.lee@example.com',
  password: 'correct-horse-battery-staple',
} as const;

/**
 * How to run the command again, as the banner suggests it: `npx okta-sessions` when this run
 * came through npx (`npm exec`) or a project's `node_modules/.bin` (a local install, which is
 * not on the shell's PATH), else `okta-sessions` (a global install).
 */
export function commandName(
  scriptPath: string | undefined,
  env: Record<string, string | undefined>,
): string {
  const local = scriptPath !== undefined && /[\\/]node_modules[\\/]\.bin[\\/]/.test(scriptPath);
  return local || env['npm_command'] === 'exec' ? 'npx okta-sessions' : 'okta-sessions';
}

/** The lines printed when the emulator is ready. */
export function emulatorBanner(url: string, apiToken: string, command = 'okta-sessions'): string {
  return [
    `Okta Sessions emulator listening on ${url}`,
    // The emulator's token is a local test credential: printing it is the point of this command.
    `API token: ${apiToken}`,
    `Demo user: ${DEMO_USER.login} / ${DEMO_USER.password}`,
    '',
    'Try:',
    `  export OKTA_CLIENT_ORGURL=${url} OKTA_CLIENT_TOKEN=${apiToken}`,
    `  ${command} create --username ${DEMO_USER.login}   (password on the prompt)`,
    `  curl -s -X POST ${url}/api/v1/authn -H 'Content-Type: application/json' \\`,
    `    -d '{"username":"${DEMO_USER.login}","password":"${DEMO_USER.password}"}'`,
    '',
  ].join('\n');
}
