// The Session body the bench server answers with: the spec's `ActiveSession`
// example (spec/okta-sessions.yaml), with the session id swapped for the one asked for.

export const EXAMPLE_SESSION_ID = '102Ke2yJpW3Q0ClCnZ_ryqPVQ';
const ID_MARK = '\u0000ID\u0000';

const example = {
  id: ID_MARK,
  login: 'dana.lee@example.com',
  userId: '00u4abcd1EFGhijk2l5d',
  createdAt: '2026-11-29T10:00:00.000Z',
  expiresAt: '2026-11-29T12:00:00.000Z',
  status: 'ACTIVE',
  lastPasswordVerification: '2026-11-29T10:00:00.000Z',
  lastFactorVerification: '2026-11-29T10:00:21.000Z',
  amr: ['pwd', 'otp', 'mfa'],
  idp: { id: '00o1n9ae2QZAQWXMIYCO', type: 'OKTA' },
  _links: {
    self: {
      href: `https://subdomain.okta.com/api/v1/sessions/${ID_MARK}`,
      hints: { allow: ['GET', 'DELETE'] },
    },
    refresh: {
      href: `https://subdomain.okta.com/api/v1/sessions/${ID_MARK}/lifecycle/refresh`,
      hints: { allow: ['POST'] },
    },
    user: {
      name: 'Dana Lee',
      href: 'https://subdomain.okta.com/api/v1/users/00u4abcd1EFGhijk2l5d',
      hints: { allow: ['GET'] },
    },
  },
};

// JSON.stringify escapes U+0000 as \u0000, so split on the escaped form.
const parts = JSON.stringify(example).split(JSON.stringify(ID_MARK).slice(1, -1));

/** The JSON text of a Session whose id (and links) name `id`. `id` must be JSON-safe. */
export function sessionJson(id) {
  return parts.join(id);
}

export const RATE_LIMITED_JSON = JSON.stringify({
  errorCode: 'E0000047',
  errorSummary: 'API call exceeded rate limit due to too many requests.',
  errorLink: 'E0000047',
  errorId: 'oaeU1tS2rQ3pO4nM5lK6jI7hG',
  errorCauses: [],
});

export const NOT_FOUND_JSON = JSON.stringify({
  errorCode: 'E0000007',
  errorSummary: 'Not found: Resource not found',
  errorLink: 'E0000007',
  errorId: 'oaeK2jH3gF4eD5cB6aZ7yX8wV',
  errorCauses: [],
});
