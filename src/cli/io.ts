/** Where the CLI writes, and what it reads from its surroundings; injected so tests run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM): ends `okta-sessions emulator`. */
  stop: AbortSignal;
  /** Where `~/.okta/okta.yaml` and `./okta.yaml` are looked for; default the real ones. */
  homeDir?: string;
  cwd?: string;
  /** Reads all of stdin (`--password-stdin`). */
  readStdin?: () => Promise<string>;
  /** Asks for a secret on the terminal without echo; undefined when there is no terminal. */
  promptPassword?: (prompt: string) => Promise<string | undefined>;
  /** How the user runs this command, for the lines it suggests; default `okta-sessions`. */
  command?: string;
}

/** Exit codes: 0 success, 1 the API (or the network) said no, 2 the command line or config is wrong. */
export const EXIT = { ok: 0, apiError: 1, usage: 2 } as const;

/** A usage problem: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
