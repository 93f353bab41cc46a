// okta.yaml, read the way the official Okta SDKs read it, with the checks ssh applies to its
// own configuration (which they do not). Node only, and loaded only by OktaSessions.fromConfig
// (through the Node platform), so neither the YAML parser nor node:fs reaches other clients'
// import time or a browser bundle.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConfigLayer } from './layers.js';
import { OktaConfigError } from '../errors/config-error.js';
import { isMissingPackage, missingPeer } from '../errors/optional-peer.js';

/**
 * Where {@link OktaSessions.fromConfig} looks for settings; every field has a default.
 *
 * @example
 * ```ts
 * const okta = await OktaSessions.fromConfig({}, { cwd: '/srv/app', onWarning: (m) => console.warn(m) });
 * ```
 */
export interface ConfigSources {
  /** The environment to read `OKTA_CLIENT_*` and the proxy variables from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** The home directory holding `.okta/okta.yaml`. Default `os.homedir()`. */
  homeDir?: string;
  /** The directory holding the project's `okta.yaml`. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Receives warnings: a credential in a file others can read, or a `~/.okta/okta.yaml` that
   * another user owns or can write. Default `process.emitWarning`.
   */
  onWarning?: (message: string) => void;
}

type Yaml = typeof import('yaml');

/** The largest okta.yaml read: a few settings take a few hundred bytes; YAML parsing is not linear. */
const MAX_CONFIG_BYTES = 64 * 1024;

// Mode bits and owners mean nothing on Windows (a writable file reports 0666, every file uid 0).
const POSIX = process.platform !== 'win32';

/** The `okta.yaml` files, first to last (later ones win); the home file is the user's own. */
function configFiles(sources: ConfigSources): Array<{ file: string; home: boolean }> {
  return [
    { file: join(sources.homeDir ?? homedir(), '.okta', 'okta.yaml'), home: true },
    { file: join(sources.cwd ?? process.cwd(), 'okta.yaml'), home: false },
  ];
}

/** One layer per `okta.yaml` file that exists. */
export async function readConfigFiles(sources: ConfigSources): Promise<ConfigLayer[]> {
  const layers: ConfigLayer[] = [];
  const warn = sources.onWarning ?? ((m: string) => process.emitWarning(m));
  let yaml: Yaml | undefined;
  for (const { file, home } of configFiles(sources)) {
    const read = readConfigFile(file);
    if (read === undefined) continue;
    const untrusted = POSIX ? untrustedBecause(file, read.stats) : undefined;
    if (untrusted !== undefined) {
      // The working directory may be anyone's (a shared checkout, /tmp): a file planted there
      // would choose the org the user's token is sent to. The home directory is the user's
      // own, so there the same finding is a warning rather than a refusal.
      if (!home) throw new OktaConfigError(`Refusing ${untrusted}`);
      warn(untrusted);
    }
    yaml ??= await import('yaml').catch((error: unknown) => {
      if (isMissingPackage(error, 'yaml')) throw missingPeer(`Reading ${file}`, 'yaml');
      throw error;
    });
    const layer = layerOf(file, read.text, yaml);
    if (layer.apiToken !== undefined || layer.privateKey !== undefined) {
      warnIfShared(file, read.stats, warn);
    }
    layers.push(layer);
  }
  return layers;
}

/**
 * The text of `file` and what fstat said of it, or undefined if there is none. Opened without
 * blocking, so that a FIFO cannot stall the open, and judged by fstat of that very descriptor
 * (no window for a swap between a check and the read): only a regular file of at most
 * MAX_CONFIG_BYTES is read; a device (a link to /dev/zero), a FIFO or a directory is refused.
 */
function readConfigFile(file: string): { text: string; stats: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return undefined;
    throw new OktaConfigError(`Cannot read ${file} (${code ?? 'error'})`, { cause: error });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new OktaConfigError(
        `${file} is not a regular file (${fileKind(stats)}); okta.yaml is read only from a regular file`,
      );
    }
    const tooBig = () =>
      new OktaConfigError(
        `${file} is larger than ${MAX_CONFIG_BYTES / 1024} kB; an okta.yaml holds a few settings: check that this is the right file`,
      );
    if (stats.size > MAX_CONFIG_BYTES) throw tooBig();
    // One byte more than the cap: a file that grew since fstat is caught here.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_CONFIG_BYTES) throw tooBig();
    return { text: buffer.toString('utf8', 0, length), stats };
  } catch (error) {
    if (error instanceof OktaConfigError) throw error;
    const code = (error as { code?: string }).code;
    throw new OktaConfigError(`Cannot read ${file} (${code ?? 'error'})`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * Why a file should not be trusted, as ssh judges its config (owned by someone other than
 * this user or root, or writable by its group or by others), with the fix; or undefined.
 */
function untrustedBecause(file: string, stats: Stats): string | undefined {
  const risk = 'whoever can change it chooses the org your credentials are sent to';
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid && stats.uid !== 0) {
    return `${file}: it is owned by another user (uid ${stats.uid}), and ${risk}. If you did not create it, delete it or work in another directory; if it is yours, run: chown $(id -u) ${file}`;
  }
  const mode = stats.mode & 0o777;
  if ((mode & 0o022) !== 0) {
    return `${file}: other users can write to it (mode ${mode.toString(8).padStart(4, '0')}), and ${risk}. Run: chmod go-w ${file}`;
  }
  return undefined;
}

function warnIfShared(file: string, stats: Stats, warn: (message: string) => void): void {
  if (!POSIX) return;
  // As ssh does for private keys: a credential others can read is no longer a secret.
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    warn(
      `${file} holds a credential and can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${file}`,
    );
  }
}

