// Helpers for the emulator's test-kit suites: the HTTP admin API, and raw requests that can
// see a reset connection or a response's headers before its body.
import { request } from 'node:http';
import { call, type Reply } from './emulator-http.js';

/** The admin token the test-kit suites start their emulators with. */
export const ADMIN_TOKEN = 'admin-token-for-tests';

/** One call to the admin API (`/__emulator/...`) with the admin token (`auth` instead; null: none). */
export function admin(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = `Bearer ${ADMIN_TOKEN}`,
): Promise<Reply> {
  return call(url, method, `/__emulator/${path}`, {
    ...(auth !== null ? { auth } : {}),
    ...(body !== undefined ? { contentType: 'application/json', body: JSON.stringify(body) } : {}),
  });
}

/** What a raw request saw: the error, or the status with when headers and body arrived. */
export type RawOutcome =
  | { readonly error: NodeJS.ErrnoException }
  | {
      readonly status: number;
      readonly headers: Record<string, string | string[] | undefined>;
      readonly text: string;
      /** ms from sending to the headers, and to the end of the body. */
      readonly headersAfter: number;
      readonly bodyAfter: number;
    };

/** Sends one request with node:http on a fresh connection and reports what happened. */
export function raw(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawOutcome> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const headersAfter = performance.now() - start;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          headersAfter,
          bodyAfter: performance.now() - start,
        }),
      );
      res.on('error', (error) => resolve({ error }));
    });
    req.on('error', (error) => resolve({ error }));
    req.end(body);
  });
}
