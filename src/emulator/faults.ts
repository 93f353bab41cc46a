// Scripted faults: a test tells the emulator to misbehave on cue (a 429 on the next two calls,
// a slow answer, a dropped connection...). Faults are matched in the order they were added; the
// first that matches a request acts on it and counts one use.

/**
 * The statuses a `status` fault can answer with.
 *
 * @example
 * ```ts
 * const status: EmulatorFaultStatus = 503;
 * emu.faults.add({ operationId: 'refreshSession', action: { kind: 'status', status } });
 * ```
 */
export type EmulatorFaultStatus = 401 | 403 | 404 | 429 | 500 | 502 | 503 | 504;

const STATUSES: readonly number[] = [401, 403, 404, 429, 500, 502, 503, 504];

/**
 * What a fault does to a request it matches.
 *
 * - `status`: answers with Okta's error body and headers for that status instead of running the
 *   operation (429: `X-Rate-Limit-Remaining: 0` and a reset `resetSeconds` after `Date`,
 *   default 1).
 * - `concurrency`: Okta's concurrency refusal, 429 with `X-Rate-Limit-Limit: 0`.
 * - `delay`: runs the operation, then holds the answer `ms` before its headers (`phase:
 *   'headers'`, the default) or after the headers and half of its body (`'body'`).
 * - `reset`: resets the connection, before the request is read (`'before-read'`, the default:
 *   nothing happens) or after the operation ran (`'after-read'`: it took effect, the answer is lost).
 * - `malformed-body`: runs the operation and answers with its status and headers but a body cut
 *   in the middle (answers without a body are left alone).
 * - `access-token`: the request's access token is `expired` or `revoked`: it is forgotten and the
 *   request answered 401 `invalid_token`, so the client has to fetch a new one.
 * - `dpop-nonce`: the DPoP nonce rotates and the request is answered `use_dpop_nonce` (400 on the
 *   token endpoint, 401 elsewhere) with the new `DPoP-Nonce`.
 *
 * @example
 * ```ts
 * const action: EmulatorFaultAction = { kind: 'delay', ms: 2000, phase: 'body' };
 * ```
 */
export type EmulatorFaultAction =
  | {
      /** Answer an Okta error instead of running the operation. */
      readonly kind: 'status';
      /** The status; its body and headers are Okta's for it. */
      readonly status: EmulatorFaultStatus;
      /** 429 only: seconds from `Date` to `X-Rate-Limit-Reset`; default 1. */
      readonly resetSeconds?: number | undefined;
    }
  | {
      /** Okta's concurrency refusal: 429 with `X-Rate-Limit-Limit: 0`. */
      readonly kind: 'concurrency';
    }
  | {
      /** Run the operation, send its answer late. */
      readonly kind: 'delay';
      /** How late, in ms (at most 600 000). */
      readonly ms: number;
      /** Hold it before the headers (default) or after the headers and half the body. */
      readonly phase?: 'headers' | 'body' | undefined;
    }
  | {
      /** Reset the connection. */
      readonly kind: 'reset';
      /** Before the request is read (default), or instead of the answer once the operation ran. */
      readonly phase?: 'before-read' | 'after-read' | undefined;
    }
  | {
      /** Run the operation, cut its answer's body in the middle. */
      readonly kind: 'malformed-body';
    }
  | {
      /** Forget the request's access token and answer 401 `invalid_token`. */
      readonly kind: 'access-token';
      /** Which of Okta's descriptions the answer carries. */
      readonly state: 'expired' | 'revoked';
    }
  | {
      /** Rotate the DPoP nonce and answer `use_dpop_nonce` with the new one. */
      readonly kind: 'dpop-nonce';
    };

