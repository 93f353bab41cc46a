// The Session resource as the API shows it, built from a stored record. Link targets and their
// allowed methods come from the spec's operations, not from a hand-kept list.
import { operations } from '../../generated/operations.js';
import type { components } from '../../generated/schema.js';
import { isoDate } from './clock.js';

type Session = components['schemas']['Session'];
type HttpMethod = components['schemas']['HttpMethod'];

/** What the store keeps about a session. */
export interface SessionRecord {
  readonly id: string;
  readonly login: string;
  readonly userId: string;
  readonly createdAt: number;
  expiresAt: number;
  /** The serialized Session, rebuilt whenever the record changes. */
  json: string;
}

function methodsOf(path: string): HttpMethod[] {
  return Object.values(operations)
    .filter((op) => op.path === path)
    .map((op) => op.method);
}

const selfPath = operations.getSession.path;
const refreshPath = operations.refreshSession.path;
const selfAllow = methodsOf(selfPath);
const refreshAllow = methodsOf(refreshPath);

function withId(path: string, id: string): string {
  return path.replace('{sessionId}', encodeURIComponent(id));
}

/** The Session resource for `record`, with absolute links under `baseUrl`. */
export function sessionView(record: SessionRecord, baseUrl: string, orgId: string): Session {
  const created = isoDate(record.createdAt);
  return {
    id: record.id,
    login: record.login,
    userId: record.userId,
    createdAt: created,
    expiresAt: isoDate(record.expiresAt),
    status: 'ACTIVE',
    lastPasswordVerification: created,
    lastFactorVerification: null,
    amr: ['pwd'],
    idp: { id: orgId, type: 'OKTA' },
    _links: {
      self: { href: baseUrl + withId(selfPath, record.id), hints: { allow: selfAllow } },
      refresh: { href: baseUrl + withId(refreshPath, record.id), hints: { allow: refreshAllow } },
      user: {
        name: record.login,
        href: `${baseUrl}/api/v1/users/${record.userId}`,
        hints: { allow: ['GET'] },
      },
    },
  };
}
