// OAuth service-app rows of `npm run bench` (also `node bench/oauth.mjs [--quick]` alone):
//   - the first call of a new private-key client, token request included (the emulator's
//     nonce dance: two token requests, then the call), once cold (jose not yet imported, the
//     DPoP key pair not yet generated) and as the median of later new clients;
//   - client CPU per getSession with a DPoP-bound token (a proof signed per request) against
//     our client with a plain Bearer access token; target: at most 1.8x. Measured against a
//     stand-in that checks nothing, so that the emulator's own proof verification (slower
//     answers) cannot colour the client's numbers, and against the emulator for reference.
// Servers run in their own process, never counted as client CPU. Targets are printed, never
// asserted.
import { execFileSync, fork } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist/esm/src`;
const TARGET_RATIO = 1.8;
const SCOPES = ['okta.sessions.read', 'okta.sessions.manage'];

/**
 * Starts this file in a child process in `mode`; resolves with the URL (and session id, after
 * `#`) it announces.
 * @param {string} mode @param {object} [setup]
 */
async function serverProcess(mode, setup = {}) {
  const child = fork(fileURLToPath(import.meta.url), [mode], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send(setup);
  /** @type {string} */
  const announced = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(String(m)));
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
  });
  const [url = '', sessionId = ''] = announced.split('#');
  return { url, sessionId, stop: () => child.kill() };
}

/** An emulator with a DPoP and a Bearer service app, and one session; or a stand-in serving it. */
async function serve(/** @type {boolean} */ standIn) {
  const { startEmulator } = await import(pathToFileURL(`${DIST}/emulator/index.js`).href);
  /** @type {{ publicJwk: Record<string, unknown> }} */
  const { publicJwk } = await new Promise((resolve) => process.once('message', resolve));
  const emu = await startEmulator({
    rateLimit: { limit: 10_000_000, windowSeconds: 60 },
    clients: {
      dpopApp: { jwks: [publicJwk], scopes: SCOPES, dpop: true },
      bearerApp: { jwks: [publicJwk], scopes: SCOPES },
    },
  });
  const auth = { Authorization: `SSWS ${emu.apiToken}` };
  const created = await fetch(`${emu.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sessionToken: emu.issueSessionToken() }),
  });
  const { id } = /** @type {{ id: string }} */ (await created.json());
  if (!standIn) {
    process.send?.(`${emu.url}#${id}`);
    return;
  }
  // The stand-in answers every session request with the emulator's own answer, read once.
  const session = await (await fetch(`${emu.url}/api/v1/sessions/${id}`, { headers: auth })).text();
  await emu.close();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body =
        req.url === '/oauth2/v1/token'
          ? JSON.stringify({
              token_type: req.headers['dpop'] ? 'DPoP' : 'Bearer',
              expires_in: 3600,
              access_token: `bench-${Math.random().toString(36).slice(2)}-token`,
              scope: SCOPES.join(' '),
            })
          : session;
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'X-Okta-Request-Id': 'bench',
      });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = address && typeof address === 'object' ? address.port : 0;
    process.send?.(`http://127.0.0.1:${port}#${id}`);
  });
}

/** The middle value of `xs`. */
function median(/** @type {number[]} */ xs) {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? (v[m] ?? NaN) : ((v[m - 1] ?? NaN) + (v[m] ?? NaN)) / 2;
}

/**
 * Client CPU (user + system) per call, in µs, of each of `callers` (sequential calls), in
 * interleaved rounds (A B A B ...) so that load from other work on the machine spreads over all
 * of them; the median round of each.
 * @param {(() => Promise<unknown>)[]} callers
 * @param {{ warmup: number, calls: number, rounds: number }} settings
 */
async function cpuPerCall(callers, { warmup, calls, rounds }) {
  for (const call of callers) for (let i = 0; i < warmup; i++) await call();
  /** @type {number[][]} */
  const samples = callers.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [k, call] of callers.entries()) {
      const start = process.cpuUsage();
      for (let i = 0; i < calls; i++) await call();
      const used = process.cpuUsage(start);
      samples[k]?.push((used.user + used.system) / calls);
    }
  }
  return samples.map(median);
}