/**
 * A scripted fault: which requests it matches (every criterion given must hold; none matches
 * every request), how many times it acts, and what it does.
 *
 * @example
 * ```ts
 * const emu = await startEmulator();
 * // the next two getSession calls answer 429, the third one runs
 * emu.faults.add({
 *   operationId: 'getSession',
 *   times: 2,
 *   action: { kind: 'status', status: 429, resetSeconds: 0 },
 * });
 * await emu.close();
 * ```
 */
export interface EmulatorFault {
  /**
   * The operation: an operation id of the spec (`getSession`, ...), `primaryAuthentication`
   * (`POST /api/v1/authn`), `sessionCookieRedirect` or `token` (`POST /oauth2/v1/token`).
   */
  readonly operationId?: string | undefined;
  /** The HTTP method, any case. */
  readonly method?: string | undefined;
  /** The path: a template of the spec (`/api/v1/sessions/{sessionId}`) or a path as sent. */
  readonly path?: string | undefined;
  /** Requests about this user: revokeUserSessions of it, or one of its sessions. */
  readonly userId?: string | undefined;
  /** Requests about this session: by id, or through its `sid`/`idx` cookie. */
  readonly sessionId?: string | undefined;
  /** How many matching requests it acts on: a whole number >= 1 or `'always'`; default 1. */
  readonly times?: number | 'always' | undefined;
  /** What it does. */
  readonly action: EmulatorFaultAction;
}

/**
 * The scripted faults of a running emulator ({@link Emulator.faults}).
 *
 * @example
 * ```ts
 * const emu = await startEmulator();
 * emu.faults.add({ method: 'POST', path: '/api/v1/sessions', action: { kind: 'reset' } });
 * console.log(emu.faults.list().length); // 1
 * emu.faults.clear();
 * await emu.close();
 * ```
 */
export interface EmulatorFaults {
  /** Adds a fault after the others; throws a RangeError when it is not a valid fault. */
  add(fault: EmulatorFault): void;
  /** Removes every fault. */
  clear(): void;
  /** The faults still to act, oldest first, `times` counting down. */
  list(): readonly EmulatorFault[];
}

/** What a request is about, for matching. */
export interface FaultTarget {
  readonly operationId: string | undefined;
  readonly method: string;
  readonly template: string | undefined;
  readonly pathname: string;
  /** Resolved only when a fault asks for a user or a session. */
  readonly about: () => { readonly userId: string | undefined; readonly sessionIds: string[] };
}

