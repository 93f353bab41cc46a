#!/usr/bin/env node
import { commandName } from './emulator-banner.js';
import { run } from './run.js';
import { promptHidden, readAllStdin } from './tty.js';

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

// A reader that goes away (`okta-sessions demo | head -2`) is not an error of ours: stop
// quietly, as Unix tools do, instead of dying on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stop: stop.signal,
  readStdin: readAllStdin,
  promptPassword: promptHidden,
  command: commandName(process.argv[1], process.env),
}).then((code) => {
  process.exitCode = code;
  // Nothing else should be pending; a lingering signal listener must not keep us alive.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
});
