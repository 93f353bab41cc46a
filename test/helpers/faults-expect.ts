// Assertion helpers shared by the fault-injection and property tests.

import { inspect } from 'node:util';

/** Every textual rendering of an error a user could log or show. */
export function renderings(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  out['String(err)'] = String(err);
  if (err instanceof Error) {
    out['err.message'] = err.message;
    out['err.stack'] = err.stack ?? '';
  }
  try {
    out['JSON.stringify(err)'] = JSON.stringify(err) ?? '';
  } catch (e) {
    // A circular structure cannot leak through JSON.stringify; note it and move on.
    out['JSON.stringify(err)'] = `<throws ${String(e)}>`;
  }
  out['util.inspect(err, {depth: 5})'] = inspect(err, { depth: 5 });
  out['util.inspect(err, {depth: 5, showHidden: true})'] = inspect(err, {
    depth: 5,
    showHidden: true,
  });
  return out;
}

/** Fails when any of `secrets` appears in any rendering of `err`. */
export function expectNoSecrets(err: unknown, secrets: readonly string[]): void {
  const leaks: string[] = [];
  const views = renderings(err);
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const [view, textValue] of Object.entries(views)) {
      if (textValue.includes(secret)) leaks.push(`${JSON.stringify(secret)} in ${view}`);
    }
  }
  if (leaks.length > 0) {
    throw new Error(
      `secret leaked: ${leaks.join('; ')}\n--- inspect:\n${views['util.inspect(err, {depth: 5})']}`,
    );
  }
}

export type Outcome<T> =
  { ok: true; value: T; elapsedMs: number } | { ok: false; error: unknown; elapsedMs: number };

/**
 * Runs `fn`, measuring how long its promise takes to settle. If it has not settled after
 * `guardMs`, the outcome is a failure with a GUARD error, so a hanging client fails the test
 * quickly and clearly instead of hitting jest's timeout.
 */
export async function measure<T>(fn: () => Promise<T>, guardMs = 10_000): Promise<Outcome<T>> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GuardError(`the call did not settle within ${guardMs} ms`)),
      guardMs,
    );
  });
  try {
    const value = await Promise.race([fn(), guard]);
    return { ok: true, value, elapsedMs: performance.now() - start };
  } catch (error) {
    return { ok: false, error, elapsedMs: performance.now() - start };
  } finally {
    clearTimeout(timer);
  }
}

export class GuardError extends Error {
  override name = 'GuardError';
}

function describeOutcome(outcome: Outcome<unknown>): string {
  if (outcome.ok) return `resolved with ${inspect(outcome.value, { depth: 2 })}`;
  const e = outcome.error;
  return `rejected with ${e instanceof Error ? `${e.name}: ${e.message}` : inspect(e)}`;
}

/** The error of a rejected outcome, checked to be an instance of `cls`. */
export function rejectionOf<E>(
  outcome: Outcome<unknown>,
  cls: abstract new (...args: never[]) => E,
): E {
  if (outcome.ok || !(outcome.error instanceof cls)) {
    throw new Error(
      `expected a rejection with ${cls.name}, but the call ${describeOutcome(outcome)}`,
    );
  }
  return outcome.error;
}

/** The value of a resolved outcome. */
export function valueOf<T>(outcome: Outcome<T>): T {
  if (!outcome.ok)
    throw new Error(`expected the call to resolve, but it ${describeOutcome(outcome)}`);
  return outcome.value;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
