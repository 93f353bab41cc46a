// Response writing and request reading. Every response carries Date, X-Okta-Request-Id and the
// X-Rate-Limit-* headers; bodies are written as prebuilt strings with raw header arrays.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpDateCache } from './clock.js';
import { errorBody, oktaErrors, type OktaErrorCode } from './errors.js';
import type { components } from '../../generated/schema.js';

type OktaErrorCause = components['schemas']['OktaErrorCause'];

/** The rate-limit header values a response carries (a bucket's, or a fault's own). */
export interface RateHeaders {
  readonly limitText: string;
  readonly remaining: string;
  readonly reset: string;
}

/** One request in flight. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The emulator clock when the request arrived, in ms since the epoch. */
  readonly now: number;
  /**
   * The `now` option's time when the request arrived, without `clock.advance`: what signed
   * client assertions and DPoP proofs are checked against (they carry real time).
   */
  readonly signedNow: number;
  readonly requestId: string;
  /** The rate-limit bucket whose headers the response carries (updated for `now`). */
  bucket: RateHeaders;
  /** True when the concurrency cap refused the request: its rate-limit headers read 0. */
  overConcurrency: boolean;
  /** A `Set-Cookie` value the response carries (Okta's clearing `sid` on API-token calls). */
  cookie: string | undefined;
  /** Extra response headers (CORS), as a flat name/value list. */
  extra: string[] | undefined;
}

/** Writes responses with the common headers. */
export class Responder {
  readonly #dates: HttpDateCache;
  readonly #nextErrorId: () => string;

  constructor(dates: HttpDateCache, nextErrorId: () => string) {
    this.#dates = dates;
    this.#nextErrorId = nextErrorId;
  }

  /** The headers every response carries. */
  common(now: number, requestId: string, bucket: RateHeaders, overConcurrency = false): string[] {
    return [
      'Date',
      this.#dates.format(now),
      'X-Okta-Request-Id',
      requestId,
      'X-Rate-Limit-Limit',
      overConcurrency ? '0' : bucket.limitText,
      'X-Rate-Limit-Remaining',
      overConcurrency ? '0' : bucket.remaining,
      'X-Rate-Limit-Reset',
      // Okta's concurrency refusal carries its bucket's window reset, which "is not a
      // guarantee": a client that waits for it stalls up to a minute for nothing.
      bucket.reset,
      'Cache-Control',
      'no-cache, no-store',
    ];
  }

  #head(ex: Exchange, headers: string[]): string[] {
    const all = this.common(ex.now, ex.requestId, ex.bucket, ex.overConcurrency);
    for (const h of headers) all.push(h);
    if (ex.cookie !== undefined) all.push('Set-Cookie', ex.cookie);
    if (ex.extra !== undefined) for (const h of ex.extra) all.push(h);
    return all;
  }

  /** Answers with a JSON body. */
  json(ex: Exchange, status: number, body: string, headers: string[] = []): void {
    const all = this.#head(ex, headers);
    all.push('Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body)));
    ex.res.writeHead(status, all);
    ex.res.end(body);
  }

  /** Answers without a body. */
  empty(ex: Exchange, status: number, headers: string[] = []): void {
    ex.res.writeHead(status, this.#head(ex, headers));
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

  /** Answers `status` with code's error body (a scripted fault's 502, 503 or 504). */
  errorAs(ex: Exchange, status: number, code: OktaErrorCode): void {
    this.json(ex, status, errorBody(code, this.#nextErrorId()));
  }

  /**
   * An Okta error answered before Okta's API layer: only `Date` and the body, no request id and
   * no rate-limit headers (what `GET /api/v1/sessions/` gets).
   */
  bareError(ex: Exchange, code: OktaErrorCode): void {
    const body = errorBody(code, this.#nextErrorId());
    ex.res.writeHead(oktaErrors[code].status, [
      'Date',
      this.#dates.format(ex.now),
      'Content-Type',
      'application/json',
      'Content-Length',
      String(Buffer.byteLength(body)),
    ]);
    ex.res.end(body);
  }

  /** A complete raw HTTP/1.1 error response, for sockets the HTTP parser gave up on. */
  raw(now: number, requestId: string, bucket: RateHeaders, code: OktaErrorCode): string {
    const body = errorBody(code, this.#nextErrorId());
    const headers = this.common(now, requestId, bucket);
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

/** The outcome of reading a JSON object body: the object, or the error answer already sent. */
export type JsonObjectResult = Record<string, unknown> | undefined;

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Reads a JSON object body, answering 400 E0000003 (as Okta words it) when the content type,
 * size or syntax is wrong; undefined means the answer was sent.
 */
export async function readJsonObject(
  ex: Exchange,
  responder: Responder,
  maxBodyBytes: number,
): Promise<JsonObjectResult> {
  if (!JSON_TYPE.test(ex.req.headers['content-type'] ?? '')) {
    responder.error(ex, 'E0000003', undefined, [
      { errorSummary: 'The request body must be sent as application/json.' },
    ]);
    return undefined;
  }
  const body = await readBody(ex.req, maxBodyBytes);
  if (!body.ok) {
    responder.error(
      ex,
      'E0000003',
      undefined,
      [{ errorSummary: `The request body must not exceed ${maxBodyBytes} bytes.` }],
      [...CLOSE_CONNECTION],
    );
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    responder.error(ex, 'E0000003');
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    responder.error(ex, 'E0000003', undefined, [
      { errorSummary: 'The request body must be a JSON object.' },
    ]);
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

/** The outcome of reading a request body. */
export type BodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false };

/**
 * The header that ends the connection once a response is sent. A refused oversized body must
 * carry it: Node otherwise keeps the connection and reads the rest of the body (gigabytes, if
 * the client says so) to get to the next request.
 */
const CLOSE_CONNECTION: readonly string[] = ['Connection', 'close'];

/**
 * Reads the request body as UTF-8, up to `limit` bytes. Past the limit it stops buffering and
 * reports `{ ok: false }` at once; answer it with {@link CLOSE_CONNECTION}.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
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
