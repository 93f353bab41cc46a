// Small fetch helpers for the emulator tests, and one on node:http for headers fetch will not send.
import { request } from 'node:http';
import type { Emulator } from '../../src/emulator/index.js';

/** A response, read completely. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  readonly json: any;
}

/** Request options for {@link call}. */
export interface CallOptions {
  readonly auth?: string;
  readonly cookie?: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** `manual` keeps a redirect as the answer instead of following it. */
  readonly redirect?: RequestRedirect;
}

/** Sends one request to `baseUrl + path` and reads the whole response. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.auth !== undefined) headers['Authorization'] = options.auth;
  if (options.cookie !== undefined) headers['Cookie'] = options.cookie;
  if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
  const init: RequestInit = { method, headers };
  if (options.redirect !== undefined) init.redirect = options.redirect;
  if (options.body !== undefined) init.body = options.body;
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Path of a session by id. */
export const sessionPath = (id: string) => `/api/v1/sessions/${encodeURIComponent(id)}`;

/**
 * Exchanges a fresh session token for a session with the API token. createSession sets no
 * cookie (as on Okta), so `cookie` is the one a server would set for its browser.
 */
export async function newSession(
  emu: Emulator,
  user: { login?: string; userId?: string } = {},
): Promise<{ id: string; cookie: string; reply: Reply }> {
  const reply = await call(emu.url, 'POST', '/api/v1/sessions', {
    auth: `SSWS ${emu.apiToken}`,
    contentType: 'application/json',
    body: JSON.stringify({ sessionToken: await emu.issueSessionToken(user) }),
  });
  if (reply.status !== 200)
    throw new Error(`createSession answered ${reply.status}: ${reply.text}`);
  const id = reply.json.id as string;
  return { id, cookie: `sid=${id}`, reply };
}

/** A clock the test can move. */
export function testClock(start = Date.parse('2026-11-29T10:00:00.000Z')) {
  let t = start;
  return {
    now: () => t,
    advance(seconds: number) {
      t += seconds * 1000;
    },
  };
}
/** A node:http response, read completely. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: any;
}

/** One request with node:http, which sends any header as given (a forged `Host`, say). */
export function sendRaw(
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body?: string,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
