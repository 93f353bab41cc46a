// Property-based tests (fast-check): hostile session ids can only ever reach Okta as exactly one
// path segment, and hostile cookies/tokens/headers can never smuggle in a second header.

import fc from 'fast-check';

import { OktaSessions, OktaConfigError, OktaValidationError } from '../src/index.js';
import { expectNoSecrets } from './helpers/faults-expect.js';
import {
  closeAllScriptedServers,
  headerNames,
  sessionBody,
  startScriptedServer,
  type ScriptStep,
  type ScriptedServer,
} from './helpers/scripted-server.js';

type Options = ConstructorParameters<typeof OktaSessions>[0];

const API_TOKEN = 'SECRET-api-token-123';
const RUNS = 1_000;
// Each property makes up to RUNS loopback requests; allow a loaded machine plenty of time.
const PROPERTY_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Session ids

const NASTY_UNITS = [
  '/',
  '.',
  '..',
  '%',
  '%2F',
  '%2f',
  '%2e',
  '%25',
  '%00',
  '%zz',
  '\\',
  '?',
  '#',
  '&',
  '=',
  ';',
  ':',
  '@',
  '+',
  '~',
  ' ',
  '\t',
  '\r',
  '\n',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  'é',
  'e\u0301',
  '日本',
  '😀',
  '\ud800',
  '\udfff',
  'a',
  'Z',
  '0',
  '_',
  '-',
  'me',
  'ME',
  'lifecycle',
];

const sessionIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...NASTY_UNITS), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 270 }),
  fc.constantFrom(
    '',
    '.',
    '..',
    '...',
    './x',
    'x/..',
    '../admin',
    '%2e%2e',
    '%2E',
    '..%2F',
    'a/b',
    '/',
    '//',
    '\\..\\',
    '?x=1',
    '#frag',
    'me',
    ' x',
    'x ',
    '\u0000',
    '102Ke2yJpW3Q0ClCnZ_ryqPVQ',
  ),
);

type IdOperation = 'getSession' | 'revokeSession' | 'refreshSession';
const idOperationArb = fc.constantFrom<IdOperation>(
  'getSession',
  'revokeSession',
  'refreshSession',
);

const SUFFIX: Record<IdOperation, string> = {
  getSession: '',
  revokeSession: '',
  refreshSession: '/lifecycle/refresh',
};
const METHOD: Record<IdOperation, string> = {
  getSession: 'GET',
  revokeSession: 'DELETE',
  refreshSession: 'POST',
};

async function callWithId(okta: OktaSessions, op: IdOperation, id: string): Promise<unknown> {
  switch (op) {
    case 'getSession':
      return okta.getSession(id);
    case 'revokeSession':
      return okta.revokeSession(id);
    case 'refreshSession':
      return okta.refreshSession(id);
  }
}

/**
 * Checks that `path` (a request target as sent) is `/api/v1/sessions/<seg><suffix>` with `seg` a
 * single non-empty segment that decodes back to `id`. Returns a problem, or undefined.
 */
