import { readFileSync } from 'node:fs';
import { OktaSessions } from '../client.js';
import { readConfigFiles } from '../config/file.js';
import { resolveConfig, type ConfigNames, type OktaSessionsOptions } from '../config/options.js';
import { optionsFromEnv, optionsOfSources } from '../config/layers.js';
import { platform } from '../platform/node.js';
import { scrub, secretsOfHeader } from '../text/redact.js';
import { printable } from '../text/printable.js';
import type { OktaLogger } from '../config/options.js';
import { UsageError, type CliIo } from './io.js';

/** Configuration errors name flags and variables, the way a CLI user sets them. */
const CLI_NAMES: ConfigNames = {
  orgUrl: '--org-url (OKTA_CLIENT_ORGURL)',
  apiToken: '--api-token (OKTA_CLIENT_TOKEN)',
  accessToken: '--access-token (OKTA_CLIENT_ACCESS_TOKEN)',
  clientId: '--client-id (OKTA_CLIENT_CLIENTID)',
  privateKey: '--private-key-file (OKTA_CLIENT_PRIVATEKEY)',
  timeoutMs: '--timeout-ms',
  orgUrlFix:
    'Pass --org-url https://acme.okta.com, or set OKTA_CLIENT_ORGURL (or okta.client.orgUrl in okta.yaml)',
};

const CREDENTIAL_HINT: Record<string, string> = {
  apiToken: '--api-token T (or OKTA_CLIENT_TOKEN, okta.client.token in okta.yaml)',
  oauth2:
    '--access-token T (or OKTA_CLIENT_ACCESS_TOKEN), or --client-id ID --private-key-file F (or OKTA_CLIENT_CLIENTID, OKTA_CLIENT_PRIVATEKEY)',
};

/**
 * The credentials of an invocation, from the client's options and the command's named
 * arguments: nothing the CLI prints may show them.
 */
export function secretsOf(
  options: Pick<OktaSessionsOptions, 'apiToken' | 'accessToken' | 'privateKey'>,
  named: Record<string, string | undefined>,
): string[] {
  const secrets: string[] = [];
  for (const token of [options.apiToken, options.accessToken, named['session-token']]) {
    if (typeof token === 'string' && token) secrets.push(token);
  }
  if (typeof options.privateKey === 'string' && options.privateKey) {
    secrets.push(options.privateKey, ...privateMembersOf(options.privateKey));
  }
  const cookie = named['cookie'];
  if (cookie) secrets.push(cookie, ...secretsOfHeader('cookie', cookie));
  return secrets;
}

/** The private members of a JWK given as JSON text (a PEM is scrubbed whole). */
function privateMembersOf(key: string): string[] {
  try {
    const jwk: unknown = JSON.parse(key);
    if (typeof jwk !== 'object' || jwk === null) return [];
    return ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']
      .map((name) => (jwk as Record<string, unknown>)[name])
      .filter((value): value is string => typeof value === 'string' && value !== '');
  } catch {
    return [];
  }
}

/** The text of `--private-key-file`; the key goes to the client, never to the output. */
function readKeyFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --private-key-file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/**
 * `--verbose`: the client's log lines on stderr, with the request id. The lines are scrubbed by
 * the client already; they are scrubbed again of every secret the command line was given, and
 * made printable (a server's request id reaches the terminal).
 */
function verboseLogger(io: CliIo, secrets: readonly string[]): OktaLogger {
  const write = (level: string) => (message: string, fields: object) => {
    const { requestId } = fields as { requestId?: unknown };
    const id = typeof requestId === 'string' ? ` request-id=${requestId}` : '';
    io.stderr(`${level}: ${printable(scrub(message + id, secrets))}\n`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warning'),
    error: write('error'),
  };
}

/**
 * Flags first, then OKTA_CLIENT_*, then ./okta.yaml, then ~/.okta/okta.yaml. The tokens it
 * settles on are added to `secrets`, before anything can fail, so no output shows them.
 */
export async function clientFor(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  secrets: string[] = [],
): Promise<OktaSessions> {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const timeout = text('timeout-ms');
  if (timeout !== undefined && !/^[1-9]\d*$/.test(timeout)) {
    throw new UsageError('--timeout-ms must be a whole number of milliseconds, e.g. 5000');
  }
  const files = await readConfigFiles({
    env: io.env,
    ...(io.homeDir !== undefined ? { homeDir: io.homeDir } : {}),
    ...(io.cwd !== undefined ? { cwd: io.cwd } : {}),
    onWarning: (message) => io.stderr(`warning: ${message}\n`),
  });
  const flags = {
    orgUrl: text('org-url'),
    apiToken: text('api-token'),
    accessToken: text('access-token'),
    clientId: text('client-id'),
    privateKey: readKeyFile(text('private-key-file')),
    keyId: text('key-id'),
    scopes: text('scopes')?.split(/\s+/).filter(Boolean),
    timeoutMs: timeout === undefined ? undefined : Number(timeout),
  };
  const options = optionsOfSources(io.env, [...files, optionsFromEnv(io.env), flags]);
  secrets.push(...secretsOf(options, {}));
  // Without a token the client is cookie-only: the /me commands work, the others say which
  // credential they need.
  options.credentials = 'include';
  options.userAgent = 'okta-sessions-cli';
  if (values['verbose'] === true) {
    options.logger = verboseLogger(io, secrets);
    options.logLevel = 'debug';
  }
  // The command line runs on Node, whose platform it names directly (no `#platform` lookup).
  resolveConfig(options, platform, CLI_NAMES);
  return new OktaSessions(options);
}

/** A usage error unless the client holds a credential the operation accepts (none for /me). */
export function requireCredential(name: string, schemes: string[], okta: OktaSessions): void {
  const { auth } = okta.toJSON();
  // A service app's token is an OAuth 2.0 access token.
  const scheme = auth === 'privateKey' ? 'oauth2' : auth;
  if (schemes.length > 0 && !schemes.includes(scheme)) {
    throw new UsageError(`${name} needs ${schemes.map((s) => CREDENTIAL_HINT[s]).join(', or ')}`);
  }
}
