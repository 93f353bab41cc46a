import { readFileSync } from 'node:fs';
import { OktaSessions, type CallOptions } from '../client.js';
import type { OktaSessionsOptions } from '../config.js';
import type { Session } from '../session.js';
import { UsageError } from './io.js';

/** Flags every API command accepts. */
export const CONNECTION_FLAGS = {
  'org-url': { type: 'string' },
  'api-token': { type: 'string' },
  'access-token': { type: 'string' },
  'client-id': { type: 'string' },
  'private-key-file': { type: 'string' },
  'key-id': { type: 'string' },
  scopes: { type: 'string' },
  'timeout-ms': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ApiCommand {
  usage: string;
  summary: string;
  flags: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  /** Positional arguments the command needs, by name. */
  positionals: string[];
  run(
    okta: OktaSessions,
    args: Record<string, string>,
    options: CallOptions,
  ): Promise<Session | void>;
}

const CONNECTION_HELP = `
Connection (flags, or the official SDKs' environment variables):
  --org-url URL        OKTA_CLIENT_ORGURL         your org, e.g. https://acme.okta.com
  --api-token T        OKTA_CLIENT_TOKEN          an Okta API token
  --access-token T     OKTA_CLIENT_ACCESS_TOKEN   or an OAuth 2.0 access token
  --client-id ID       OKTA_CLIENT_CLIENTID       or an OAuth 2.0 service app: its client id,
  --private-key-file F OKTA_CLIENT_PRIVATEKEY     its private key (PEM or JWK; the variable holds the key),
  --key-id KID         OKTA_CLIENT_KEYID          the key's kid,
  --scopes "A B"       OKTA_CLIENT_SCOPES         and the scopes to request (default: the spec's)
  --timeout-ms N       per-attempt timeout (default 30000)
  --json               print JSON for scripts
  -h, --help           this help`;

const cookieFlag = { cookie: { type: 'string' } } as const;

export const API_COMMANDS: Record<string, ApiCommand> = {
  create: {
    usage: 'okta-sessions create --session-token T | --username U [--password-stdin]',
    summary:
      'Create a session from a session token, or sign in as U first (password from stdin or a prompt; needs an API token).',
    flags: { 'session-token': { type: 'string' } },
    positionals: [],
    run: (okta, a, o) => okta.createSession({ sessionToken: a['session-token'] ?? '' }, o),
  },
  get: {
    usage: 'okta-sessions get <sessionId>',
    summary: 'Get a session by id.',
    flags: {},
    positionals: ['sessionId'],
    run: (okta, a, o) => okta.getSession(a['sessionId'] ?? '', o),
  },
  refresh: {
    usage: 'okta-sessions refresh <sessionId>',
    summary: 'Refresh a session by id.',
    flags: {},
    positionals: ['sessionId'],
    run: (okta, a, o) => okta.refreshSession(a['sessionId'] ?? '', o),
  },
  revoke: {
    usage: 'okta-sessions revoke <sessionId>',
    summary: 'Revoke a session by id.',
    flags: {},
    positionals: ['sessionId'],
    run: (okta, a, o) => okta.revokeSession(a['sessionId'] ?? '', o),
  },
  me: {
    usage: 'okta-sessions me --cookie "sid=..."',
    summary: "Get the session named by a user's cookie (sends no API token).",
    flags: cookieFlag,
    positionals: [],
    run: (okta, a, o) => okta.getCurrentSession({ cookie: a['cookie'] ?? '' }, o),
  },
  'me-refresh': {
    usage: 'okta-sessions me-refresh --cookie "sid=..."',
    summary: "Refresh the session named by a user's cookie.",
    flags: cookieFlag,
    positionals: [],
    run: (okta, a, o) => okta.refreshCurrentSession({ cookie: a['cookie'] ?? '' }, o),
  },
  'me-close': {
    usage: 'okta-sessions me-close --cookie "sid=..."',
    summary: "Close (sign out) the session named by a user's cookie.",
    flags: cookieFlag,
    positionals: [],
    run: (okta, a, o) => okta.closeCurrentSession({ cookie: a['cookie'] ?? '' }, o),
  },
};

export function apiCommandHelp(command: ApiCommand): string {
  const own = Object.keys(command.flags)
    .map((flag) => `  --${flag} ${flag === 'cookie' ? '"sid=..."' : 'T'}`)
    .join('\n');
  return `${command.summary}\n\nUsage: ${command.usage} [connection flags]\n${own ? `\n${own}\n` : ''}${CONNECTION_HELP}\n`;
}

/** Client options from flags first, then the OKTA_CLIENT_* variables. */
export function clientOptions(
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): OktaSessionsOptions {
  const text = (name: string) =>
    typeof flags[name] === 'string' ? (flags[name] as string) : undefined;
  const apiToken =
    text('api-token') ?? (text('access-token') ? undefined : env['OKTA_CLIENT_TOKEN']);
  const accessToken =
    text('access-token') ?? (apiToken ? undefined : env['OKTA_CLIENT_ACCESS_TOKEN']);
  const timeout = text('timeout-ms');
  const serviceApp = serviceAppOptions(text, env, Boolean(apiToken || accessToken));
  if (serviceApp) {
    return {
      orgUrl: text('org-url') ?? env['OKTA_CLIENT_ORGURL'] ?? '',
      ...serviceApp,
      ...(timeout !== undefined ? { timeoutMs: Number(timeout) } : {}),
      userAgent: 'okta-sessions-cli',
    };
  }
  return {
    orgUrl: text('org-url') ?? env['OKTA_CLIENT_ORGURL'] ?? '',
    ...(apiToken ? { apiToken } : {}),
    ...(accessToken ? { accessToken } : {}),
    // Without a token the client is cookie-only: the /me commands work, the others explain
    // which credential they need.
    ...(apiToken || accessToken ? {} : { credentials: 'include' as const }),
    ...(timeout !== undefined ? { timeoutMs: Number(timeout) } : {}),
    userAgent: 'okta-sessions-cli',
  };
}

/**
 * Private-key (service app) options, when flags or OKTA_CLIENT_* variables ask for them: flags
 * first, then the variables. The key file's text goes to the client, never to the output.
 */
function serviceAppOptions(
  text: (name: string) => string | undefined,
  env: Record<string, string | undefined>,
  haveToken: boolean,
): Partial<OktaSessionsOptions> | undefined {
  const flagged = text('client-id') !== undefined || text('private-key-file') !== undefined;
  const fromEnv =
    !haveToken &&
    (env['OKTA_CLIENT_AUTHORIZATIONMODE'] === 'PrivateKey' ||
      Boolean(env['OKTA_CLIENT_CLIENTID'] && env['OKTA_CLIENT_PRIVATEKEY']));
  if (!flagged && !fromEnv) return undefined;
  const file = text('private-key-file');
  let privateKey = env['OKTA_CLIENT_PRIVATEKEY'] || undefined;
  if (file !== undefined) {
    try {
      privateKey = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read --private-key-file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const scopes = (text('scopes') ?? env['OKTA_CLIENT_SCOPES'])?.split(/\s+/).filter(Boolean);
  const keyId = text('key-id') ?? (env['OKTA_CLIENT_KEYID'] || undefined);
  return {
    authorizationMode: 'PrivateKey',
    clientId: text('client-id') ?? env['OKTA_CLIENT_CLIENTID'] ?? '',
    privateKey,
    ...(keyId ? { keyId } : {}),
    ...(scopes && scopes.length > 0 ? { scopes } : {}),
  };
}