/** Measures the OAuth rows, prints them and returns them for the results file. */
export async function benchOAuth({ quick = false } = {}) {
  if (!existsSync(`${DIST}/index.js`)) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  const { OktaSessions } = await import(pathToFileURL(`${DIST}/index.js`).href);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const setup = { publicJwk: { ...publicKey.export({ format: 'jwk' }), kid: 'bench' } };
  const settings = quick
    ? { clients: 3, warmup: 100, calls: 200, rounds: 3 }
    : { clients: 20, warmup: 1000, calls: 1000, rounds: 9 };
  const emu = await serverProcess('--serve', setup);
  const standIn = await serverProcess('--serve-stand-in', setup);
  try {
    /** @param {string} orgUrl @param {string} clientId @param {boolean} [dpop] */
    const app = (orgUrl, clientId, dpop = true) =>
      new OktaSessions({ orgUrl, clientId, privateKey, keyId: 'bench', dpop });
    /** @type {number[]} */
    const firstCall = [];
    for (let i = 0; i < settings.clients; i++) {
      const okta = app(emu.url, 'dpopApp');
      const started = performance.now();
      await okta.getSession(emu.sessionId);
      firstCall.push(performance.now() - started);
    }
    /** @param {{ url: string, sessionId: string }} server */
    const pair = async (server) => {
      // Our Bearer baseline: the same client with an access token the server accepts.
      /** @type {string} */
      let token = '';
      const peek = new OktaSessions({
        orgUrl: server.url,
        clientId: 'bearerApp',
        privateKey,
        keyId: 'bench',
        dpop: false,
        fetch: (/** @type {Request} */ request) => {
          token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '') || token;
          return fetch(request);
        },
      });
      await peek.getSession(server.sessionId);
      const bearer = new OktaSessions({ orgUrl: server.url, accessToken: token });
      const dpop = app(server.url, 'dpopApp');
      await dpop.getSession(server.sessionId);
      return cpuPerCall(
        [() => bearer.getSession(server.sessionId), () => dpop.getSession(server.sessionId)],
        settings,
      );
    };
    const [bearerCpu = NaN, dpopCpu = NaN] = await pair(standIn);
    const [emuBearerCpu = NaN, emuDpopCpu = NaN] = await pair(emu);
    const ratio = dpopCpu / bearerCpu;
    const rows = {
      firstCallColdMs: firstCall[0] ?? NaN,
      firstCallMs: median(firstCall.slice(1)),
      bearerCpuUsPerCall: bearerCpu,
      dpopCpuUsPerCall: dpopCpu,
      dpopOverBearer: ratio,
      emulatorBearerCpuUsPerCall: emuBearerCpu,
      emulatorDpopCpuUsPerCall: emuDpopCpu,
      target: `<= ${TARGET_RATIO}x`,
      met: quick ? 'n/a (--quick)' : ratio <= TARGET_RATIO ? 'yes' : 'no',
    };
    console.log('\nOAuth service app (private key, DPoP; servers in their own processes)');
    console.table({
      'first call incl. token request, cold': `${rows.firstCallColdMs.toFixed(1)} ms`,
      'first call incl. token request, new client': `${rows.firstCallMs.toFixed(1)} ms`,
      'CPU per getSession, Bearer access token': `${bearerCpu.toFixed(0)} µs`,
      'CPU per getSession, DPoP (proof per request)': `${dpopCpu.toFixed(0)} µs`,
      'DPoP / Bearer CPU': `${ratio.toFixed(2)}x (target ${rows.target}: ${rows.met})`,
      'same against the emulator (it verifies proofs)': `${emuBearerCpu.toFixed(0)} / ${emuDpopCpu.toFixed(0)} µs = ${(emuDpopCpu / emuBearerCpu).toFixed(2)}x`,
    });
    return rows;
  } finally {
    emu.stop();
    standIn.stop();
  }
}

if (process.argv.includes('--serve')) await serve(false);
else if (process.argv.includes('--serve-stand-in')) await serve(true);
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchOAuth({ quick: process.argv.includes('--quick') });
}
