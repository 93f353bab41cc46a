// Shared bits of the contenders. Each contender module exports
//   { id, label, async create(orgUrl) -> { getSession(id), createSession(token), close() } }
// and imports its library lazily inside create(), so that cold-start.mjs times
// exactly "import the library + construct a client".

export const API_TOKEN = 'bench-token';

/** Headers the hand-written contenders send, like an SDK would. */
export const HEADERS = {
  Authorization: `SSWS ${API_TOKEN}`,
  Accept: 'application/json',
  'User-Agent': 'okta-sessions-bench',
};

export class NotBuiltError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'NotBuiltError';
  }
}

export class HttpStatusError extends Error {
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}
