// The emulator's unknown-values mode (`startEmulator({ unknownValues: true })`): every JSON body
// also carries what a later Okta release may send, so that clients generated from the spec can
// prove they survive it: each open enum (`x-extensible-enum`) gets a value the spec does not
// list, and every object, error bodies and their causes included, gets a property no schema
// declares.
import { openEnumFields } from '../../generated/operations.js';
import { Responder, type Exchange } from './http.js';

/** The value the unknown-values mode puts into (or appends to) every open enum. */
export const UNKNOWN_ENUM_VALUE = 'UNLISTED_VALUE';

/** The property the unknown-values mode adds to every object of a body. */
export const UNKNOWN_PROPERTY = 'unlistedProperty';

const OPEN_ENUM_KEYS: ReadonlySet<string> = new Set(Object.values(openEnumFields).flat());

function widen(value: unknown, key: string | undefined): unknown {
  const open = key !== undefined && OPEN_ENUM_KEYS.has(key);
  if (Array.isArray(value)) {
    const items = value.map((item) => widen(item, undefined));
    if (open) items.push(UNKNOWN_ENUM_VALUE);
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(value)) out[name] = widen(child, name);
    // Nested and with a null inside: a client must skip any shape, not just a flat string.
    out[UNKNOWN_PROPERTY] = { since: '2099.01.0', values: [1, 'two', null] };
    return out;
  }
  return open && typeof value === 'string' ? UNKNOWN_ENUM_VALUE : value;
}

/** The JSON text `body` with the unknown values added; text that is not JSON is returned as is. */
function withUnknownValues(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  return JSON.stringify(widen(parsed, undefined));
}

/** A {@link Responder} whose JSON bodies, success and error alike, carry the unknown values. */
export class UnknownValuesResponder extends Responder {
  override json(ex: Exchange, status: number, body: string, headers?: string[]): void {
    super.json(ex, status, withUnknownValues(body), headers);
  }
}
