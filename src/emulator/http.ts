// Response writing and request reading. Every response carries Date, X-Okta-Request-Id and the
// X-Rate-Limit-* headers; bodies are written as prebuilt strings with raw header arrays.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpDateCache } from './clock.js';
import { errorBody, oktaErrors, type OktaErrorCode } from './errors.js';
import type { FixedWindowLimiter } from './fixed-window-limiter.js';
import type { components } from '../../generated/schema.js';

type OktaErrorCause = components['schemas']['OktaErrorCause'];

/** One request in flight. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The emulator clock when the request arrived, in ms since the epoch. */
  readonly now: number;
  readonly requestId: string;
  /** Extra response headers (CORS), as a flat name/value list. */
  extra: string[] | undefined;
}

/** Writes responses with the common headers. */
export class Responder {
  readonly #limiter: FixedWindowLimiter;
  readonly #dates: HttpDateCache;
  readonly #nextErrorId: () => string;

  constructor(limiter: FixedWindowLimiter, dates: HttpDateCache, nextErrorId: () => string) {
    this.#limiter = limiter;
    this.#dates = dates;
    this.#nextErrorId = nextErrorId;
  }

  /** The headers every response carries (the limiter must have been updated for `now`). */
  common(now: number, requestId: string): string[] {
    const limiter = this.#limiter;
    return [
      'Date',
      this.#dates.format(now),
      'X-Okta-Request-Id',
      requestId,
      'X-Rate-Limit-Limit',
      limiter.limitText,
      'X-Rate-Limit-Remaining',
      limiter.remaining,
      'X-Rate-Limit-Reset',
      limiter.reset,
      'Cache-Control',
      'no-cache, no-store',
    ];
  }

  /** Answers with a JSON body. */
  json(ex: Exchange, status: number, body: string, headers: string[] = []): void {
    const all = this.common(ex.now, ex.requestId);
    all.push('Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body)));
    for (const h of headers) all.push(h);
    if (ex.extra !== undefined) for (const h of ex.extra) all.push(h);
    ex.res.writeHead(status, all);
    ex.res.end(body);
  }

  /** Answers without a body. */
  empty(ex: Exchange, status: number, headers: string[] = []): void {
    const all = this.common(ex.now, ex.requestId);
    for (const h of headers) all.push(h);
    if (ex.extra !== undefined) for (const h of ex.extra) all.push(h);
    ex.res.writeHead(status, all);
    ex.res.end();
  }

  /** Answers with an Okta error body and a fresh errorId. */
  error(
    ex: Exchange,
    code: OktaErrorCode,
    summary?: string,
    causes?: OktaErrorCause[],
    headers?: string[],
  ): void {
    const body = errorBody(code, this.#nextErrorId(), summary, causes);
    this.json(ex, oktaErrors[code].status, body, headers);
  }

  /** A complete raw HTTP/1.1 error response, for sockets the HTTP parser gave up on. */
  raw(now: number, requestId: string, code: OktaErrorCode): string {
    const body = errorBody(code, this.#nextErrorId());
    const headers = this.common(now, requestId);
    headers.push(
      'Content-Type',
      'application/json',
      'Content-Length',
      String(Buffer.byteLength(body)),
    );
    headers.push('Connection', 'close');
    let head = `HTTP/1.1 ${oktaErrors[code].status} Bad Request\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    return head + '\r\n' + body;
  }
}

/** The outcome of reading a request body. */
export type BodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false };

/**
 * Reads the request body as UTF-8, up to `limit` bytes. Past the limit it stops buffering, lets
 * the rest drain and reports `{ ok: false }` as soon as the limit is crossed.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve({ ok: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ ok: false });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => finish({ ok: false }));
    req.on('aborted', () => finish({ ok: false }));
  });
}

/** The non-empty values of the cookies named `names` in a Cookie header, in the order of `names`. */
export function cookieValues(header: string | undefined, names: readonly string[]): string[] {
  if (header === undefined || header === '') return [];
  const found = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!names.includes(name) || found.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (value !== '') found.set(name, value);
  }
  const values: string[] = [];
  for (const name of names) {
    const value = found.get(name);
    if (value !== undefined) values.push(value);
  }
  return values;
}
