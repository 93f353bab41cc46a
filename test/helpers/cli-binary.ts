// The okta-sessions command as a real process: src/cli/main.ts bundled once per test file by
// esbuild (the tsc build is shared with the pack test, which rebuilds dist/ while it runs),
// spawned with its own stdin, stdout, stderr, environment, working directory and exit code.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageSources } from '../../scripts/package-sources.cjs';

const root = join(__dirname, '..', '..');

export interface CliBinary {
  /** The bundled command (or, with another entry, module), run with `node <file>`. */
  file: string;
  /** An empty directory for HOME and the working directory, so no real okta.yaml is read. */
  home: string;
  run(
    args: string[],
    options?: { env?: Record<string, string>; cwd?: string; shell?: string },
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  remove(): void;
}

/**
 * `external`: packages left out of the bundle and so missing when it runs (it lives in a temp
 * folder with no node_modules), as an optional peer is missing from a project that did not
 * install it.
 */
export async function buildCli(
  entry = 'src/cli/main.ts',
  { external = [] }: { external?: string[] } = {},
): Promise<CliBinary> {
  const dir = mkdtempSync(join(tmpdir(), 'okta-cli-'));
  const file = join(dir, 'okta-sessions.cjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: file,
    logLevel: 'warning',
    external,
    plugins: [packageSources('node')],
  });
  const home = join(dir, 'home');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(home);
  return {
    file,
    home,
    run(args, options = {}) {
      // `shell` runs a pipeline such as `"$CLI" demo | head -2`, with $CLI set to the command.
      const [command, argv] = options.shell
        ? ['/bin/bash', ['-o', 'pipefail', '-c', options.shell]]
        : [process.execPath, [file, ...args]];
      const child = spawn(command, argv, {
        cwd: options.cwd ?? home,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: home,
          CLI: `${process.execPath} ${file}`,
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