function pathProblem(path: string, op: IdOperation, id: string): string | undefined {
  const prefix = '/api/v1/sessions/';
  if (!path.startsWith(prefix)) return `path ${JSON.stringify(path)} does not start with ${prefix}`;
  let rest = path.slice(prefix.length);
  const suffix = SUFFIX[op];
  if (suffix) {
    if (!rest.endsWith(suffix)) return `path ${JSON.stringify(path)} does not end with ${suffix}`;
    rest = rest.slice(0, rest.length - suffix.length);
  }
  if (rest.length === 0) return `empty segment in ${JSON.stringify(path)}`;
  if (rest.includes('/')) return `segment ${JSON.stringify(rest)} contains "/"`;
  if (/[?#\\\s]/.test(rest)) return `segment ${JSON.stringify(rest)} contains ?, #, \\ or space`;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return `segment ${JSON.stringify(rest)} is not valid percent-encoding`;
  }
  if (decoded !== id) {
    return `segment ${JSON.stringify(rest)} decodes to ${JSON.stringify(decoded)}, not ${JSON.stringify(id)}`;
  }
  // `/api/v1/sessions/me` is another operation, one that must never carry the admin token.
  if (/^me$/i.test(decoded)) return `segment ${JSON.stringify(rest)} names the /me operations`;
  return undefined;
}

/**
 * The rule for session ids, stated here on its own (not imported from src/model/validate.ts): an id is
 * refused before any I/O exactly when it is blank, longer than 256 characters, `.`, `..` or `me`
 * in any case, has a control character (C0, DEL, C1), leading or trailing whitespace, or a lone
 * surrogate. Every other id is sent, percent-encoded as one path segment.
 */
function idIsRefused(id: string): boolean {
  return (
    id.trim() === '' ||
    id.length > 256 ||
    id === '.' ||
    id === '..' ||
    /^me$/i.test(id) ||
    /[\u0000-\u001f\u007f-\u009f]/.test(id) ||
    id.trim() !== id ||
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(id)
  );
}

/** Fails unless the client refused `id` exactly when {@link idIsRefused} says so. */
function expectIdOutcome(op: IdOperation, id: string, request: unknown): void {
  const refused = request === undefined;
  if (refused !== idIsRefused(id)) {
    throw new Error(
      `${op}(${JSON.stringify(id)}) was ${refused ? 'refused' : 'sent'}; the rule says ${refused ? 'send it' : 'refuse it'}`,
    );
  }
}

/**
 * Calls `op` with `id`. Returns undefined when the client rejected the id with
 * OktaValidationError before any I/O; otherwise the one request it sent. Anything else throws.
 */
async function oneRequestFor<R>(
  okta: OktaSessions,
  op: IdOperation,
  id: string,
  sent: () => R[],
): Promise<R | undefined> {
  let error: unknown;
  try {
    await callWithId(okta, op, id);
  } catch (e) {
    error = e;
  }
  const requests = sent();
  if (error !== undefined) {
    if (!(error instanceof OktaValidationError)) {
      throw new Error(`${op}(${JSON.stringify(id)}) failed with ${describeError(error)}`);
    }
    if (requests.length !== 0) {
      throw new Error(`${op}(${JSON.stringify(id)}): validation error after I/O`);
    }
    return undefined;
  }
  if (requests.length !== 1) throw new Error(`expected 1 request, saw ${requests.length}`);
  return requests[0];
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** 200 Session (GET/POST) or 204 (DELETE), for any request. */
const autoAnswer: ScriptStep = ({ req, res }) => {
  if (req.method === 'DELETE') {
    res.writeHead(204, { 'X-Okta-Request-Id': 'auto' });
    res.end();
    return;
  }
  const body = JSON.stringify(sessionBody());
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Okta-Request-Id': 'auto',
  });
  res.end(body);
};

afterEach(async () => {
  await closeAllScriptedServers();
});

