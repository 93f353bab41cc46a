// Running measurement children: each is a fresh `node` process that prints one JSON
// line on stdout (its result) and exits. Children use childMain(); parents use runChild().
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NotBuiltError } from './contenders/common.mjs';
import { pinnedCommand } from './pin.mjs';

/** Parent side: run `node [nodeArgs] script ...args` (pinned to `core` if given) and resolve with its JSON result. */
export function runChild(script, args, { nodeArgs = [], timeoutMs = 120_000, core = null } = {}) {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const [command, argv] = pinnedCommand(core, process.execPath, [...nodeArgs, file, ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) {
        const why = err.split('\n').find((l) => /^\w*(Error|Exception)\b/.test(l));
        const where = `${script.replace('./', '')} ${args[0] ?? ''}`;
        return reject(new Error(why ?? `${where} failed (code ${code}, ${signal})`));
      }
      try {
        resolve(JSON.parse(line));
      } catch (err) {
        reject(new Error(`${script} printed no JSON result: ${line.slice(0, 200)}`));
      }
    });
  });
}

/** Child side: run `fn`, print its result (or {notBuilt}) as one JSON line, exit. */
export function childMain(fn) {
  fn().then(
    (result) => {
      process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
    },
    (err) => {
      if (err instanceof NotBuiltError) {
        process.stdout.write(JSON.stringify({ notBuilt: err.message }) + '\n', () =>
          process.exit(0),
        );
        return;
      }
      console.error(err);
      process.exit(1);
    },
  );
}

/** Throws unless `session` is the session asked for. */
export function checkSession(session, id) {
  if (session?.id !== id) {
    throw new Error(`asked for session ${id}, got ${JSON.stringify(session?.id)}`);
  }
}
