// A tiny test runner every runtime can execute (Node, Deno, Bun, workerd): no globals, no
// timers of its own, nothing in module scope that does I/O. Cases run one after another; the
// report ends with the plain "N passed, N failed" line.

/** A runner: `test(name, fn)` registers, `run()` runs all and reports. */
export function createRunner() {
  const cases = [];
  return {
    test(name, fn) {
      cases.push({ name, fn });
    },
    /** Runs the cases whose name contains `only` (all by default); the lines and counts. */
    async run(only = '') {
      const lines = [];
      let passed = 0;
      let failed = 0;
      for (const { name, fn } of cases) {
        if (!name.includes(only)) continue;
        try {
          await fn();
          passed++;
          lines.push(`ok - ${name}`);
        } catch (error) {
          failed++;
          const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
          lines.push(`not ok - ${name}`, ...detail.split('\n').map((l) => `  ${l}`));
        }
      }
      lines.push(`${passed} passed, ${failed} failed`);
      return { passed, failed, lines };
    },
  };
}

/** Fails with `message` unless `condition` holds. */
export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** Fails unless the two are the same (Object.is), or deep-equal as JSON. */
export function equal(actual, expected, what = 'value') {
  if (Object.is(actual, expected)) return;
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a === undefined || a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** The rejection of `promise` (fails when it resolves). */
export async function rejection(promise, what = 'the call') {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what} resolved; a rejection was expected`);
}

/** The error `fn` throws synchronously (fails when it returns). */
export function thrown(fn, what = 'the call') {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error(`${what} returned; a throw was expected`);
}
