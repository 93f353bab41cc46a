// Org URLs that the client's constructor and okta-sessions/current-session must judge alike:
// both apply the rule of src/config/org-url.ts (issue #24). `origin`: what an accepted URL becomes;
// `problem`: what a refused one is refused for. No message may quote the URL (it might hold
// user:pass@, or be a token pasted into the wrong place).
import type { OrgUrlProblem } from '../../src/config/org-url.js';

export interface OrgUrlCase {
  orgUrl: string;
  origin?: string;
  /** `syntax`: not an org URL at all (current-session's word; the client says more). */
  problem?: OrgUrlProblem | 'syntax';
}

export const ORG_URL_CASES: OrgUrlCase[] = [
  // Names that only look like loopback hosts: plain http:// would reach their owners' servers.
  { orgUrl: 'http://127.evil.com', problem: 'scheme' },
  { orgUrl: 'http://localhost.evil.com', problem: 'scheme' },
  { orgUrl: 'http://127.0.0.1.evil.com', problem: 'scheme' },
  { orgUrl: 'https://user:secret@acme.okta.com', problem: 'credentials' },
  // A tab, CR or LF inside: the URL parser drops it, joining the host into another one
  // (acme.okta.com.evil.example), which nobody reading the setting would see.
  { orgUrl: 'https://acme.okta.com.ev\nil.example', problem: 'syntax' },
  { orgUrl: 'https://acme.okta.com.ev\r\nil.example', problem: 'syntax' },
  { orgUrl: 'https://acme.okta.com\t.evil.example', problem: 'syntax' },
  { orgUrl: 'https://acme.okta.com', origin: 'https://acme.okta.com' },
  { orgUrl: 'http://127.0.0.1:8080', origin: 'http://127.0.0.1:8080' },
  { orgUrl: 'http://localhost:3000', origin: 'http://localhost:3000' },
  { orgUrl: 'http://[::1]:1234', origin: 'http://[::1]:1234' },
  // Spellings of an origin: both entry points send requests to the origin itself.
  { orgUrl: 'https://ACME.okta.com/', origin: 'https://acme.okta.com' },
  { orgUrl: 'http://127.1:8080', origin: 'http://127.0.0.1:8080' },
];
