// Response bodies for test servers, taken from the spec's own examples so that tests, the
// spec and its examples cannot drift apart (and no test keeps a private copy of a Session).
import { spec } from '../../scripts/spec.cjs';

/** The id the spec's examples use. */
export const EXAMPLE_SESSION_ID: string = spec.components.examples.ActiveSession.value.id;

/** A Session example of the spec (default `ActiveSession`), with its id (and links) set to `id`. */
export function exampleSession(
  id: string = EXAMPLE_SESSION_ID,
  example: 'ActiveSession' | 'NewSession' | 'RefreshedSession' = 'ActiveSession',
): Record<string, unknown> {
  const text = JSON.stringify(spec.components.examples[example].value);
  return JSON.parse(text.split(EXAMPLE_SESSION_ID).join(id)) as Record<string, unknown>;
}
