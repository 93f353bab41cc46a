import { readFileSync } from 'node:fs';
import { ALL_SPEC_SCOPES } from '../config/service-app.js';
import { startEmulator } from '../emulator/index.js';
import { isOktaError } from '../errors/okta-error.js';
import { OktaConfigError } from '../errors/config-error.js';
import { OktaValidationError } from '../errors/validation-error.js';
import { VERSION } from '../model/version.js';
import { asksForHelp, columns, didYouMean, flagHelp, parseFlags, type Flags } from './args.js';
import { API_COMMANDS, apiCommandHelp, flagsOf, schemesOf, usageOf } from './commands.js';
import { clientFor, requireCredential, secretsOf } from './client-for.js';
import { runCreateLogin, wantsLogin } from './create-login.js';
import { runDemo } from './demo.js';
import { runKeygen } from './keygen.js';
import { DEMO_USER, emulatorBanner } from './emulator-banner.js';
import { describeError, describeSession, errorJson, terminalJson } from './format.js';
import { EXIT, UsageError, type CliIo } from './io.js';

const HELP_FLAG: Flags = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

const EMULATOR_FLAGS: Flags = {
  port: { type: 'string', value: 'N', description: 'port to listen on (default 0: any free port)' },
  host: { type: 'string', value: 'H', description: 'address to bind (default 127.0.0.1)' },
  'api-token': {
    type: 'string',
    value: 'T',
    description: 'the API token the emulator accepts (default: a random one, printed)',
  },
  'client-id': {
    type: 'string',
    value: 'ID',
    description: 'register an OAuth 2.0 service app (POST /oauth2/v1/token) with this client id',
  },
  'jwks-file': {
    type: 'string',
    value: 'F',
    description:
      'the app\'s public keys: a JWK, a JWK array or {"keys": [...]} (granted every scope of the spec; DPoP required)',
  },
  'no-dpop': { type: 'boolean', description: 'the app issues Bearer tokens instead (no DPoP)' },
  'admin-token': {
    type: 'string',
    value: 'T',
    description:
      'turn on the admin API (/__emulator/: faults, journal, reset, clock) for Bearer T; prefer OKTA_EMULATOR_ADMIN_TOKEN (a flag shows in ps)',
  },
  'public-url': {
    type: 'string',
    value: 'URL',
    description:
      'the origin clients reach it at (Docker, compose), for aud, htu, links and redirects (default: the listen URL)',
  },
  'unknown-values': {
    type: 'boolean',
    description: 'add an unlisted enum value and an undeclared property to every JSON body',
  },
  json: {
    type: 'boolean',
    description: 'print one JSON line when ready (url, apiToken, demoUser, admin) and nothing else',
  },
  ...HELP_FLAG,
};

/** The variable that turns on the admin API without putting its token on the command line. */
const ADMIN_TOKEN_VARIABLE = 'OKTA_EMULATOR_ADMIN_TOKEN';

const DEMO_FLAGS: Flags = {
  json: { type: 'boolean', description: 'print the steps as JSON' },
  ...HELP_FLAG,
};

const COMMAND_NAMES = ['demo', 'emulator', 'keygen', ...Object.keys(API_COMMANDS)];

const MAIN_HELP = `okta-sessions ${VERSION}: Okta Sessions API from the command line

Usage: okta-sessions <command> [options]

Commands:
${columns([
  ['demo', "walk through a session's lifecycle against a local emulator"],
  ['emulator', 'serve the Okta Sessions emulator until interrupted'],
  ['keygen', "write a service app's key pair for tests and its public JWKS"],
  ...Object.entries(API_COMMANDS).map(([name, c]) => [
    usageOf(name, c, true).replace('okta-sessions ', ''),
    c.summary,
  ]),
])}

Options:
${columns([
  ['-h, --help', 'show this help'],
  ['-v, --version', 'print the version'],
])}

Run "okta-sessions <command> --help" for a command's options.
Exit codes: 0 success, 1 API or network error, 2 usage or configuration error.
`;

