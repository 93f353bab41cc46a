// The suite's entry for Node, Deno and Bun: the configuration from OKTA_RUNTIME_SUITE (JSON, set
// by scripts/runtimes.mjs), the report on stdout, the exit code 1 when a case failed.
import { runSuite } from './suite.mjs';

const deno = globalThis.Deno;
const text = deno ? deno.env.get('OKTA_RUNTIME_SUITE') : process.env.OKTA_RUNTIME_SUITE;
const only = (deno ? deno.env.get('OKTA_RUNTIME_ONLY') : process.env.OKTA_RUNTIME_ONLY) ?? '';
const { failed, lines } = await runSuite(JSON.parse(text), only);
console.log(lines.join('\n'));
if (deno) deno.exitCode = failed ? 1 : 0;
else process.exitCode = failed ? 1 : 0;