const ACTION_KINDS = [
  'status',
  'concurrency',
  'delay',
  'reset',
  'malformed-body',
  'access-token',
  'dpop-nonce',
];

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new RangeError(`fault.${name} must be a non-empty string`);
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw new RangeError(`fault.action.${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function checkAction(input: unknown): EmulatorFaultAction {
  if (typeof input !== 'object' || input === null)
    throw new RangeError('fault.action must be an object with a kind');
  const a = input as Record<string, unknown>;
  const kind = oneOf(a['kind'], 'kind', ACTION_KINDS);
  switch (kind) {
    case 'status': {
      if (!STATUSES.includes(a['status'] as number))
        throw new RangeError(`fault.action.status must be one of ${STATUSES.join(', ')}`);
      const reset = a['resetSeconds'];
      if (reset !== undefined && (!Number.isInteger(reset) || (reset as number) < 0))
        throw new RangeError('fault.action.resetSeconds must be a whole number >= 0');
      return {
        kind,
        status: a['status'] as EmulatorFaultStatus,
        resetSeconds: reset as number | undefined,
      };
    }
    case 'delay': {
      const ms = a['ms'];
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 600_000)
        throw new RangeError('fault.action.ms must be a number of milliseconds from 0 to 600000');
      const phase =
        a['phase'] === undefined
          ? 'headers'
          : oneOf(a['phase'], 'phase', ['headers', 'body'] as const);
      return { kind, ms, phase };
    }
    case 'reset':
      return {
        kind,
        phase:
          a['phase'] === undefined
            ? 'before-read'
            : oneOf(a['phase'], 'phase', ['before-read', 'after-read'] as const),
      };
    case 'access-token':
      return { kind, state: oneOf(a['state'], 'state', ['expired', 'revoked'] as const) };
    default:
      return { kind } as EmulatorFaultAction;
  }
}

/**
 * Checks a fault from JavaScript or JSON; a normalized copy, or a RangeError saying what is
 * wrong. An operation id outside `operationIds` is refused: a typo would otherwise make a fault
 * that silently never acts.
 */
function checkFault(input: unknown, operationIds: ReadonlySet<string>): EmulatorFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new RangeError('a fault must be an object');
  const f = input as Record<string, unknown>;
  const times = f['times'] ?? 1;
  if (times !== 'always' && (!Number.isInteger(times) || (times as number) < 1))
    throw new RangeError("fault.times must be a whole number >= 1 or 'always'");
  const method = optionalString(f['method'], 'method')?.toUpperCase();
  const operationId = optionalString(f['operationId'], 'operationId');
  if (operationId !== undefined && !operationIds.has(operationId))
    throw new RangeError(
      `fault.operationId ${JSON.stringify(operationId.slice(0, 100))} is none of ${[...operationIds].join(', ')}`,
    );
  return {
    operationId,
    method,
    path: optionalString(f['path'], 'path'),
    userId: optionalString(f['userId'], 'userId'),
    sessionId: optionalString(f['sessionId'], 'sessionId'),
    times: times as number | 'always',
    action: checkAction(f['action']),
  };
}

/** Strips undefined members, so that listed faults read like the ones added. */
function shown(fault: EmulatorFault, times: number): EmulatorFault {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...fault, times: times === Infinity ? 'always' : times }))
    if (v !== undefined) out[k] = v;
  const action: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fault.action)) if (v !== undefined) action[k] = v;
  out['action'] = action;
  return out as unknown as EmulatorFault;
}

interface Entry {
  readonly fault: EmulatorFault;
  left: number;
}

/** The faults of one emulator. */
export class FaultBook implements EmulatorFaults {
  #entries: Entry[] = [];
  readonly #operationIds: ReadonlySet<string>;

  /** `operationIds`: every operation a fault may name (the spec's and the emulator's extras). */
  constructor(operationIds: Iterable<string>) {
    this.#operationIds = new Set(operationIds);
  }

  /** Checks a fault without adding it (see {@link checkFault}). */
  check(fault: unknown): EmulatorFault {
    return checkFault(fault, this.#operationIds);
  }

  /** True when no fault is left: the pipeline then builds no match target at all. */
  get empty(): boolean {
    return this.#entries.length === 0;
  }

  add(fault: EmulatorFault): void {
    const checked = this.check(fault);
    this.#entries.push({
      fault: checked,
      left: checked.times === 'always' ? Infinity : (checked.times as number),
    });
  }

  clear(): void {
    this.#entries = [];
  }

  list(): readonly EmulatorFault[] {
    return this.#entries.map((e) => shown(e.fault, e.left));
  }

  /** The action of the first fault matching `target`, counting one use; undefined if none. */
  take(target: FaultTarget): EmulatorFaultAction | undefined {
    if (this.#entries.length === 0) return undefined;
    let about: ReturnType<FaultTarget['about']> | undefined;
    for (let i = 0; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as Entry;
      const f = entry.fault;
      if (f.operationId !== undefined && f.operationId !== target.operationId) continue;
      if (f.method !== undefined && f.method !== target.method) continue;
      if (f.path !== undefined && f.path !== target.template && f.path !== target.pathname)
        continue;
      if (f.userId !== undefined || f.sessionId !== undefined) {
        about ??= target.about();
        if (f.userId !== undefined && f.userId !== about.userId) continue;
        if (f.sessionId !== undefined && !about.sessionIds.includes(f.sessionId)) continue;
      }
      if (--entry.left <= 0) this.#entries.splice(i, 1);
      return f.action;
    }
    return undefined;
  }
}
