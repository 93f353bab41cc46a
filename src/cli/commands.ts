import type { OktaSessions } from '../client.js';
import type { CallOptions } from '../model/arguments.js';
import { routes, type OperationId } from '../model/operations.js';
import type { Session } from '../model/session.js';
import { flagHelp, type Flags } from './args.js';

const ORG_URL: Flags = {
  'org-url': {
    type: 'string',
    value: 'URL',
    description: 'your Okta org, e.g. https://acme.okta.com (or OKTA_CLIENT_ORGURL)',
  },
};
const CREDENTIAL_FLAGS: Record<string, Flags> = {
  apiToken: {
    'api-token': {
      type: 'string',
      value: 'T',
      description: 'an Okta API token (or OKTA_CLIENT_TOKEN)',
    },
  },
  oauth2: {
    'access-token': {
      type: 'string',
      value: 'T',
      description: 'an OAuth 2.0 access token (or OKTA_CLIENT_ACCESS_TOKEN)',
    },
    'client-id': {
      type: 'string',
      value: 'ID',
      description: 'or an OAuth 2.0 service app: its client id (or OKTA_CLIENT_CLIENTID)',
    },
    'private-key-file': {
      type: 'string',
      value: 'F',
      description: "the app's private key, PEM or JWK (or the key in OKTA_CLIENT_PRIVATEKEY)",
    },
    'key-id': {
      type: 'string',
      value: 'KID',
      description: "the key's kid (or OKTA_CLIENT_KEYID)",
    },
    scopes: {
      type: 'string',
      value: '"A B"',
      description:
        "scopes to request (or OKTA_CLIENT_SCOPES; default: the session operations'; revoke-user needs okta.users.manage)",
    },
  },
};
const COMMON: Flags = {
  'timeout-ms': {
    type: 'string',
    value: 'N',
    description: 'per-attempt timeout in milliseconds (default 30000)',
  },
  json: { type: 'boolean', description: 'print JSON for scripts' },
  verbose: {
    type: 'boolean',
    description:
      'print one line per request to stderr (method, URL template, status, request id, time; scrubbed)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export interface ApiCommand {
  operationId: OperationId;
  summary: string;
  /** The command's own flags, each required. */
  flags: Flags;
  /** The command's own optional switches (boolean flags); a set one reaches `run` as `'true'`. */
  switches?: Flags;
  /** Another way to call the command, with its own flags: `create --username U`. */
  alternative?: { usage: string; flags: Flags };
  /** Positional arguments the command needs, by name. */
  positionals: string[];
  run(
    okta: OktaSessions,
    args: Record<string, string>,
    options: CallOptions,
  ): Promise<Session | void>;
}

const cookieFlag: Flags = {
  cookie: {
    type: 'string',
    value: 'C',
    description: 'the user\'s Okta session cookie, "sid=..." or "idx=..."',
  },
};

/** `create --username U`'s own flags (create-login.ts): the password never comes as a value. */
export const LOGIN_FLAGS: Flags = {
  username: {
    type: 'string',
    value: 'U',
    description: 'or sign in as this user first (/api/v1/authn), then create the session',
  },
  'password-stdin': {
    type: 'boolean',
    description: "read the user's password from stdin (default: a prompt on the terminal)",
  },
};

export const API_COMMANDS: Record<string, ApiCommand> = {
  create: {
    operationId: 'createSession',
    summary: 'create a session from a session token, or sign in with --username U',
    flags: {
      'session-token': {
        type: 'string',
        value: 'T',
        description: 'the one-time session token from the Authentication API',
      },
    },
    alternative: {
      usage: 'okta-sessions create --username U [--password-stdin]',
      flags: LOGIN_FLAGS,
    },
    positionals: [],
    run: (okta, a, o) => okta.createSession({ sessionToken: a['session-token'] ?? '' }, o),
  },
  get: {
    operationId: 'getSession',
    summary: 'get a session by id',
    flags: {},
    positionals: ['sessionId'],
    run: (okta, a, o) => okta.getSession(a['sessionId'] ?? '', o),
  },
  refresh: {
    operationId: 'refreshSession',
    summary: 'refresh a session by id',
    flags: {},
    positionals: ['sessionId'],
    run: (okta, a, o) => okta.refreshSession(a['sessionId'] ?? '', o),
  },
  revoke: {
    operationId: 'revokeSession',
    summary: 'revoke a session by id',
    flags: {},
    positionals: ['sessionId'],
    run: (okta, a, o) => okta.revokeSession(a['sessionId'] ?? '', o),
  },
  'revoke-user': {
    operationId: 'revokeUserSessions',
    summary: "end every Okta session of a user, by user id (apps' own sessions stay)",
    flags: {},
    switches: {
      'oauth-tokens': {
        type: 'boolean',
        description: "also revoke the user's OAuth access and refresh tokens (oauthTokens=true)",
      },
      'keep-devices': {
        type: 'boolean',
        description: 'keep the factors their devices remember (forgetDevices=false)',
      },
    },
    positionals: ['userId'],
    run: (okta, a, o) =>
      okta.revokeUserSessions(
        a['userId'] ?? '',
        {
          ...(a['oauth-tokens'] ? { oauthTokens: true } : {}),
          ...(a['keep-devices'] ? { forgetDevices: false } : {}),
        },
        o,
      ),
  },
  me: {
    operationId: 'getCurrentSession',
    summary: "get the session named by a user's cookie (sends no API token)",
    flags: cookieFlag,
    positionals: [],
    run: (okta, a, o) => okta.getCurrentSession({ cookie: a['cookie'] ?? '' }, o),
  },
  'me-refresh': {
    operationId: 'refreshCurrentSession',
    summary: "refresh the session named by a user's cookie",
    flags: cookieFlag,
    positionals: [],
    run: (okta, a, o) => okta.refreshCurrentSession({ cookie: a['cookie'] ?? '' }, o),
  },
  'me-close': {
    operationId: 'closeCurrentSession',
    summary: "close (sign out) the session named by a user's cookie",
    flags: cookieFlag,
    positionals: [],
    run: (okta, a, o) => okta.closeCurrentSession({ cookie: a['cookie'] ?? '' }, o),
  },
};

/** The credential schemes the spec accepts for a command's operation (none for /me). */
export function schemesOf(command: ApiCommand): string[] {
  return routes[command.operationId].security.flatMap((requirement) => Object.keys(requirement));
}

/** Every flag a command takes: its own, the credentials its operation accepts, the common ones. */
export function flagsOf(command: ApiCommand): Flags {
  const credentials = Object.assign(
    {},
    ...schemesOf(command).map((s) => CREDENTIAL_FLAGS[s]),
  ) as Flags;
  return { ...command.flags, ...command.switches, ...ORG_URL, ...credentials, ...COMMON };
}

/**
 * `okta-sessions get <sessionId>`, `okta-sessions me --cookie C`; the optional switches too
 * unless `brief` (the top-level help's list, which must fit 100 columns).
 */
export function usageOf(name: string, command: ApiCommand, brief = false): string {
  const own = Object.entries(command.flags).map(([flag, spec]) => `--${flag} ${spec.value ?? ''}`);
  const switches = brief ? [] : Object.keys(command.switches ?? {}).map((flag) => `[--${flag}]`);
  const args = command.positionals.map((p) => `<${p}>`);
  return ['okta-sessions', name, ...args, ...own, ...switches].join(' ');
}

export function apiCommandHelp(name: string, command: ApiCommand): string {
  const alternative = command.alternative;
  const usage = alternative
    ? `${usageOf(name, command)} [options]\n       ${alternative.usage} [options]`
    : `${usageOf(name, command)} [options]`;
  // The alternative's flags right after the command's own, before the connection flags.
  const flags = { ...command.flags, ...alternative?.flags, ...flagsOf(command) };
  return `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.

Usage: ${usage}

Options:
${flagHelp(flags)}

Settings not given as flags come from the OKTA_CLIENT_* variables, then ./okta.yaml, then
~/.okta/okta.yaml (as the official Okta SDKs read them).
`;
}
