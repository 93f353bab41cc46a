import { generateKeyPairSync } from 'node:crypto';
import { OktaSessions } from '../client.js';
import { startEmulator } from '../emulator/index.js';
import { isMissingPackage } from '../errors/optional-peer.js';
import { OktaNotFoundError } from '../errors/status-errors.js';
import { loadJose } from '../oauth/jose.js';
import { operations, type OperationId } from '../../generated/operations.js';
import type { Session } from '../model/session.js';
import { describeError, errorJson, terminalJson } from './format.js';
import { printable } from '../text/printable.js';
import { EXIT, type CliIo } from './io.js';

const DEMO_CLIENT_ID = '0oaDemoServiceApp';

/** One line of the transcript, and one entry of `--json`. */
interface Step {
  operation: OperationId;
  call: string;
  method: string;
  /** The HTTP status, `ERR` for a failure without one, or `skipped`. */
  status: number | string;
  ms: number;
  ok: boolean;
  expected?: string;
  error?: Record<string, unknown>;
  /** Why the step did not run. */
  skipped?: string;
}

// jose is an optional peer: a project that installed only okta-sessions has no private-key auth.
const NO_JOSE = 'jose is not installed: npm install jose to see private-key JWT with DPoP';

/** True when jose can be loaded; false when it is not installed (anything else is a failure). */
async function haveJose(): Promise<boolean> {
  return loadJose().then(
    () => true,
    (error: unknown) => {
      if (isMissingPackage(error, 'jose')) return false;
      throw error;
    },
  );
}

// Column widths of the transcript, fixed so every row lines up whatever the id or timing.
const CALL_WIDTH = 48;
const METHOD_WIDTH = Math.max(...Object.values(operations).map((op) => op.method.length));
// How far the demo moves the emulator's clock before refreshing, so the refresh visibly moves
// expiresAt (a real session's idle lifetime restarts from the refresh).
const IDLE_MINUTES = 30;

/**
 * `okta-sessions demo`: the whole session lifecycle against an in-process emulator, printed as
 * a transcript with each call's status and time (or, with `--json`, as one JSON document).
 */
