// The contenders, in table order. Each is { id, label, create(orgUrl) } where create() imports
// its library lazily (so that cold start times exactly "import + construct") and returns
// { getSession(id), close() }. All send the same headers to the same bench server.
import { createRequire } from 'node:module';
import { spec } from '../scripts/spec.cjs';

/** The id of the spec's `ActiveSession` example, which the bench server answers with. */
export const EXAMPLE_SESSION_ID = spec.components.examples.ActiveSession.value.id;

const API_TOKEN = 'bench-token';
const HEADERS = {
  Authorization: `SSWS ${API_TOKEN}`,
  Accept: 'application/json',
  'User-Agent': 'okta-sessions-bench',
};

/** okta-sessions is not built (or not importable): reported as such, not as an error. */
export class NotBuiltError extends Error {}

/**
 * @typedef {{ getSession(id: string): Promise<any>, close(): Promise<void> }} BenchClient
 * @typedef {{ id: string, label: string, create(orgUrl: string): Promise<BenchClient | null> }} Contender
 */

/** @param {number} status */
const statusError = (status) => Object.assign(new Error(`HTTP ${status}`), { status });

/** @type {Contender} */
const oktaSessions = {
  id: 'okta-sessions',
  label: 'okta-sessions',
  // The runners point OKTA_SESSIONS_ENTRY at a packed snapshot of the package (snapshot.mjs);
  // without it, `okta-sessions` resolves through the repo's own exports map and dist/.
  async create(orgUrl) {
    const notBuilt = process.env['OKTA_SESSIONS_NOT_BUILT'];
    if (notBuilt) throw new NotBuiltError(`okta-sessions is not built: ${notBuilt}`);
    const entry = process.env['OKTA_SESSIONS_ENTRY'];
    const mod = await import(entry || 'okta-sessions').catch((/** @type {any} */ err) => {
      if (!entry && /^ERR_(MODULE_NOT_FOUND|PACKAGE_PATH_NOT_EXPORTED)$/.test(err?.code)) {
        throw new NotBuiltError(`okta-sessions is not built (${err.code})`);
      }
      throw err;
    });
    const okta = new mod.OktaSessions({ orgUrl, apiToken: API_TOKEN });
    return { getSession: (id) => okta.getSession(id), close: async () => {} };
  },
};

/** @type {Contender} */
const officialSdk = {
  id: 'official-sdk',
  label: '@okta/okta-sdk-nodejs',
  // CommonJS, node-fetch 2 over node:http. Its default cache would answer repeated GETs from
  // memory: switched off so that every call goes over the wire.
  async create(orgUrl) {
    const okta = createRequire(import.meta.url)('@okta/okta-sdk-nodejs');
    const client = new okta.Client({
      orgUrl,
      token: API_TOKEN,
      cacheMiddleware: null,
      testing: { disableHttpsCheck: true },
    });
    return {
      getSession: (sessionId) => client.sessionApi.getSession({ sessionId }),
      close: async () => {},
    };
  },
};

/** @type {Contender} */
const bareFetch = {
  id: 'fetch',
  label: 'bare fetch',
  // Node's built-in fetch: no retries, no date revival, just the request and a JSON parse.
  async create(orgUrl) {
    const base = `${orgUrl}/api/v1/sessions/`;
    return {
      async getSession(id) {
        const res = await fetch(base + encodeURIComponent(id), { headers: HEADERS });
        if (res.ok) return res.json();
        await res.arrayBuffer();
        throw statusError(res.status);
      },
      close: async () => {},
    };
  },
};

/** @type {Contender} */
const undiciPool = {
  id: 'undici-pool',
  label: 'undici Pool (floor)',
  // The floor: one undici Pool for the origin (default options), the same headers, a JSON
  // parse of the body and nothing else.
  async create(orgUrl) {
    const { Pool } = await import('undici');
    const pool = new Pool(orgUrl);
    return {
      async getSession(id) {
        const path = `/api/v1/sessions/${encodeURIComponent(id)}`;
        const { statusCode, body } = await pool.request({ method: 'GET', path, headers: HEADERS });
        if (statusCode === 200) return body.json();
        await body.dump();
        throw statusError(statusCode);
      },
      close: () => pool.close(),
    };
  },
};

export const CONTENDERS = [oktaSessions, officialSdk, bareFetch, undiciPool];

/** A bare `node` process: imports nothing, constructs nothing (the cold-start baseline). */
export const BASELINE = { id: 'baseline', label: 'bare node', create: async () => null };

/** @param {string | undefined} id */
export function contenderById(id) {
  const found = [BASELINE, ...CONTENDERS].find((c) => c.id === id);
  if (!found) throw new Error(`unknown contender ${id}`);
  return found;
}
