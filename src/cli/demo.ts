import { OktaSessions } from '../client.js';
import { startEmulator } from '../emulator/index.js';
import { OktaNotFoundError } from '../errors/status-errors.js';
import { operations, type OperationId } from '../../generated/operations.js';
import type { Session } from '../session.js';
import { describeError } from './format.js';
import { printable } from '../printable.js';
import { EXIT, type CliIo } from './io.js';

/**
 * `okta-sessions demo`: the whole session lifecycle against an in-process emulator, printed as
 * a transcript with each call's status and time.
 */
export async function runDemo(io: CliIo): Promise<number> {
  const emu = await startEmulator({ port: 0, apiToken: 'demo-api-token' });
  const okta = new OktaSessions({
    orgUrl: emu.url,
    apiToken: emu.apiToken,
    userAgent: 'okta-sessions-demo',
  });
  io.stdout(`Okta Sessions emulator at ${emu.url}\n\n`);
  let failed = false;

  async function step<T>(
    id: OperationId,
    label: string,
    call: () => Promise<T>,
    expectError?: new (...args: never[]) => Error,
  ): Promise<T | undefined> {
    const op = operations[id];
    const started = performance.now();
    try {
      const result = await call();
      const ms = (performance.now() - started).toFixed(1);
      io.stdout(`✔ ${label.padEnd(48)} ${op.method} ${op.successStatus}  ${ms.padStart(6)} ms\n`);
      if (expectError) failed = true;
      return result;
    } catch (error) {
      const ms = (performance.now() - started).toFixed(1);
      const status = (error as { status?: number }).status ?? 'ERR';
      const ok = expectError !== undefined && error instanceof expectError;
      io.stdout(
        `${ok ? '✔' : '✘'} ${label.padEnd(48)} ${op.method} ${status}  ${ms.padStart(6)} ms\n`,
      );
      io.stdout(
        `    ${ok ? `as expected: ${(error as Error).name}: ` : ''}${describeError(error)}\n`,
      );
      if (!ok) failed = true;
      return undefined;
    }
  }

  try {
    const sessionToken = emu.issueSessionToken({ login: 'dana.lee@example.com' });
    io.stdout('• issued a one-time session token for dana.lee@example.com\n');
    const created = await step('createSession', 'createSession({ sessionToken })', () =>
      okta.createSession({ sessionToken }),
    );
    if (!created?.id) throw new Error('createSession returned no session');
    const id = created.id;
    io.stdout(`    session ${printable(id)}, expires ${created.expiresAt?.toISOString()}\n`);
    await step('getSession', `getSession('${printable(id)}')`, () => okta.getSession(id));
    const refreshed: Session | undefined = await step('refreshSession', 'refreshSession(id)', () =>
      okta.refreshSession(id),
    );
    io.stdout(
      `    expiresAt ${created.expiresAt?.toISOString()} → ${refreshed?.expiresAt?.toISOString()}\n`,
    );
    await step('getCurrentSession', "getCurrentSession({ cookie: 'sid=…' })", () =>
      okta.getCurrentSession({ cookie: `sid=${id}` }),
    );
    await step('revokeSession', 'revokeSession(id)', () => okta.revokeSession(id));
    await step(
      'getSession',
      'getSession(id) after revoke → OktaNotFoundError',
      () => okta.getSession(id),
      OktaNotFoundError,
    );
  } catch (error) {
    io.stderr(`demo failed: ${describeError(error)}\n`);
    failed = true;
  } finally {
    await emu.close();
  }
  io.stdout(
    failed
      ? '\nDemo finished with unexpected results.\n'
      : '\nDemo complete: the whole lifecycle worked.\n',
  );
  return failed ? EXIT.apiError : EXIT.ok;
}
