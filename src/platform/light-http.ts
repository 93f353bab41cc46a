// Minimal stand-ins for WHATWG Request and Response on Node. openapi-fetch accepts a custom
// Request class and only reads status/ok/headers.get()/text() off a response; building the
// real classes costs about 200 µs per call, more than the rest of the client together.
import type { Readable } from 'node:stream';
import { BodyTooLargeError, MAX_BODY_BYTES } from './body-limit.js';

export class LightRequest {
  readonly url: string;
  readonly origin: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly credentials: RequestCredentials | undefined;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    this.origin = pathStart === -1 ? url : url.slice(0, pathStart);
    this.path = pathStart === -1 ? '/' : url.slice(pathStart);
    this.method = (init.method ?? 'GET').toUpperCase();
    const headers = init.headers;
    // Node loads its WHATWG classes (and with them http, tls, zlib...) on first use: touching
    // Headers only here keeps that cost out of `import`.
    this.headers = headers instanceof Headers ? headers : new Headers(headers);
    this.body = typeof init.body === 'string' ? init.body : undefined;
    this.signal = init.signal ?? undefined;
    this.credentials = init.credentials;
  }
}

type RawHeaders = Record<string, string | string[] | undefined>;

/** Header lookup over undici's lowercase header object; repeated headers join with ", " as in WHATWG. */
export class LightHeaders {
  readonly #raw: RawHeaders;

  constructor(raw: RawHeaders) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }

  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const name of Object.keys(this.#raw)) {
      const value = this.get(name);
      if (value !== null) callback(value, name);
    }
  }
}

export class LightResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly statusText = '';
  readonly headers: LightHeaders;
  readonly body: Readable;

  constructor(status: number, headers: RawHeaders, body: Readable) {
    this.status = status;
    this.ok = status >= 200 && status < 300;
    this.headers = new LightHeaders(headers);
    this.body = body;
  }

  /** Reads at most `limit` bytes: past it, either keeps what it has or throws. */
  readText(limit: number, overflow: 'truncate' | 'throw'): Promise<string> {
    // The parser enforces Content-Length framing, so a declared length within the limit
    // lets undici's own fast path read the body in one go.
    const declared = this.headers.get('content-length');
    if (declared !== null && Number(declared) <= limit) {
      return (this.body as unknown as { text(): Promise<string> }).text();
    }
    return readBounded(this.body, limit, overflow);
  }

  text(): Promise<string> {
    return this.readText(MAX_BODY_BYTES, 'throw');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

function readBounded(
  body: Readable,
  limit: number,
  overflow: 'truncate' | 'throw',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => resolve(Buffer.concat(chunks).toString('utf8'));
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
      body.removeAllListeners('data');
      body.destroy();
      if (overflow === 'throw') reject(new BodyTooLargeError(limit));
      else finish();
    });
    body.once('end', finish);
    body.once('error', reject);
  });
}

type Listener = () => void;

/**
 * An AbortController for our own transport only. undici accepts any EventEmitter-like signal;
 * a WHATWG AbortController costs ~9 µs to create (its EventTarget), more than the rest of
 * the attempt's bookkeeping. It is never handed to user code or to a user-supplied fetch.
 */
export class LightAbortController {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Listener[] = [];

  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  on(_event: 'abort', listener: Listener): this {
    this.#listeners.push(listener);
    return this;
  }

  once(event: 'abort', listener: Listener): this {
    return this.on(event, listener);
  }

  addListener(event: 'abort', listener: Listener): this {
    return this.on(event, listener);
  }

  addEventListener(event: 'abort', listener: Listener): void {
    this.on(event, listener);
  }

  removeEventListener(event: 'abort', listener: Listener): void {
    this.removeListener(event, listener);
  }

  removeListener(_event: 'abort', listener: Listener): this {
    const index = this.#listeners.indexOf(listener);
    if (index !== -1) this.#listeners.splice(index, 1);
    return this;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}
