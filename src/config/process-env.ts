// `process.env` where the runtime has it, else an empty environment (browsers): what fromEnv
// and the proxy default read. Not a `config-*` module: the client (fromEnv) brings it into
// browser bundles, which must carry none of those.
export function processEnv(): Record<string, string | undefined> {
  return (
    (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
  );
}
