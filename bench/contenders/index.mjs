// The contenders, in table order, plus a do-nothing baseline for cold-start memory.
import oktaSessions from './okta-sessions.mjs';
import officialSdk from './official-sdk.mjs';
import fetchContender from './fetch.mjs';
import undiciPool from './undici-pool.mjs';

export const CONTENDERS = [oktaSessions, officialSdk, fetchContender, undiciPool];

/** A bare `node` process: imports nothing, constructs nothing. */
export const BASELINE = {
  id: 'baseline',
  label: 'bare node',
  async create() {
    return null;
  },
};

export function contenderById(id) {
  const c = id === BASELINE.id ? BASELINE : CONTENDERS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown contender ${id}`);
  return c;
}
