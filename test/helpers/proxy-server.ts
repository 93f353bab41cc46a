// A small, real HTTP proxy on 127.0.0.1 (port 0): CONNECT tunnels and plain absolute-form
// forwarding, as corporate proxies do; it records what it was asked and can demand
// credentials or refuse outright.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface ProxyHit {
  kind: 'connect' | 'forward';
  /** `host:port` of a CONNECT, or the absolute URL of a forwarded request. */
  target: string;
  proxyAuthorization: string | undefined;
}

export interface ProxyServer {
  url: string;
  port: number;
  hits: ProxyHit[];
  /** TCP connections clients opened to the proxy so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** `user:pass` the proxy demands (407 without it). */
  credentials?: string;
  /** Refuse everything with this status (e.g. 403). */
  refuse?: number;
  /** Where a CONNECT to `host:port` really goes (default: where it says). */
  tunnelTo?: (target: string) => { host: string; port: number };
}

export async function startProxy(options: ProxyOptions = {}): Promise<ProxyServer> {
  const hits: ProxyHit[] = [];
  const tunnels = new Set<{ destroy(): void }>();
  const expected =
    options.credentials && `Basic ${Buffer.from(options.credentials).toString('base64')}`;
  const refusal = (req: IncomingMessage): number | undefined => {
    if (options.refuse) return options.refuse;
    if (expected && req.headers['proxy-authorization'] !== expected) return 407;
    return undefined;
  };
  const server = createServer((req, res) => {
    hits.push({
      kind: 'forward',
      target: req.url ?? '',
      proxyAuthorization: req.headers['proxy-authorization'],
    });
    const status = refusal(req);
    if (status) {
      res.writeHead(status, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, socket, head: Buffer) => {
    const target = req.url ?? '';
    hits.push({ kind: 'connect', target, proxyAuthorization: req.headers['proxy-authorization'] });
    const status = refusal(req);
    if (status) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n`);
      return;
    }
    tunnels.add(socket);
    const [host, port] = target.split(':');
    const to = options.tunnelTo?.(target) ?? { host: host!, port: Number(port) };
    const upstream = connect(to.port, to.host, () => {
      tunnels.add(upstream);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
