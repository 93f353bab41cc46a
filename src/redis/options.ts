// The checks of redisRateLimitStore's options, all before any I/O. Every error is an
// OktaConfigError naming the option, and none quotes the URL: it may hold a password.
import { OktaConfigError } from '../errors/config-error.js';
import type { RedisCommandClient, RedisRateLimitStoreOptions } from './types.js';

/** The options as the store uses them. */
export interface CheckedOptions {
  client: RedisCommandClient | undefined;
  url: string | undefined;
  keyPrefix: string;
  timeoutMs: number;
  marginMs: number;
  onFallback: RedisRateLimitStoreOptions['onFallback'];
}

function fail(message: string): never {
  throw new OktaConfigError(`redisRateLimitStore: ${message}`);
}

/**
 * A Redis URL ioredis reads as written: redis: or rediss:, a host, a port if any, a database
 * number as the path if any. A password with an unencoded `#`, `/` or `?` ends the authority
 * early (the rest is taken for a path, query or fragment), so ioredis would connect somewhere
 * else or send a truncated password: refused here, with the fix, and without the URL.
 */
function checkUrl(url: unknown): string {
  const fix = 'percent-encode any #, /, ? or @ in the user name and password (encodeURIComponent)';
  if (typeof url !== 'string') fail('url must be a string, e.g. redis://127.0.0.1:6379');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The TypeError's `input` is the whole URL, password included: it is not passed on.
    fail(`url is not a valid Redis URL; ${fix}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    fail('url must start with redis:// or rediss://');
  }
  if (parsed.hostname === '') fail(`url has no host; ${fix}`);
  if (parsed.hash !== '' || url.includes('#')) fail(`url has a # in it; ${fix}`);
  if (!/^(\/\d*)?$/.test(parsed.pathname)) {
    fail(`url's path must be a database number (redis://host:6379/0); ${fix}`);
  }
  return url;
}

/** Checks `options`, throwing an OktaConfigError that names the option at fault. */
export function checkOptions(options: RedisRateLimitStoreOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) fail('give { client } or { url }');
  const { client, url, onFallback } = options;
  if ((client === undefined) === (url === undefined)) fail('give either client or url, not both');
  if (client !== undefined && typeof (client as Partial<RedisCommandClient>).call !== 'function') {
    fail('client must be an ioredis client (Redis or Cluster, with call)');
  }
  const keyPrefix = options.keyPrefix ?? 'okta-sessions:rate-limit:';
  if (typeof keyPrefix !== 'string') fail('keyPrefix must be a string');
  const timeoutMs = options.timeoutMs ?? 500;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    fail('timeoutMs must be a number > 0');
  }
  const marginMs = options.resetMarginMs ?? 250;
  if (typeof marginMs !== 'number' || !Number.isFinite(marginMs) || marginMs < 0) {
    fail('resetMarginMs must be a number >= 0');
  }
  if (onFallback !== undefined && typeof onFallback !== 'function') {
    fail('onFallback must be a function');
  }
  return {
    client,
    url: url === undefined ? undefined : checkUrl(url),
    keyPrefix,
    timeoutMs,
    marginMs: Math.round(marginMs),
    onFallback,
  };
}
