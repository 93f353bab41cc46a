#!/usr/bin/env node
// A mock of Okta's getSession with one rate-limit bucket, for bench:fleet and the fleet tests
// (test/redis-throttle.test.ts): `node bench/okta-mock.mjs '{"limit":40,"windowMs":4000,
// "windows":"aligned"}'` prints `{"url":...}` and serves until killed. Windows either start at
// the first request after the last one ended, as Okta's do and the emulator's (`first-request`),
// or on the epoch's multiples of the window (`aligned`), where a fleet's first requests can land
// just before a reset. GET /__stats answers what it counted, window by window.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** @type {{ limit: number, windowMs: number, windows: 'aligned' | 'first-request' }} */
const config = {
  limit: 40,
  windowMs: 4000,
  windows: 'first-request',
  ...JSON.parse(process.argv[2] ?? '{}'),
};
const spec = parse(readFileSync(new URL('../spec/okta-sessions.yaml', import.meta.url), 'utf8'));
const example = spec.components.examples.ActiveSession.value;

/** @type {{ index: number, start: number, end: number, accepted: number, limited: number }[]} */
const windows = [];

/** The window `now` falls in, opened if need be. */
function windowAt(/** @type {number} */ now) {
  const last = windows.at(-1);
  if (last && now < last.end) return last;
  const start = config.windows === 'aligned' ? now - (now % config.windowMs) : now;
  const window = {
    index: windows.length,
    start,
    end: start + config.windowMs,
    accepted: 0,
    limited: 0,
  };
  windows.push(window);
  return window;
}

const server = createServer((req, res) => {
  if (req.url === '/__stats') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ config, windows }));
    return;
  }
  const match = /^\/api\/v1\/sessions\/([^/?]+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !match) {
    res.statusCode = 404;
    res.end();
    return;
  }
  const now = Date.now();
  const window = windowAt(now);
  const allowed = window.accepted < config.limit;
  if (allowed) window.accepted++;
  else window.limited++;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('X-Rate-Limit-Limit', String(config.limit));
  res.setHeader('X-Rate-Limit-Remaining', String(config.limit - window.accepted));
  // Whole seconds, rounded up: never earlier than the window's end.
  res.setHeader('X-Rate-Limit-Reset', String(Math.ceil(window.end / 1000)));
  if (allowed) {
    res.end(JSON.stringify({ ...example, id: match[1] }));
  } else {
    res.statusCode = 429;
    res.end(
      JSON.stringify({
        errorCode: 'E0000047',
        errorSummary: 'API call exceeded rate limit due to too many requests.',
        errorLink: 'E0000047',
        errorId: `oae${Math.random().toString(36).slice(2, 12)}`,
        errorCauses: [],
      }),
    );
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
