// okta.yaml, read the way the official Okta SDKs read it. Node only, and loaded only by
// OktaSessions.fromConfig (through the Node platform), so neither the YAML parser nor node:fs
// reaches other clients' import time or a browser bundle.
import { readFileSync, statSync } from 'node:fs';
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
  /** Receives warnings (a credential in a file others can read). Default `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

type Yaml = typeof import('yaml');

/** The `okta.yaml` files, first to last (later ones win). */
function configFiles(sources: ConfigSources): string[] {
  return [
    join(sources.homeDir ?? homedir(), '.okta', 'okta.yaml'),
    join(sources.cwd ?? process.cwd(), 'okta.yaml'),
  ];
}

/** One layer per `okta.yaml` file that exists. */
export async function readConfigFiles(sources: ConfigSources): Promise<ConfigLayer[]> {
  const layers: ConfigLayer[] = [];
  let yaml: Yaml | undefined;
  for (const file of configFiles(sources)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') continue;
      throw new OktaConfigError(`Cannot read ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    yaml ??= await import('yaml').catch((error: unknown) => {
      if (isMissingPackage(error, 'yaml')) throw missingPeer(`Reading ${file}`, 'yaml');
      throw error;
    });
    const layer = layerOf(file, text, yaml);
    if (layer.apiToken !== undefined || layer.privateKey !== undefined) {
      warnIfShared(file, sources.onWarning ?? ((m) => process.emitWarning(m)));
    }
    layers.push(layer);
  }
  return layers;
}

function warnIfShared(file: string, warn: (message: string) => void): void {
  // As ssh does for private keys: a credential others can read is no longer a secret.
  const mode = statSync(file).mode & 0o777;
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
