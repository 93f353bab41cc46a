import { parseArgs } from 'node:util';
import { OktaSessions } from '../client.js';
import { startEmulator } from '../emulator/index.js';
import { isOktaError } from '../errors/okta-error.js';
import { OktaConfigError } from '../errors/config-error.js';
import { OktaValidationError } from '../errors/validation-error.js';
import { VERSION } from '../version.js';
import {
  API_COMMANDS,
  apiCommandHelp,
  clientOptions,
  CONNECTION_FLAGS,
  secretsOf,
} from './commands.js';
import { runCreateLogin, wantsLogin } from './create-login.js';
import { runDemo } from './demo.js';
import { DEMO_USER, emulatorBanner } from './emulator-banner.js';
import { describeError, describeSession, errorJson, terminalJson } from './format.js';
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

Usage: okta-sessions emulator [--port N] [--host H] [--api-token T]

  --port N        port to listen on (default 0: any free port)
  --host H        address to bind (default 127.0.0.1)
  --api-token T   API token the emulator accepts (default: a random one, printed)
  -h, --help      this help
`;

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
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(EMULATOR_HELP);
    return EXIT.ok;
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
  });
  io.stdout(emulatorBanner(emu.url, emu.apiToken));
  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await emu.close();
  io.stdout('emulator stopped\n');
  return EXIT.ok;
}

async function runApiCommand(
  name: string,
  args: string[],
  io: CliIo,
  secrets: string[],
): Promise<number> {
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
  const options = clientOptions(values, io.env);
  secrets.push(...secretsOf(options, named));
  const okta = new OktaSessions(options);
  const result = await command.run(okta, named, { signal: io.stop });
  if (values.json) io.stdout(`${terminalJson(result ?? { ok: true }, secrets, 2)}\n`);
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
    if (name === 'create' && wantsLogin(rest)) return await runCreateLogin(rest, io, secrets);
    if (name in API_COMMANDS) return await runApiCommand(name, rest, io, secrets);
    throw new UsageError(`unknown command "${name}"; run okta-sessions --help`);
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      error instanceof OktaConfigError ||
      error instanceof OktaValidationError;
    if (json) io.stderr(`${terminalJson({ error: errorJson(error) }, secrets)}\n`);
    else {
      const shown = usage || isOktaError(error) ? error : String(error);
      io.stderr(`error: ${describeError(shown, secrets)}\n`);
    }
    return usage ? EXIT.usage : EXIT.apiError;
  }
}
