// The transport of fetch-native runtimes (browsers, workers, Deno, Bun) and of a `fetch` the
// caller passes: standard Request in, standard Response out, read with a bound.
import {
  BodyTooLargeError,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';

/** What a `fetch` option or the platform's fetch is called as: with one standard Request. */
export type FetchFunction = (request: Request) => Promise<Response>;

// A browser answers a `redirect: 'manual'` request with an opaque response, status 0, hiding
// the real 3xx; it is reported as 302, the generic "found elsewhere".
const OPAQUE_REDIRECT_STATUS = 302;

/**
 * A transport over `fetch`. It never follows redirects: a 3xx comes back as a response.
 * `inBrowser`: the requests come from a page or worker, where the browser reports a CORS refusal
 * as the same bare network failure ("Failed to fetch") and the page can learn nothing more.
 */
export function fetchTransport(fetch: FetchFunction, inBrowser: boolean): Transport {
  return {
    async request(request: TransportRequest): Promise<TransportResponse> {
      const init: RequestInit = {
        method: request.method,
        headers: request.headers,
        redirect: 'manual',
        signal: request.cancel.signal,
      };
      if (request.body !== undefined) init.body = request.body;
      if (request.credentials) init.credentials = request.credentials;
      let response: Response;
      try {
        response = await fetch(new Request(request.origin + request.path, init));
      } catch (error) {
        // fetch rejects with a TypeError for network failures only (an abort is a DOMException).
        throw inBrowser && error instanceof TypeError ? corsHint(error) : error;
      }
      return fromFetchResponse(response);
    },
  };
}

function corsHint(error: TypeError): TypeError {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return new TypeError(
    `${error.message} (or a CORS refusal: is ${origin ?? "this page's origin"} a Trusted Origin with CORS enabled in Okta?)`,
    { cause: error },
  );
}

/** A standard Response as a {@link TransportResponse} (also what `okta.raw`'s errors are read from). */
export function fromFetchResponse(response: Response): TransportResponse {
  return {
    status: response.type === 'opaqueredirect' ? OPAQUE_REDIRECT_STATUS : response.status,
    headers: response.headers,
    text: (limit, overflow) => readBounded(response.body, limit, overflow),
  };
}

async function readBounded(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  overflow: 'truncate' | 'throw',
): Promise<string> {
  if (!stream) return '';
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      text += decoder.decode(value.subarray(0, value.byteLength - (size - limit)));
      await reader.cancel().catch(() => undefined);
      if (overflow === 'throw') throw new BodyTooLargeError(limit);
      return text;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
