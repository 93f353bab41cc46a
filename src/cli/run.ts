import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OktaSessions } from '../client.js';
import { SPEC_SCOPES } from '../config.js';
import { startEmulator } from '../emulator/index.js';
import { isOktaError } from '../errors/okta-error.js';
import { OktaConfigError } from '../errors/config-error.js';
import { OktaValidationError } from '../errors/validation-error.js';
import { VERSION } from '../version.js';
import { API_COMMANDS, apiCommandHelp, clientOptions, CONNECTION_FLAGS } from './commands.js';
import { runCreateLogin, wantsLogin } from './create-login.js';
import { runDemo } from './demo.js';
import { DEMO_USER, emulatorBanner } from './emulator-banner.js';
import { describeError, describeSession, errorJson } from './format.js';
import { EXIT, UsageError, type CliIo } from './io.js';

const MAIN_HELP = `okta-sessions ${VERSION}: Okta Sessions API from the command line

Usage: okta-sessions <command> [options]

Commands:
  demo                               walk through a session's lifecycle against a local emulator
  emulator [--port N] [--api-token T] serve the Okta Sessions emulator until interrupted
${Object.entries(API_COMMANDS)
  .map(([, c]) => `  ${c.usage.replace('okta-sessions ', '').padEnd(34)} ${c.summary}`)
  .join('\n')}

Run "okta-sessions <command> --help" for a command's options.
Exit codes: 0 success, 1 API or network error, 2 usage or configuration error.
`;

const EMULATOR_HELP = `Serve the Okta Sessions emulator until interrupted (Ctrl-C).

Usage: okta-sessions emulator [--port N] [--host H] [--api-token T] [--client-id ID --jwks-file F]

  --port N        port to listen on (default 0: any free port)
  --host H        address to bind (default 127.0.0.1)
  --api-token T   API token the emulator accepts (default: a random one, printed)
  --client-id ID  register an OAuth 2.0 service app (POST /oauth2/v1/token) with this client id,
  --jwks-file F   whose public keys are in F (a JWK, a JWK array or {"keys": [...]}); the app
                  gets the spec's scopes and requires DPoP
  --no-dpop       the app issues Bearer tokens instead (no DPoP)
  -h, --help      this help
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

function parse(
  args: string[],
  flags: Record<string, { type: 'string' | 'boolean'; short?: string }>,
) {
  try {
    return parseArgs({ args, options: flags, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function runEmulator(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'api-token': { type: 'string' },
    'client-id': { type: 'string' },
    'jwks-file': { type: 'string' },
    'no-dpop': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(EMULATOR_HELP);
    return EXIT.ok;
  }
  const clientId = values['client-id'];
  const jwksFile = values['jwks-file'];
  if ((clientId === undefined) !== (jwksFile === undefined)) {
    throw new UsageError('--client-id and --jwks-file go together');
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  const emu = await startEmulator({
    port,
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
    ...(typeof values['api-token'] === 'string' ? { apiToken: values['api-token'] } : {}),
    users: [DEMO_USER],
    ...(typeof clientId === 'string' && typeof jwksFile === 'string'
      ? {
          clients: {
            [clientId]: { jwks: readJwks(jwksFile), scopes: SPEC_SCOPES, dpop: !values['no-dpop'] },
          },
        }
      : {}),
  }).catch((error: unknown) => {
    // A bad key in the file: the emulator's RangeError names it; a usage problem, exit 2.
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  });
  io.stdout(emulatorBanner(emu.url, emu.apiToken));
  if (typeof clientId === 'string') {
    io.stdout(
      `Service app: ${clientId} (${values['no-dpop'] ? 'Bearer' : 'DPoP'}), token endpoint ${emu.url}/oauth2/v1/token\n`,
    );
  }
  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await emu.close();
  io.stdout('emulator stopped\n');
  return EXIT.ok;
}

async function runApiCommand(name: string, args: string[], io: CliIo): Promise<number> {
  const command = API_COMMANDS[name]!;
  const { values, positionals } = parse(args, { ...CONNECTION_FLAGS, ...command.flags });
  if (values.help) {
    io.stdout(apiCommandHelp(command));
    return EXIT.ok;
  }
  if (positionals.length !== command.positionals.length) {
    throw new UsageError(
      `expected ${command.positionals.map((p) => `<${p}>`).join(' ') || 'no positional arguments'}; usage: ${command.usage}`,
    );
  }
  for (const flag of Object.keys(command.flags)) {
    if (values[flag as keyof typeof values] === undefined)
      throw new UsageError(`--${flag} is required; usage: ${command.usage}`);
  }
  const named: Record<string, string> = {};
  command.positionals.forEach((p, i) => (named[p] = positionals[i]!));
  for (const flag of Object.keys(command.flags))
    named[flag] = String(values[flag as keyof typeof values]);
  const okta = new OktaSessions(clientOptions(values, io.env));
  const result = await command.run(okta, named, { signal: io.stop });
  if (values.json) io.stdout(`${JSON.stringify(result ?? { ok: true }, null, 2)}\n`);
  else io.stdout(result ? `${describeSession(result)}\n` : `done (${name})\n`);
  return EXIT.ok;
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(MAIN_HELP);
      return name ? EXIT.ok : EXIT.usage;
    }
    if (name === '--version') {
      io.stdout(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (name === 'demo') {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout(
          'Walk through a session lifecycle against an in-process emulator.\n\nUsage: okta-sessions demo\n',
        );
        return EXIT.ok;
      }
      return await runDemo(io);
    }
    if (name === 'emulator') return await runEmulator(rest, io);
    if (name === 'create' && wantsLogin(rest)) return await runCreateLogin(rest, io);
    if (name in API_COMMANDS) return await runApiCommand(name, rest, io);
    throw new UsageError(`unknown command "${name}"; run okta-sessions --help`);
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      error instanceof OktaConfigError ||
      error instanceof OktaValidationError;
    if (json) io.stderr(`${JSON.stringify({ error: errorJson(error) })}\n`);
    else
      io.stderr(`error: ${usage || isOktaError(error) ? describeError(error) : String(error)}\n`);
    return usage ? EXIT.usage : EXIT.apiError;
  }
}
