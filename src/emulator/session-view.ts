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
  /** The serialized Session with by-id links (getSession, refreshSession). */
  json: string;
  /** The serialized Session with `/me` links (the `/me` operations and createSession). */
  meJson: string;
}

function methodsOf(path: string): HttpMethod[] {
  return Object.values(operations)
    .filter((op) => op.path === path)
    .map((op) => op.method);
}

const byIdSelf = operations.getSession.path;
const byIdRefresh = operations.refreshSession.path;
const meSelf = operations.getCurrentSession.path;
const meRefresh = operations.refreshCurrentSession.path;
const allow = {
  byIdSelf: methodsOf(byIdSelf),
  byIdRefresh: methodsOf(byIdRefresh),
  meSelf: methodsOf(meSelf),
  meRefresh: methodsOf(meRefresh),
};

function withId(path: string, id: string): string {
  return path.replace('{sessionId}', encodeURIComponent(id));
}

/** Which links a view carries: by id, or Okta's `/me` links (self, refresh and user all `me`). */
export type LinkStyle = 'byId' | 'me';

/** The Session resource for `record`, with absolute links under `baseUrl`. */
export function sessionView(
  record: SessionRecord,
  baseUrl: string,
  orgId: string,
  links: LinkStyle,
): Session & { mfaActive: boolean } {
  const created = isoDate(record.createdAt);
  const me = links === 'me';
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
    // Deprecated and absent from Okta's OpenAPI spec, but every real Session body carries it.
    mfaActive: false,
    _links: {
      self: me
        ? { href: baseUrl + meSelf, hints: { allow: allow.meSelf } }
        : { href: baseUrl + withId(byIdSelf, record.id), hints: { allow: allow.byIdSelf } },
      refresh: me
        ? { href: baseUrl + meRefresh, hints: { allow: allow.meRefresh } }
        : { href: baseUrl + withId(byIdRefresh, record.id), hints: { allow: allow.byIdRefresh } },
      user: {
        name: record.login,
        href: `${baseUrl}/api/v1/users/${me ? 'me' : record.userId}`,
        hints: { allow: ['GET'] },
      },
    },
  };
}
