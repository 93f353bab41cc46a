// The suite as a Cloudflare Worker: each request runs it and answers the report (500 when a case
// failed). Nothing runs in module scope (workerd forbids I/O and timers there); the work ends
// before the response. `workerd test` calls the test handler, which sends itself one request.
import { runSuite } from './suite.mjs';

const worker = {
  async fetch(request, env) {
    const only = new URL(request.url).searchParams.get('only') ?? '';
    const { failed, lines } = await runSuite(JSON.parse(env.OKTA_RUNTIME_SUITE), only);
    return new Response(`${lines.join('\n')}\n`, { status: failed ? 500 : 200 });
  },
  async test(controller, env) {
    const response = await worker.fetch(
      new Request(`http://suite/?only=${encodeURIComponent(env.OKTA_RUNTIME_ONLY ?? '')}`),
      env,
    );
    console.log(await response.text());
    if (!response.ok) throw new Error('the runtime suite failed on workerd');
  },
};
export default worker;