function bad(file: string, key: string, problem: string): never {
  throw new OktaConfigError(`${file}: ${key} ${problem}`);
}

function layerOf(file: string, source: string, yaml: Yaml): ConfigLayer {
  let doc: unknown;
  try {
    // Parse errors quote the offending line, which may hold a token: keep only where it is.
    const parsed = yaml.parseDocument(source, { prettyErrors: false });
    const error = parsed.errors[0];
    if (error) {
      const line = source.slice(0, error.pos[0]).split('\n').length;
      bad(file, `line ${line}`, `is not valid YAML (${error.code})`);
    }
    doc = parsed.toJS();
  } catch (error) {
    if (error instanceof OktaConfigError) throw error;
    bad(file, 'the file', 'is not valid YAML');
  }
  if (doc === null || doc === undefined) return {};
  const top = section(file, 'the top level', { 'the top level': doc });
  const client = section(file, 'okta.client', section(file, 'okta', top));
  if (client === undefined) return {};
  const text = (key: string): string | undefined => {
    const value = client[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      bad(file, `okta.client.${key}`, `must be a non-empty string (got ${describe(value)})`);
    }
    return value;
  };
  const seconds = (key: string): number | undefined => {
    const value = client[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !(value > 0)) {
      bad(
        file,
        `okta.client.${key}`,
        `must be a positive number of seconds (got ${describe(value)})`,
      );
    }
    return value * 1000;
  };
  const rateLimit = section(file, 'okta.client.rateLimit', { rateLimit: client['rateLimit'] });
  const maxRetries = rateLimit?.['maxRetries'];
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && (maxRetries as number) >= 0)) {
    bad(
      file,
      'okta.client.rateLimit.maxRetries',
      `must be a whole number ≥ 0 (got ${describe(maxRetries)})`,
    );
  }
  const scopes = client['scopes'];
  if (
    scopes !== undefined &&
    typeof scopes !== 'string' &&
    !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))
  ) {
    bad(file, 'okta.client.scopes', `must be a list of scope names (got ${describe(scopes)})`);
  }
  const privateKey = client['privateKey'];
  if (
    privateKey !== undefined &&
    typeof privateKey !== 'string' &&
    typeof privateKey !== 'object'
  ) {
    bad(
      file,
      'okta.client.privateKey',
      `must be a PEM string or a JWK (got ${describe(privateKey)})`,
    );
  }
  // requestTimeout bounds a whole attempt; connectionTimeout (the Java/.NET name) is used when
  // it is the only one given, since our per-attempt timeout includes connecting.
  const timeoutMs = seconds('requestTimeout') ?? seconds('connectionTimeout');
  return {
    orgUrl: text('orgUrl'),
    apiToken: text('token'),
    authorizationMode: text('authorizationMode'),
    clientId: text('clientId'),
    scopes: typeof scopes === 'string' ? scopes.split(/\s+/).filter(Boolean) : scopes,
    // The official SDK accepts a JWK object and passes it on as JSON.
    privateKey:
      privateKey && typeof privateKey === 'object' ? JSON.stringify(privateKey) : privateKey,
    keyId: text('keyId'),
    timeoutMs,
    retry: maxRetries === undefined ? undefined : { maxRetries: maxRetries as number },
    proxy: proxyOf(file, client['proxy']),
  };
}

/** `proxy` as a URL string, `false`, or the Java/.NET SDKs' `{ host, port, username, password }`. */
function proxyOf(file: string, value: unknown): string | false | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === false || typeof value === 'string') return value;
  const proxy = section(file, 'okta.client.proxy', { proxy: value });
  const host = proxy?.['host'];
  const port = proxy?.['port'];
  if (typeof host !== 'string' || host === '')
    bad(file, 'okta.client.proxy.host', 'must be a host name');
  if (
    port !== undefined &&
    !(Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536)
  ) {
    bad(file, 'okta.client.proxy.port', 'must be a port number');
  }
  const user = proxy?.['username'];
  const password = proxy?.['password'];
  const auth =
    typeof user === 'string'
      ? `${encodeURIComponent(user)}${typeof password === 'string' ? `:${encodeURIComponent(password)}` : ''}@`
      : '';
  return `http://${auth}${host}${port === undefined ? '' : `:${String(port)}`}`;
}

/** The mapping at `path` (its last part looked up in `parent`), or undefined if absent. */
function section(
  file: string,
  path: string,
  parent: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const key = path.startsWith('the ') ? path : path.split('.').pop()!;
  const value = parent?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    bad(file, path, `must be a mapping (got ${describe(value)})`);
  }
  return value as Record<string, unknown>;
}

/** A value's kind, never its content: the file may hold secrets. */
function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
}
