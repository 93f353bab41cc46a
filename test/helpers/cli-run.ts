// The CLI run in-process, as the tests drive it: output captured, no real okta.yaml (home and
// working directory point at `dir`), and never one of `secrets` in what it prints.
import { run } from '../../src/cli/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  { env = {}, dir, secrets }: { env?: Record<string, string>; dir: string; secrets: string[] },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    stop: new AbortController().signal,
    homeDir: dir,
    cwd: dir,
  });
  // No command ever echoes a credential it was given.
  for (const secret of secrets) expect(stdout + stderr).not.toContain(secret);
  return { code, stdout, stderr };
}