export async function runDemo(io: CliIo, options: { json?: boolean } = {}): Promise<number> {
  // An OAuth 2.0 service app, as created in the Admin Console: its public key is registered,
  // the private key stays with the client, and it requires DPoP (Okta's default for new apps).
  const serviceKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let clockOffset = 0;
  const emu = await startEmulator({
    port: 0,
    apiToken: 'demo-api-token',
    now: () => Date.now() + clockOffset,
    clients: {
      [DEMO_CLIENT_ID]: {
        jwks: [{ ...serviceKey.publicKey.export({ format: 'jwk' }), kid: 'demo-key' }],
        scopes: ['okta.sessions.read', 'okta.sessions.manage'],
        dpop: true,
      },
    },
  });
  const okta = new OktaSessions({
    orgUrl: emu.url,
    apiToken: emu.apiToken,
    userAgent: 'okta-sessions-demo',
    proxy: false,
  });
  const say = (text: string) => {
    if (!options.json) io.stdout(text);
  };
  // What the transcript must never show, though the emulator is local: its token and the
  // one-time session token.
  const secrets: string[] = [emu.apiToken];
  const steps: Step[] = [];
  const notes: string[] = [];
  const note = (text: string) => {
    notes.push(text);
    say(`    ${text}\n`);
  };
  say(`Okta Sessions emulator at ${emu.url}\n\n`);
  let failed = false;
  let skipped = false;

  async function step<T>(
    id: OperationId,
    call: string,
    run: () => Promise<T>,
    expectError?: new (...args: never[]) => Error,
  ): Promise<T | undefined> {
    const op = operations[id];
    const started = performance.now();
    let result: T | undefined;
    let entry: Step;
    let failure = '';
    try {
      result = await run();
      entry = {
        operation: id,
        call,
        method: op.method,
        status: op.successStatus,
        ms: 0,
        ok: !expectError,
      };
    } catch (error) {
      const ok = expectError !== undefined && error instanceof expectError;
      failure = describeError(error, secrets);
      entry = {
        operation: id,
        call,
        method: op.method,
        status: (error as { status?: number }).status ?? 'ERR',
        ms: 0,
        ok,
        ...(ok ? { expected: (error as Error).name } : { error: errorJson(error) }),
      };
    }
    entry.ms = Number((performance.now() - started).toFixed(1));
    steps.push(entry);
    if (!entry.ok) failed = true;
    say(
      `${entry.ok ? '✔' : '✘'} ${call.padEnd(CALL_WIDTH)} ${entry.method.padEnd(METHOD_WIDTH)} ${String(entry.status).padStart(3)}  ${entry.ms.toFixed(1).padStart(7)} ms\n`,
    );
    if (entry.expected) say(`    as expected: ${entry.expected}\n`);
    // describeError scrubs the line and escapes its control characters.
    if (entry.error) say(`    ${failure}\n`);
    return result;
  }

  try {
    const sessionToken = emu.issueSessionToken({ login: 'dana.lee@example.com' });
    secrets.push(sessionToken);
    say('• issued a one-time session token for dana.lee@example.com\n');
    const created = await step('createSession', 'createSession({ sessionToken })', () =>
      okta.createSession({ sessionToken }),
    );
    if (!created?.id) throw new Error('createSession returned no session');
    const id = created.id;
    note(`session ${printable(id)}, expires ${created.expiresAt?.toISOString()}`);
    await step('getSession', 'getSession(id)', () => okta.getSession(id));
    const serviceAppSteps: Array<[OperationId, string, (app: OktaSessions) => Promise<unknown>]> = [
      ['getSession', 'service app: getSession(id) (token + DPoP)', (app) => app.getSession(id)],
      [
        'refreshSession',
        'service app: refreshSession(id) (cached token)',
        (app) => app.refreshSession(id),
      ],
    ];
    if (await haveJose()) {
      // Before the clock moves: the app signs its assertion with the real clock.
      const serviceApp = new OktaSessions({
        orgUrl: emu.url,
        clientId: DEMO_CLIENT_ID,
        privateKey: serviceKey.privateKey,
        keyId: 'demo-key',
        userAgent: 'okta-sessions-demo',
        proxy: false,
      });
      say(`• service app ${DEMO_CLIENT_ID}: private-key JWT for a DPoP-bound token\n`);
      for (const [id, call, run] of serviceAppSteps) await step(id, call, () => run(serviceApp));
    } else {
      skipped = true;
      for (const [operation, call] of serviceAppSteps) {
        const { method } = operations[operation];
        steps.push({
          operation,
          call,
          method,
          status: 'skipped',
          ms: 0,
          ok: true,
          skipped: NO_JOSE,
        });
      }
      notes.push(`service-app steps skipped: ${NO_JOSE}`);
      say(`• service app steps skipped: ${NO_JOSE}\n`);
    }
    clockOffset += IDLE_MINUTES * 60_000;
    say(`• ${IDLE_MINUTES} minutes pass (on the emulator's clock)\n`);
    const refreshed: Session | undefined = await step('refreshSession', 'refreshSession(id)', () =>
      okta.refreshSession(id),
    );
    note(
      `expiresAt ${created.expiresAt?.toISOString()} → ${refreshed?.expiresAt?.toISOString()} (+${IDLE_MINUTES} min)`,
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
    if (!options.json) io.stderr(`demo failed: ${describeError(error, secrets)}\n`);
    notes.push(`demo failed: ${describeError(error, secrets)}`);
    failed = true;
  } finally {
    await emu.close();
  }
  if (options.json) {
    const transcript = { emulator: emu.url, ok: !failed, steps, notes };
    io.stdout(`${terminalJson(transcript, secrets, 2)}\n`);
  } else {
    say(
      failed
        ? '\nDemo finished with unexpected results.\n'
        : skipped
          ? '\nDemo complete: the lifecycle worked (service-app steps skipped, see above).\n'
          : '\nDemo complete: the whole lifecycle worked.\n',
    );
  }
  return failed ? EXIT.apiError : EXIT.ok;
}
