import { OktaSessions, type CallOptions } from '../client.js';
import type { OktaSessionsOptions } from '../config.js';
import { secretsOfHeader } from '../redact.js';
import type { Session } from '../session.js';

/** Flags every API command accepts. */
export const CONNECTION_FLAGS = {
  'org-url': { type: 'string' },
  'api-token': { type: 'string' },
  'access-token': { type: 'string' },
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

/** The credentials of an invocation: nothing the CLI prints may show them. */
export function secretsOf(options: OktaSessionsOptions, named: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const token of [options.apiToken, options.accessToken, named['session-token']]) {
    if (typeof token === 'string' && token) secrets.push(token);
  }
  const cookie = named['cookie'];
  if (cookie) secrets.push(cookie, ...secretsOfHeader('cookie', cookie));
  return secrets;
}
