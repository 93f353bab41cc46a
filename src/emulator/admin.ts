// The emulator's own HTTP admin API under /__emulator/ (spec/okta-emulator-admin.yaml): scripted
// faults, the request journal, reset and the clock, for tests written in any language. It
// exists only when the emulator was started with an admin token, and answers only requests that
// carry it; nothing here is journaled, rate-limited or subject to faults.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorFault, FaultBook } from './faults.js';
import { readBody } from './http.js';
import type { OffsetClock } from './clock.js';
import type { Journal } from './journal.js';

/** Where the admin API lives. */
export const ADMIN_PREFIX = '/__emulator/';

/** What the admin API acts on. */
export interface AdminDeps {
  readonly token: string;
  readonly faults: FaultBook;
  readonly journal: Journal;
  readonly clock: OffsetClock;
  readonly reset: () => void;
  readonly maxBodyBytes: number;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

// Hashing first makes the comparison constant-time whatever the lengths: timingSafeEqual
// alone throws on a length mismatch, which would tell the length of the token.
const digest = (text: string) => createHash('sha256').update(text).digest();

function send(res: ServerResponse, status: number, body?: unknown, headers: string[] = []): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const all = ['Cache-Control', 'no-store', ...headers];
  if (text !== '')
    all.push('Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(text)));
  res.writeHead(status, all);
  res.end(text);
}

const problem = (
  res: ServerResponse,
  status: number,
  error: string,
  message: string,
  h?: string[],
) => send(res, status, { error, message }, h);

async function readJson(req: IncomingMessage, res: ServerResponse, limit: number) {
  if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    problem(res, 415, 'unsupported_media_type', 'send the body as application/json');
    return undefined;
  }
  const body = await readBody(req, limit);
  if (!body.ok) {
    problem(res, 413, 'too_large', `the body must not exceed ${limit} bytes`, [
      'Connection',
      'close',
    ]);
    return undefined;
  }
  try {
    return { value: JSON.parse(body.text) as unknown };
  } catch {
    problem(res, 400, 'invalid_json', 'the body is not JSON');
    return undefined;
  }
}

/** The admin API's request handler; `pathname` starts with {@link ADMIN_PREFIX}. */
export function createAdmin(deps: AdminDeps) {
  const expected = digest(`Bearer ${deps.token}`);
  const authorized = (req: IncomingMessage) =>
    timingSafeEqual(digest((req.headers.authorization ?? '').trim()), expected);

  const routes: Record<
    string,
    Record<string, (req: IncomingMessage, res: ServerResponse) => unknown>
  > = {
    faults: {
      GET: (_req, res) => send(res, 200, { faults: deps.faults.list() }),
      async POST(req, res) {
        const body = await readJson(req, res, deps.maxBodyBytes);
        if (body === undefined) return;
        const input = Array.isArray(body.value) ? body.value : [body.value];
        let checked: EmulatorFault[];
        try {
          checked = input.map((f) => deps.faults.check(f));
        } catch (error) {
          problem(res, 400, 'invalid_fault', (error as Error).message);
          return;
        }
        // All or nothing: a bad fault in a list adds none of them.
        for (const fault of checked) deps.faults.add(fault);
        send(res, 200, { faults: deps.faults.list() });
      },
      DELETE: (_req, res) => {
        deps.faults.clear();
        send(res, 204);
      },
    },
    requests: {
      GET: (_req, res) => send(res, 200, { requests: deps.journal.list() }),
    },
    reset: {
      POST: (_req, res) => {
        deps.reset();
        send(res, 204);
      },
    },
    clock: {
      GET: (_req, res) => send(res, 200, { now: new Date(deps.clock.now()).toISOString() }),
      async POST(req, res) {
        const body = await readJson(req, res, deps.maxBodyBytes);
        if (body === undefined) return;
        const ms = (body.value as { advanceMs?: unknown } | null)?.advanceMs;
        try {
          deps.clock.advance(ms as number);
        } catch (error) {
          problem(res, 400, 'invalid_clock', (error as Error).message);
          return;
        }
        send(res, 200, { now: new Date(deps.clock.now()).toISOString() });
      },
    },
  };

  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (!authorized(req)) {
      problem(res, 401, 'unauthorized', 'the admin API needs Authorization: Bearer <admin token>', [
        'WWW-Authenticate',
        'Bearer realm="okta-sessions emulator admin"',
      ]);
      return;
    }
    const byMethod = routes[pathname.slice(ADMIN_PREFIX.length)];
    if (byMethod === undefined) {
      problem(res, 404, 'not_found', 'no such admin endpoint');
      return;
    }
    const handler = byMethod[req.method ?? 'GET'];
    if (handler === undefined) {
      problem(res, 405, 'method_not_allowed', 'method not allowed here', [
        'Allow',
        Object.keys(byMethod).join(', '),
      ]);
      return;
    }
    await handler(req, res);
  };
}
