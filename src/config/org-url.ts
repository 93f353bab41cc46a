// The org URL rule, one for both entry points. The core (orgUrlProblem) is what
// okta-sessions/current-session applies, within its page's 5 kB budget; the client's
// constructor applies it through checkOrgUrl, which adds advice of its own (placeholders,
// admin domains, a repeated .com) and fuller messages. No message quotes the value given: it
// might be a token pasted into the wrong place, or hold user:pass@.
import { fail } from '../errors/config-error.js';

/**
 * A URL's protocol and hostname when plain http:// may be used, or https:// for any host.
 * Plain http:// only reaches a loopback host: an IPv4 address in 127.0.0.0/8, `[::1]`, or
 * exactly `localhost`. Anything else (`127.evil.com`, `127.0.0.1.nip.io`, `localhost.evil.com`)
 * resolves wherever its owner wants, and the request would travel there in clear text. The
 * WHATWG URL parser reads a host whose last label is a number as IPv4 and writes it back as
 * four decimal parts (127.1 and 0x7f000001 become 127.0.0.1), or refuses the URL; any other
 * host is a name.
 */
const SCHEME_HOST = /^(https:|http:(127(\.\d+){3}|localhost|\[::1\])$)/;

/**
 * A tab, CR or LF inside a URL: the WHATWG parser drops them without a word, so
 * `https://acme.okta.com.ev<LF>il.example` is read as `https://acme.okta.com.evil.example`, a
 * host other than the one a reviewer sees.
 */
export const URL_BREAK = /[\t\r\n]/;

/** What the core rule finds wrong with an org URL: its scheme, its user:pass@, or a path. */
export type OrgUrlProblem = 'scheme' | 'credentials' | 'path';

/**
 * The first thing that keeps a parsed URL from being an org URL, or undefined. An org URL is
 * https://, or http:// to a loopback host; carries no credentials; and is an origin, with no
 * path (but "/"), query or fragment (empty ones count as none).
 */
export function orgUrlProblem(url: URL): OrgUrlProblem | undefined {
  if (!SCHEME_HOST.test(url.protocol + url.hostname)) return 'scheme';
  if (url.username || url.password) return 'credentials';
  // An https:// or http:// URL always has a path, "/" at least.
  if (url.pathname !== '/' || url.search || url.hash) return 'path';
  return undefined;
}

const ADMIN_DOMAIN = /-admin\.(okta|oktapreview|okta-emea|okta-gov|okta-mil|oktagov|okta\.mil)\./i;

/**
 * The client's check of its org URL (a string or a URL), as the origin; throws an
 * OktaConfigError that names the setting (`names.orgUrl`) and says how to fix it.
 */
export function checkOrgUrl(raw: unknown, names: { orgUrl: string; orgUrlFix: string }): string {
  const name = names.orgUrl;
  if (raw instanceof URL) raw = raw.href;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    fail(`${name} is required`, names.orgUrlFix);
  }
  if (typeof raw !== 'string') {
    fail(
      `${name} must be a string or a URL (got ${typeof raw})`,
      'Pass e.g. "https://acme.okta.com"',
    );
  }
  const value = raw.trim();
  // Around the value (a line read from a file) they are white space; inside, they hide a host.
  if (URL_BREAK.test(value)) {
    fail(
      `${name} contains a tab or a line break`,
      'Remove it: URL parsers drop these characters, which joins the parts around them into another host',
    );
  }
  if (value.includes('{yourOktaDomain}')) {
    fail(
      `${name} still contains the {yourOktaDomain} placeholder`,
      'Replace it with your org host',
    );
  }
  // Nothing of the value is shown until it parses as a URL (and from then on only its origin,
  // once it is known to hold no credentials): a token pasted into the wrong place must not end
  // up in a log.
  if (value.split('://').length !== 2) {
    fail(`${name} is not a URL with one scheme`, 'Use the form https://acme.okta.com');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${name} is not a valid URL`, 'Use the form https://acme.okta.com');
  }
  const problem = orgUrlProblem(url);
  if (problem === 'scheme') {
    fail(
      `${name} must use https:// (got ${url.protocol}//)`,
      'Plain http:// is accepted only for loopback hosts such as 127.0.0.1 (local emulators and tests)',
    );
  }
  if (problem === 'credentials') fail(`${name} must not contain credentials`, 'Remove user:pass@');
  if (ADMIN_DOMAIN.test(`${url.hostname}.`)) {
    fail(
      `${name} "${url.origin}" is an admin domain`,
      'Use your org domain without "-admin", e.g. https://acme.okta.com',
    );
  }
  if (url.hostname.includes('.com.com')) {
    fail(`${name} "${url.origin}" contains ".com.com"`, 'Check the host for a repeated suffix');
  }
  if (problem === 'path') {
    fail(
      `${name} must not have a path, query or fragment`,
      `Use only the origin, e.g. ${url.origin}`,
    );
  }
  return url.origin;
}
