// The Node transport's proxy: the `proxy` option, or HTTPS_PROXY/HTTP_PROXY/NO_PROXY. Reached
// through `#platform`: browsers use their own proxy settings, so their bundles leave this out.
import type { ResolvedProxy } from '../transport/undici.js';
import type { OktaSessionsOptions, ProxyEnv } from './options.js';
import { fail } from '../errors/config-error.js';
import { processEnv } from './process-env.js';

/**
 * The proxy settings of an environment, read as undici's EnvHttpProxyAgent reads them (the
 * lowercase variable wins), or `false` when it names no proxy.
 */
export function proxyEnvOf(env: Record<string, string | undefined>): ProxyEnv | false {
  const read = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const proxy: ProxyEnv = {
    httpsProxy: read('https_proxy'),
    httpProxy: read('http_proxy'),
    noProxy: read('no_proxy'),
  };
  return proxy.httpsProxy || proxy.httpProxy ? proxy : false;
}

/** A proxy URL, checked; messages show at most its host, never its credentials. */
function checkProxyUrl(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    fail(`${name} must be a URL such as http://proxy.example.com:3128`, 'Or pass proxy: false');
  }
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    fail(`${name} is not a valid URL`, 'Use the form http://user:pass@proxy.example.com:3128');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`${name} must be an http:// or https:// proxy (got ${url.protocol}//)`, 'Fix the scheme');
  }
  return url.href;
}

function hostOf(proxy: string): string {
  return new URL(proxy).host;
}

/** The proxy of the options (or the environment), or undefined for none. */
function resolveProxy(setting: OktaSessionsOptions['proxy']): ResolvedProxy | undefined {
  if (setting === undefined || setting === false) return undefined;
  if (typeof setting === 'string') {
    const url = checkProxyUrl('proxy', setting);
    return { httpProxy: url, httpsProxy: url, noProxy: '', label: hostOf(url) };
  }
  if (typeof setting !== 'object' || setting === null) {
    fail(
      'proxy must be a URL string, false, or { httpsProxy, httpProxy, noProxy }',
      'Fix the proxy option',
    );
  }
  const httpsProxy = setting.httpsProxy
    ? checkProxyUrl('proxy.httpsProxy (HTTPS_PROXY)', setting.httpsProxy)
    : '';
  const httpProxy = setting.httpProxy
    ? checkProxyUrl('proxy.httpProxy (HTTP_PROXY)', setting.httpProxy)
    : '';
  if (!httpsProxy && !httpProxy) return undefined;
  const hosts = [...new Set([httpsProxy, httpProxy].filter(Boolean).map(hostOf))];
  return { httpsProxy, httpProxy, noProxy: setting.noProxy ?? '', label: hosts.join(', ') };
}

/** The proxy of the options or, when they set none, of the process's environment. */
export function proxyOf(
  setting: OktaSessionsOptions['proxy'],
  browser: boolean,
): ResolvedProxy | undefined {
  return resolveProxy(setting === undefined && !browser ? proxyEnvOf(processEnv()) : setting);
}
