// `okta-sessions create --username U`: signs the user in with the Authentication API
// (`POST /api/v1/authn`, Classic Engine) and exchanges the session token for a session. The
// password comes from stdin (`--password-stdin`) or a prompt, never from a flag value, which
// would land in shell history and process listings.
import { createApiError } from '../errors/factory.js';
import { OktaNetworkError } from '../errors/network-error.js';
import { explainFailure } from '../transport/not-tls.js';
import { scrubberOf } from '../text/redact.js';
import { parseFlags, type Flags } from './args.js';
import { clientFor, requireCredential } from './client-for.js';
import { API_COMMANDS, flagsOf, LOGIN_FLAGS, schemesOf } from './commands.js';
import { describeSession, terminalJson } from './format.js';
import { EXIT, UsageError, type CliIo } from './io.js';

const CREATE_LOGIN_USAGE =
  'okta-sessions create --username U [--password-stdin] [connection flags]';

/** True when `args` ask `create` to sign in with a username (or try to pass a password). */
export function wantsLogin(args: readonly string[]): boolean {
  return args.some((a) => /^--(username|password|password-stdin)(=|$)/.test(a));
}

/** Refuses a password given as a flag value, before anything else looks at the arguments. */
function refusePasswordFlag(args: readonly string[]): void {
  if (args.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new UsageError(
      'a password is never taken as a flag value (it would land in shell history); ' +
        'pipe it with --password-stdin or leave it out to be prompted',
    );
  }
}

async function readPassword(username: string, fromStdin: boolean, io: CliIo): Promise<string> {
  if (fromStdin) {
    if (io.readStdin === undefined) throw new UsageError('--password-stdin: no stdin to read');
    // One trailing newline is the terminator of `echo` or a file, not part of the password.
    return (await io.readStdin()).replace(/\r?\n$/, '');
  }
  const typed = await io.promptPassword?.(`Password for ${username}: `);
  if (typed === undefined) {
    throw new UsageError(
      '--username needs the password: pipe it with --password-stdin, or run in a terminal to be prompted',
    );
  }
  return typed;
}

/** Signs in and answers the one-time session token; Okta's errors become typed API errors. */
async function sessionTokenFor(
  orgUrl: string,
  username: string,
  password: string,
  signal: AbortSignal,
): Promise<string> {
  const url = new URL('/api/v1/authn', orgUrl).href;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': 'okta-sessions-cli',
    },
    body: JSON.stringify({ username, password }),
    signal,
  }).catch((error: unknown) => {
    // The same words as the client's own calls (a refused connection, https:// to a plain-HTTP
    // server), not fetch's bare "fetch failed".
    if (signal.aborted) throw error;
    throw new OktaNetworkError('POST', url, explainFailure(url, error));
  });
  const text = await res.text();
  if (!res.ok) {
    throw createApiError({
      status: res.status,
      bodyText: text,
      headers: res.headers,
      method: 'POST',
      url,
      clean: scrubberOf([password]),
    });
  }
  let body: { status?: unknown; sessionToken?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // handled below
  }
  if (body.status !== 'SUCCESS' || typeof body.sessionToken !== 'string') {
    // MFA and password-expiry states need a browser sign-in; say which state, nothing else.
    const state = typeof body.status === 'string' ? body.status : 'an unreadable answer';
    throw new Error(`sign-in did not finish: /api/v1/authn answered ${state}, not SUCCESS`);
  }
  return body.sessionToken;
}

/** Runs `create --username U`. */
export async function runCreateLogin(
  args: string[],
  io: CliIo,
  secrets: string[],
): Promise<number> {
  refusePasswordFlag(args);
  const { ['session-token']: _sessionToken, ...connection } = flagsOf(API_COMMANDS['create']!);
  const flags: Flags = { ...LOGIN_FLAGS, ...connection };
  const { values, positionals } = parseFlags(args, flags, 'okta-sessions create');
  if (positionals.length > 0) {
    throw new UsageError(`too many arguments; usage: ${CREATE_LOGIN_USAGE}`);
  }
  const username = typeof values['username'] === 'string' ? values['username'] : '';
  if (username === '')
    throw new UsageError(`--username needs a value; usage: ${CREATE_LOGIN_USAGE}`);
  // Built first: a wrong org URL or a missing API token is reported before the password is read.
  const okta = await clientFor(values, io, secrets);
  requireCredential('create', schemesOf(API_COMMANDS['create']!), okta);
  const timeoutMs =
    typeof values['timeout-ms'] === 'string' ? Number(values['timeout-ms']) : 30_000;
  const password = await readPassword(username, values['password-stdin'] === true, io);
  if (password) secrets.push(password);
  const timeout = AbortSignal.timeout(timeoutMs);
  const sessionToken = await sessionTokenFor(
    okta.toJSON().orgUrl,
    username,
    password,
    AbortSignal.any([io.stop, timeout]),
  );
  secrets.push(sessionToken);
  const session = await okta.createSession({ sessionToken }, { signal: io.stop });
  if (values['json']) io.stdout(`${terminalJson(session, secrets, 2)}\n`);
  else io.stdout(`${describeSession(session, secrets)}\n`);
  return EXIT.ok;
}
