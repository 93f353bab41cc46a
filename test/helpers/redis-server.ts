// A real redis-server (Debian's package) on a free loopback port, for the Redis store's tests,
// and a real three-master Redis Cluster built by redis-cli.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** Stops it for good (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open but nothing answers. */
  pause(): void;
  resume(): void;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** A redis-server; `port` and `extra` arguments for a cluster node. */
export async function startRedis(
  options: { port?: number; extra?: string[] } = {},
): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.env['REDIS_SERVER'] ?? 'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      ...(options.extra ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const pid = child.pid!;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(pid, 'SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
    pause: () => process.kill(pid, 'SIGSTOP'),
    resume: () => process.kill(pid, 'SIGCONT'),
  };
}

export interface RedisCluster {
  /** The masters' ports, in the order they were started. */
  readonly ports: readonly number[];
  /** Seed nodes for ioredis's `Cluster`. */
  readonly nodes: readonly { host: string; port: number }[];
  kill(): Promise<void>;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port)) continue;
    const ok = await Promise.all([port, port + 10_000].map(portFree));
    if (ok.every(Boolean)) {
      taken.add(port);
      return port;
    }
  }
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A Redis Cluster of three masters on loopback ports (no replicas), as `redis-cli --cluster
 * create` builds it: the slots split in three, so keys of different hash tags live on
 * different nodes, and a command on one node for another's key is answered MOVED.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const taken = new Set<number>();
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freeClusterPort(taken);
      servers.push(
        await startRedis({
          port,
          extra: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '5000',
            '--dir',
            dir,
          ],
        }),
      );
    }
    const cli = process.env['REDIS_CLI'] ?? 'redis-cli';
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    await execFileAsync(cli, [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every node must agree that all slots are served before a client may rely on it.
    const started = Date.now();
    for (const server of servers) {
      for (;;) {
        const { stdout } = await execFileAsync(cli, ['-p', String(server.port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() - started > 20_000) throw new Error(`cluster not ok:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.kill()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ports: servers.map((s) => s.port),
    nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    async kill() {
      await Promise.all(servers.map((s) => s.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
