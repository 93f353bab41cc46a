import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleSession } from './spec-examples.js';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Reply = (req: Recorded, res: ServerResponse) => void;

export interface RecordingServer {
  url: string;
  requests: Recorded[];
  /** Replies used in order; the last one repeats. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (port 0) that records every request it gets. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: Recorded[] = [];
  // Until a test says otherwise, every request gets a Session (the spec's NewSession example).
  let replies: Reply[] = [json(200, SESSION)];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
      reply(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(...next) {
      replies = next;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const OKTA_HEADERS = {
  'x-okta-request-id': 'req-test-1',
  'x-rate-limit-limit': '600',
  'x-rate-limit-remaining': '599',
  'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 60),
};

/** A reply with a JSON body and Okta's usual headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...OKTA_HEADERS, ...headers });
    res.end(JSON.stringify(body));
  };
}

/** A reply with a raw body (HTML, truncated JSON, nothing). */
export function raw(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(status, { ...OKTA_HEADERS, ...headers });
    res.end(body);
  };
}

/** The spec's NewSession example: date-times set, lastFactorVerification null. */
export const SESSION = exampleSession(undefined, 'NewSession') as {
  id: string;
  createdAt: string;
  expiresAt: string;
  lastFactorVerification: null;
};
