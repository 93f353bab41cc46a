// Which of Okta's rate-limit buckets each route counts against: for the throttle and for
// `okta.rateLimit()`, apart from the throttle so that a client without one does not load it.
import type { RouteId } from '../model/operations.js';
import type { RateLimitGroup } from '../rate-limit/store.js';

// Every route names its bucket here, as Okta's rate-limit tables group the endpoints. Typed by
// route, so a new operation without a bucket does not compile.
const BUCKETS: Readonly<Record<RouteId, RateLimitGroup>> = {
  createSession: 'sessions',
  getSession: 'sessions',
  refreshSession: 'sessions',
  revokeSession: 'sessions',
  getCurrentSession: 'me',
  refreshCurrentSession: 'me',
  closeCurrentSession: 'me',
  revokeUserSessions: 'users',
  getAccessToken: 'oauth-token',
};

/** The rate-limit group (Okta's bucket) of a route. */
export function groupOf(id: RouteId): RateLimitGroup {
  return BUCKETS[id];
}