describe('session ids', () => {
  test(
    'arbitrary session ids (injected fetch): refused before any I/O exactly as the id rule says, otherwise exactly /api/v1/sessions/<one segment> that decodes back',
    async () => {
      const seen: Request[] = [];
      const recordingFetch = async (
        input: RequestInfo | URL,
        init?: RequestInit,
      ): Promise<Response> => {
        // The client passes one Request; copying it keeps the test independent of that detail.
        const request = new Request(input, init);
        seen.push(request);
        if (request.method === 'DELETE') return new Response(null, { status: 204 });
        return new Response(JSON.stringify(sessionBody()), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        });
      };
      const okta = new OktaSessions({
        orgUrl: 'http://127.0.0.1:9',
        apiToken: API_TOKEN,
        fetch: recordingFetch as typeof fetch,
        retry: { maxRetries: 0 },
      });

      await fc.assert(
        fc.asyncProperty(sessionIdArb, idOperationArb, async (id, op) => {
          seen.length = 0;
          const request = await oneRequestFor(okta, op, id, () => seen);
          expectIdOutcome(op, id, request);
          if (!request) return;
          const url = new URL(request.url);
          if (url.origin !== 'http://127.0.0.1:9') throw new Error(`wrong origin ${url.origin}`);
          if (url.search !== '' || url.hash !== '') {
            throw new Error(
              `${op}(${JSON.stringify(id)}) put a query or fragment in ${request.url}`,
            );
          }
          if (request.method !== METHOD[op]) throw new Error(`method ${request.method}`);
          const problem = pathProblem(url.pathname, op, id);
          if (problem) throw new Error(`${op}(${JSON.stringify(id)}): ${problem}`);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'arbitrary session ids (default transport, real server): refused exactly as the id rule says, otherwise the raw request target is exactly one segment that decodes back',
    async () => {
      const server = await startScriptedServer([], { fallback: autoAnswer });
      const okta = new OktaSessions({
        orgUrl: server.url,
        apiToken: API_TOKEN,
        retry: { maxRetries: 0 },
        timeoutMs: 5_000,
      });

      await fc.assert(
        fc.asyncProperty(sessionIdArb, idOperationArb, async (id, op) => {
          const before = server.attempts;
          const request = await oneRequestFor(okta, op, id, () => server.requests.slice(before));
          expectIdOutcome(op, id, request);
          if (!request) return;
          if (request.method !== METHOD[op]) throw new Error(`method ${request.method}`);
          const problem = pathProblem(request.url, op, id);
          if (problem) throw new Error(`${op}(${JSON.stringify(id)}): ${problem}`);
        }),
        { numRuns: RUNS },
      );
      expect(server.clientErrors).toEqual([]);
    },
    PROPERTY_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// Header injection

const breakerArb = fc.constantFrom(
  '\r\n',
  '\n',
  '\r',
  '\u0000',
  '\r\n\r\n',
  '\n\n',
  '\r\r\n',
  '\r\n ',
);

/** A value built to smuggle a header or a whole request after a line break. */
const injectionArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({
      before: fc.string({ maxLength: 8 }),
      sep: breakerArb,
      name: fc.stringMatching(/^[A-Za-z0-9-]{1,10}$/),
      value: fc.string({ maxLength: 8 }),
      after: fc.oneof(fc.constant(''), breakerArb, fc.string({ maxLength: 6 })),
    })
    .map((p) => `${p.before}${p.sep}X-Injected-${p.name}: ${p.value}${p.after}`),
  fc
    .record({ before: fc.string({ maxLength: 6 }), sep: breakerArb })
    .map((p) => `${p.before}${p.sep}${p.sep}GET /admin HTTP/1.1${p.sep}Host: evil${p.sep}${p.sep}`),
  fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '9',
      '=',
      ';',
      ':',
      ' ',
      '\t',
      '\r',
      '\n',
      '\u0000',
      'X-Injected: 1',
      'Set-Cookie: x=y',
      '\u0085',
      'é',
      // Outside Latin-1 (not representable in a header) and lone surrogates.
      '日本',
      '😀',
      '\ud800',
    ),
    maxLength: 16,
  }),
);

/** A secret with a recognisable, long prefix so a leak of it is unambiguous. */
const secretArb = injectionArb.map((s) => `SECRET-${s}`);

interface InjectionOutcome {
  error: unknown;
  before: number;
}

/**
 * Checks one run: either an OktaValidationError/OktaConfigError before any I/O, or every request
 * the server got carries only header names the client sends anyway (`allowed`).
 */
/**
 * Makes one call with a hostile value and checks it with {@link checkInjection}; when the call
 * went through and `header` is given, also that exactly one such header was sent.
 */
async function injectOnce(
  server: ScriptedServer,
  label: string,
  value: string,
  allowed: ReadonlySet<string>,
  call: () => Promise<unknown>,
  header?: string,
): Promise<void> {
  const before = server.attempts;
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  checkInjection(server, label, value, { error, before }, allowed);
  // The rule for every header-bound value (cookie, token, extra header), stated on its own: it
  // is refused before I/O exactly when it holds a character outside tab, visible ASCII, space
  // and Latin-1 (CR, LF, NUL, other C0 controls, DEL, U+0100 and up, lone surrogates; C1 controls are Latin-1 and go); else it is sent.
  const mustRefuse = /[^\t\u0020-\u007e\u0080-\u00ff]/.test(value);
  if ((error !== undefined) !== mustRefuse) {
    throw new Error(
      `${label} ${JSON.stringify(value)} was ${error === undefined ? 'sent' : 'refused'}; the rule says ${mustRefuse ? 'refuse it' : 'send it'}`,
    );
  }
  if (error === undefined && header) {
    const names = headerNames(server.requests[before]!);
    if (names.filter((n) => n === header).length !== 1) {
      throw new Error(`${label}: expected exactly one ${header} header`);
    }
  }
}

function checkInjection(
  server: ScriptedServer,
  label: string,
  value: string,
  outcome: InjectionOutcome,
  allowed: ReadonlySet<string>,
): void {
  const sent = server.requests.slice(outcome.before);
  const what = `${label} ${JSON.stringify(value)}`;
  if (server.clientErrors.length > 0) {
    throw new Error(
      `${what}: the server saw a malformed request: ${String(server.clientErrors[0])}`,
    );
  }
  if (outcome.error !== undefined) {
    const err = outcome.error;
    if (!(err instanceof OktaValidationError || err instanceof OktaConfigError)) {
      throw new Error(`${what}: failed with ${describeError(err)} instead of a validation error`);
    }
    if (sent.length !== 0) throw new Error(`${what}: rejected only after I/O`);
    expectNoSecrets(err, [value]);
    return;
  }
  if (sent.length !== 1) throw new Error(`${what}: the server saw ${sent.length} requests`);
  for (const request of sent) {
    for (const name of headerNames(request)) {
      if (!allowed.has(name)) throw new Error(`${what}: injected header ${JSON.stringify(name)}`);
    }
    for (let i = 1; i < request.rawHeaders.length; i += 2) {
      if (/[\r\n\u0000]/.test(request.rawHeaders[i] ?? '')) {
        throw new Error(`${what}: a header value carries CR, LF or NUL`);
      }
    }
  }
}

/** The header names a clean call sends (the baseline no hostile value may add to). */
async function baselineHeaderNames(
  server: ScriptedServer,
  call: () => Promise<unknown>,
): Promise<Set<string>> {
  const before = server.attempts;
  await call();
  const request = server.requests[before];
  if (!request || server.attempts !== before + 1) throw new Error('baseline call failed');
  const names = new Set(headerNames(request));
  // Harmless framing headers a transport may add or drop from one request to the next.
  for (const name of ['content-length', 'transfer-encoding', 'connection', 'keep-alive']) {
    names.add(name);
  }
  return names;
}

type TokenMode = 'apiToken' | 'accessToken' | 'accessToken()';

function tokenClient(server: ScriptedServer, mode: TokenMode, token: string): OktaSessions {
  const common: Partial<Options> = {
    orgUrl: server.url,
    retry: { maxRetries: 0 },
    timeoutMs: 5_000,
  };
  switch (mode) {
    case 'apiToken':
      return new OktaSessions({ ...common, apiToken: token } as Options);
    case 'accessToken':
      return new OktaSessions({ ...common, accessToken: token } as Options);
    case 'accessToken()':
      return new OktaSessions({ ...common, accessToken: async () => token } as Options);
  }
}

describe('header injection', () => {
  test(
    'arbitrary cookies: refused before I/O exactly when they hold CR/LF/NUL, another C0 control, DEL or non-Latin-1; otherwise sent as one header (getCurrentSession, refreshCurrentSession, closeCurrentSession)',
    async () => {
      const server = await startScriptedServer([], { fallback: autoAnswer });
      const okta = new OktaSessions({
        orgUrl: server.url,
        apiToken: API_TOKEN,
        retry: { maxRetries: 0 },
        timeoutMs: 5_000,
      });
      const allowed = await baselineHeaderNames(server, () =>
        okta.getCurrentSession({ cookie: 'sid=102Ke2yJpW3Q0ClCnZ_ryqPVQ' }),
      );
      const opArb = fc.constantFrom(
        'getCurrentSession',
        'refreshCurrentSession',
        'closeCurrentSession',
      ) as fc.Arbitrary<'getCurrentSession' | 'refreshCurrentSession' | 'closeCurrentSession'>;

      await fc.assert(
        fc.asyncProperty(secretArb, opArb, async (secret, op) => {
          const cookie = `sid=${secret}`;
          await injectOnce(
            server,
            `${op} cookie`,
            cookie,
            allowed,
            () => okta[op]({ cookie }),
            'cookie',
          );
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'arbitrary API tokens and access tokens: refused before I/O exactly when they hold CR/LF/NUL, another C0 control, DEL or non-Latin-1; otherwise sent as one header',
    async () => {
      const server = await startScriptedServer([], { fallback: autoAnswer });
      const allowed = await baselineHeaderNames(server, () =>
        tokenClient(server, 'apiToken', API_TOKEN).getSession('102Ke2yJpW3Q0ClCnZ_ryqPVQ'),
      );
      const modeArb = fc.constantFrom<TokenMode>('apiToken', 'accessToken', 'accessToken()');

      await fc.assert(
        fc.asyncProperty(secretArb, modeArb, async (token, mode) => {
          await injectOnce(
            server,
            mode,
            token,
            allowed,
            () => tokenClient(server, mode, token).getSession('102Ke2yJpW3Q0ClCnZ_ryqPVQ'),
            'authorization',
          );
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'arbitrary extra header values (client and per call): refused before I/O exactly when they hold CR/LF/NUL, another C0 control, DEL or non-Latin-1; otherwise sent',
    async () => {
      const server = await startScriptedServer([], { fallback: autoAnswer });
      const clean = new OktaSessions({
        orgUrl: server.url,
        apiToken: API_TOKEN,
        retry: { maxRetries: 0 },
        headers: { 'X-Trace': 'baseline' },
      });
      const allowed = await baselineHeaderNames(server, () =>
        clean.getSession('102Ke2yJpW3Q0ClCnZ_ryqPVQ', { headers: { 'X-Call': 'baseline' } }),
      );
      const whereArb = fc.constantFrom('client', 'call') as fc.Arbitrary<'client' | 'call'>;

      await fc.assert(
        fc.asyncProperty(secretArb, whereArb, async (value, where) => {
          await injectOnce(server, `${where} header`, value, allowed, () =>
            where === 'client'
              ? new OktaSessions({
                  orgUrl: server.url,
                  apiToken: API_TOKEN,
                  retry: { maxRetries: 0 },
                  headers: { 'X-Trace': value },
                }).getSession('102Ke2yJpW3Q0ClCnZ_ryqPVQ')
              : clean.getSession('102Ke2yJpW3Q0ClCnZ_ryqPVQ', { headers: { 'X-Call': value } }),
          );
        }),
        { numRuns: RUNS },
      );
      expect(server.clientErrors).toEqual([]);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