const EMULATOR_HELP = `Serve the Okta Sessions emulator until interrupted (Ctrl-C).

Usage: okta-sessions emulator [options]

Options:
${flagHelp(EMULATOR_FLAGS)}
`;

const DEMO_HELP = `Walk through a session's lifecycle against an in-process emulator.

Usage: okta-sessions demo [options]

Options:
${flagHelp(DEMO_FLAGS)}
`;

/** The public keys of `--jwks-file`: one JWK, an array of them, or a JWK Set. */
function readJwks(file: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--jwks-file ${file}: ${code ? `cannot read (${code})` : 'not JSON'}`);
  }
  const keys = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as { keys?: unknown }).keys)
      ? (parsed as { keys: unknown[] }).keys
      : [parsed];
  return keys as Record<string, unknown>[];
}

function positionals(given: string[], expected: string[], usage: string): void {
  if (given.length > expected.length) {
    throw new UsageError(`too many arguments; usage: ${usage}`);
  }
  if (given.length < expected.length) {
    const missing = expected.slice(given.length).map((p) => `<${p}>`);
    throw new UsageError(`missing ${missing.join(' ')}; usage: ${usage}`);
  }
}

async function runEmulator(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: extra } = parseFlags(args, EMULATOR_FLAGS, 'okta-sessions emulator');
  if (values['help']) {
    io.stdout(EMULATOR_HELP);
    return EXIT.ok;
  }
  positionals(extra, [], 'okta-sessions emulator [options]');
  const rawPort = values['port'];
  const port = rawPort === undefined ? 0 : Number(rawPort);
  if (!/^\d+$/.test(String(rawPort ?? 0)) || port > 65535) {
    throw new UsageError('--port must be a whole number from 0 to 65535');
  }
  const clientId = values['client-id'];
  const jwksFile = values['jwks-file'];
  if ((clientId === undefined) !== (jwksFile === undefined)) {
    throw new UsageError('--client-id and --jwks-file go together');
  }
  const host = typeof values['host'] === 'string' ? values['host'] : undefined;
  const flagAdmin = values['admin-token'];
  const adminToken =
    typeof flagAdmin === 'string' ? flagAdmin : io.env[ADMIN_TOKEN_VARIABLE] || undefined;
  const emu = await startEmulator({
    port,
    ...(adminToken !== undefined ? { adminToken } : {}),
    ...(values['unknown-values'] ? { unknownValues: true } : {}),
    ...(typeof values['public-url'] === 'string' ? { publicUrl: values['public-url'] } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(typeof values['api-token'] === 'string' ? { apiToken: values['api-token'] } : {}),
    users: [DEMO_USER],
    ...(typeof clientId === 'string' && typeof jwksFile === 'string'
      ? {
          clients: {
            [clientId]: {
              jwks: readJwks(jwksFile),
              scopes: ALL_SPEC_SCOPES,
              dpop: !values['no-dpop'],
            },
          },
        }
      : {}),
  }).catch((error: unknown) => {
    // A bad key in the file: the emulator's RangeError names it; a usage problem, exit 2.
    if (error instanceof RangeError) throw new UsageError(error.message);
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${port} is already in use on ${host ?? '127.0.0.1'}; pick another --port (0 picks a free one)`,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new UsageError(`cannot listen on ${host ?? '127.0.0.1'}:${port} (${code})`);
    }
    throw error;
  });
  const json = values['json'] === true;
  if (json) {
    // One line a fixture in any language can read; the admin token is never printed, only
    // whether the admin API is on.
    io.stdout(
      `${JSON.stringify({
        url: emu.url,
        publicUrl: emu.publicUrl,
        apiToken: emu.apiToken,
        demoUser: DEMO_USER,
        admin: adminToken !== undefined,
        ...(typeof clientId === 'string'
          ? { clientId, tokenUrl: `${emu.url}/oauth2/v1/token` }
          : {}),
      })}\n`,
    );
  } else io.stdout(emulatorBanner(emu.url, emu.apiToken, io.command));
  if (emu.publicUrl !== emu.url && !json)
    io.stdout(`Public URL (aud, htu, links): ${emu.publicUrl}\n`);
  if (adminToken !== undefined && !json)
    io.stdout(`Admin API: ${emu.url}/__emulator/ (Authorization: Bearer <your admin token>)\n`);
  if (typeof clientId === 'string' && !json) {
    io.stdout(
      `Service app: ${clientId} (${values['no-dpop'] ? 'Bearer' : 'DPoP'}), token endpoint ${emu.url}/oauth2/v1/token\n`,
    );
  }
  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await emu.close();
  if (!json) io.stdout('emulator stopped\n');
  return EXIT.ok;
}

