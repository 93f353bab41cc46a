// The bench's Okta stand-in: a tiny node:http server, run in its own process
// (forked by processes.mjs) so that its CPU never counts against a client.
//
//   GET  /api/v1/sessions/:id   200 Session (the spec example, with :id echoed back)
//   POST /api/v1/sessions       200 Session (a new id)
//
// Every answer carries Date, X-Okta-Request-Id and X-Rate-Limit-* headers; keep-alive is on.
// With --mode=load, the first attempt of every Nth distinct session id is answered 429
// (and of every Mth, the first two attempts), with X-Rate-Limit-Reset one second ahead of
// the Date header, so a client that retries like Okta's SDKs do succeeds on its retry.
//
// The parent talks to it over IPC: {type:'stats'} | {type:'reset'}; it announces {type:'ready', port}.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { spec } from '../scripts/spec.cjs';
import { EXAMPLE_SESSION_ID } from './contenders.mjs';

const { values: opts } = parseArgs({
  options: {
    mode: { type: 'string', default: 'plain' },
    'reject-every': { type: 'string', default: '5' },
    'reject-twice-every': { type: 'string', default: '50' },
  },
});
const LOAD = opts.mode === 'load';
const REJECT_EVERY = Number(opts['reject-every']);
const REJECT_TWICE_EVERY = Number(opts['reject-twice-every']);
const PREFIX = '/api/v1/sessions';
const LIMIT = '600';

// Bodies from the spec's own examples; a Session names the id asked for (and links to it).
const examples = spec.components.examples;
const sessionParts = JSON.stringify(examples.ActiveSession.value).split(EXAMPLE_SESSION_ID);
const sessionJson = (/** @type {string} */ id) => sessionParts.join(id);
const RATE_LIMITED_JSON = JSON.stringify(examples.ErrorRateLimited.value);
const NOT_FOUND_JSON = JSON.stringify(examples.ErrorNotFound.value);

/** @type {{ requests: number, byStatus: Record<string, number>, connections: number, openConnections: number, maxOpenConnections: number, retryHeaders: number }} */
let stats;
/** @type {Map<string, { ordinal: number, attempts: number, ok: number }>} load mode, by session id */
let ids;
function reset() {
  stats = {
    requests: 0,
    byStatus: {},
    connections: 0,
    openConnections: 0,
    maxOpenConnections: 0,
    retryHeaders: 0,
  };
  ids = new Map();
}
reset();

let reqCounter = 0;
function requestId() {
  return `bench${(++reqCounter).toString(36).padStart(12, '0')}`;
}

/**
 * @param {http.ServerResponse} res @param {number} status @param {string} body
 * @param {Record<string, string>} [extra]
 */
function send(res, status, body, extra) {
  const nowSec = Math.floor(Date.now() / 1000);
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'X-Okta-Request-Id': requestId(),
    'X-Rate-Limit-Limit': LIMIT,
    'X-Rate-Limit-Remaining': status === 429 ? '0' : '599',
    'X-Rate-Limit-Reset': String(nowSec + (status === 429 ? 1 : 60)),
    // Second resolution, like a real Date header; consistent with the reset above.
    Date: new Date(nowSec * 1000).toUTCString(),
    ...extra,
  };
  stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  res.writeHead(status, headers);
  res.end(body);
}

/** Load mode: decide whether this attempt for `id` is rate limited. */
/** @param {string} id */
function rateLimited(id) {
  let rec = ids.get(id);
  if (!rec) {
    rec = { ordinal: ids.size + 1, attempts: 0, ok: 0 };
    ids.set(id, rec);
  }
  rec.attempts++;
  const rejections =
    rec.ordinal % REJECT_TWICE_EVERY === 0 ? 2 : rec.ordinal % REJECT_EVERY === 0 ? 1 : 0;
  if (rec.attempts <= rejections) return true;
  rec.ok++;
  return false;
}

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
function handle(req, res) {
  stats.requests++;
  if (req.headers['x-okta-retry-count']) stats.retryHeaders++;
  const auth = req.headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('SSWS ')) {
    return send(res, 401, '{"errorCode":"E0000011","errorSummary":"Invalid token provided"}');
  }
  const url = req.url ?? '';
  if (req.method === 'GET' && url.startsWith(PREFIX + '/') && url.length > PREFIX.length + 1) {
    const id = decodeURIComponent(url.slice(PREFIX.length + 1));
    if (id.includes('/')) return send(res, 404, NOT_FOUND_JSON);
    if (LOAD && rateLimited(id)) return send(res, 429, RATE_LIMITED_JSON);
    return send(res, 200, sessionJson(id));
  }
  if (req.method === 'POST' && (url === PREFIX || url === PREFIX + '/')) {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let token;
      try {
        token = JSON.parse(Buffer.concat(chunks).toString('utf8')).sessionToken;
      } catch {
        return send(res, 400, '{"errorCode":"E0000003","errorSummary":"Bad body"}');
      }
      if (typeof token !== 'string' || token === '') {
        return send(res, 400, '{"errorCode":"E0000001","errorSummary":"Api validation failed"}');
      }
      send(res, 200, sessionJson(`102new${reqCounter.toString(36)}`));
    });
    return;
  }
  send(res, 404, NOT_FOUND_JSON);
}

const server = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, handle);
server.headersTimeout = 0;
server.on('connection', (socket) => {
  stats.connections++;
  stats.openConnections++;
  if (stats.openConnections > stats.maxOpenConnections) {
    stats.maxOpenConnections = stats.openConnections;
  }
  socket.on('close', () => stats.openConnections--);
});

function loadSummary() {
  let idsWith429 = 0;
  let idsWithDuplicateOk = 0;
  let idsWithoutOk = 0;
  for (const rec of ids.values()) {
    if (rec.attempts > rec.ok) idsWith429++;
    if (rec.ok > 1) idsWithDuplicateOk++;
    if (rec.ok === 0) idsWithoutOk++;
  }
  return { distinctIds: ids.size, idsWith429, idsWithDuplicateOk, idsWithoutOk };
}

process.on('message', (/** @type {any} */ msg) => {
  if (msg?.type === 'stats') {
    process.send?.({ type: 'stats', stats: { ...stats, ...(LOAD ? loadSummary() : {}) } });
  } else if (msg?.type === 'reset') {
    reset();
    process.send?.({ type: 'reset' });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen({ host: '127.0.0.1', port: 0, backlog: 8192 }, () => {
  process.send?.({
    type: 'ready',
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
  });
});
