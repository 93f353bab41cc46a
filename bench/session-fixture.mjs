// The Session body the bench server answers with: the spec's `ActiveSession` example
// (spec/okta-sessions.yaml), with the session id swapped for the one asked for.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const spec = parse(readFileSync(new URL('../spec/okta-sessions.yaml', import.meta.url), 'utf8'));
const examples = spec.components.examples;
const example = examples.ActiveSession.value;

export const EXAMPLE_SESSION_ID = example.id;

const parts = JSON.stringify(example).split(EXAMPLE_SESSION_ID);

/** The JSON text of a Session whose id (and links) name `id`. `id` must be JSON-safe. */
export function sessionJson(id) {
  return parts.join(id);
}

export const RATE_LIMITED_JSON = JSON.stringify(examples.ErrorRateLimited.value);

export const NOT_FOUND_JSON = JSON.stringify(examples.ErrorNotFound.value);