async function runApiCommand(
  name: string,
  args: string[],
  io: CliIo,
  secrets: string[],
): Promise<number> {
  const command = API_COMMANDS[name]!;
  const usage = usageOf(name, command);
  const { values, positionals: given } = parseFlags(
    args,
    flagsOf(command),
    `okta-sessions ${name}`,
  );
  if (values['help']) {
    io.stdout(apiCommandHelp(name, command));
    return EXIT.ok;
  }
  positionals(given, command.positionals, usage);
  for (const flag of Object.keys(command.flags)) {
    if (values[flag] !== undefined) continue;
    const or = command.alternative ? ` (or: ${command.alternative.usage})` : '';
    throw new UsageError(`--${flag} is required; usage: ${usage}${or}`);
  }
  const named: Record<string, string> = {};
  command.positionals.forEach((p, i) => (named[p] = given[i]!));
  for (const flag of Object.keys(command.flags)) named[flag] = String(values[flag]);
  for (const flag of Object.keys(command.switches ?? {})) if (values[flag]) named[flag] = 'true';
  secrets.push(...secretsOf({}, named));
  const okta = await clientFor(values, io, secrets);
  requireCredential(name, schemesOf(command), okta);
  const result = await command.run(okta, named, { signal: io.stop });
  if (values['json']) io.stdout(`${terminalJson(result ?? { ok: true }, secrets, 2)}\n`);
  else io.stdout(result ? `${describeSession(result, secrets)}\n` : `done (${name})\n`);
  return EXIT.ok;
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  const secrets: string[] = [];
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(MAIN_HELP);
      return name ? EXIT.ok : EXIT.usage;
    }
    if (name === '--version' || name === '-v') {
      io.stdout(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (name === 'demo') {
      const { values, positionals: extra } = parseFlags(rest, DEMO_FLAGS, 'okta-sessions demo');
      if (values['help']) {
        io.stdout(DEMO_HELP);
        return EXIT.ok;
      }
      positionals(extra, [], 'okta-sessions demo [options]');
      return await runDemo(io, { json: values['json'] === true });
    }
    if (name === 'emulator') return await runEmulator(rest, io);
    if (name === 'keygen') return runKeygen(rest, io);
    if (name === 'create' && wantsLogin(rest) && !asksForHelp(rest)) {
      return await runCreateLogin(rest, io, secrets);
    }
    if (Object.hasOwn(API_COMMANDS, name)) return await runApiCommand(name, rest, io, secrets);
    const what = name.startsWith('-') ? 'option' : 'command';
    const candidates = what === 'option' ? ['--help', '--version'] : COMMAND_NAMES;
    throw new UsageError(
      `unknown ${what} "${name}"${didYouMean(name, candidates)}; run "okta-sessions --help" for the list`,
    );
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      error instanceof OktaConfigError ||
      error instanceof OktaValidationError;
    if (json) io.stderr(`${terminalJson({ error: errorJson(error) }, secrets)}\n`);
    else {
      // describeError prints every error of ours without its class name (`--json` has it).
      const shown = usage || isOktaError(error) ? error : String(error);
      io.stderr(`error: ${describeError(shown, secrets)}\n`);
    }
    return usage ? EXIT.usage : EXIT.apiError;
  }
}
