// Runs a script in a plain Node process, for what a jest sandbox cannot see: its `process` is
// not the real one, so an 'unhandledRejection' listener added in a test never hears anything.
// The script is TypeScript that may import the sources (`./src/index.ts`, resolved from the
// repository root); esbuild bundles it in memory and Node reads the bundle from stdin, with the
// root as working directory so that bare imports (undici, openapi-fetch) resolve as a user's do.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runNodeScript(
  source: string,
  env: Record<string, string> = {},
): Promise<ScriptResult> {
  const esbuild = await import('esbuild');
  const built = await esbuild.build({
    stdin: { contents: source, resolveDir: root, sourcefile: 'script.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    packages: 'external',
    plugins: [
      {
        name: 'platform',
        setup(build) {
          build.onResolve({ filter: /^#platform$/ }, () => ({
            path: join(root, 'src/platform/node.ts'),
          }));
        },
      },
    ],
  });
  const child = spawn(process.execPath, ['--input-type=module'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(built.outputFiles[0]!.text);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr };
}
