// The seam between the façade and the network, in the spirit of stripe-node's HttpClient: the
// façade hands over a request it has fully decided, and gets back a status, headers and a body
// it reads with a size bound of its choosing. Implementations: undici.ts (Node) and fetch.ts
// (browsers, workers, Deno, Bun, and any `fetch` a caller passes).

import type { Cancel } from '../time/deadline.js';

export type { Cancel };

/** Anything with WHATWG-style `get` and `forEach`: a `Headers` object or a transport's headers. */
export interface HeaderReader {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/** One HTTP request, with everything decided: nothing is added or followed on the way. */
export interface TransportRequest {
  method: string;
  /** The org's origin, e.g. `https://acme.okta.com`. */
  origin: string;
  /** The path, already filled in and percent-encoded. */
  path: string;
  /** Final header names (lowercase) and values. */
  headers: Record<string, string>;
  body: string | undefined;
  /** Browsers only: whether the browser's cookies go with the request. */
  credentials: RequestCredentials | undefined;
  cancel: Cancel;
}

/** A response whose body has not been read yet. Redirects are never followed: a 3xx is a status. */
export interface TransportResponse {
  status: number;
  headers: HeaderReader;
  /**
   * Reads the body as UTF-8, at most `limit` bytes. Past the limit the connection is dropped,
   * not drained, and the text read so far is kept (`truncate`) or {@link BodyTooLargeError}
   * rejects (`throw`).
   */
  text(limit: number, overflow: 'truncate' | 'throw'): Promise<string>;
}

export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
}

/** A body was larger than its reader allowed. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}
