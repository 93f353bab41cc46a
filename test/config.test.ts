// Configuration from the places the official SDKs read it: okta.yaml files, the OKTA_CLIENT_*
// variables, then the caller's options, the later winning. Real files in temp dirs, a real
// server on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import {
  OktaConfigError,
  OktaSessions,
  OktaValidationError,
  type OktaSessionsOptions,
} from '../src/index.js';
import {
  json,
  SESSION,
  startRecordingServer,
  type RecordingServer,
} from './helpers/recording-server.js';
import { ORG_URL_CASES } from './helpers/org-url-cases.js';
import * as hostileServer from './helpers/hostile-server.js';
import * as fetchHarness from './helpers/fetch-harness.js';
import { OktaServerError } from '../src/index.js';
import {
  API_TOKEN,
  MAX_TIMER_MS,
  SESSION_ID,
  SESSION_TOKEN,
  configError,
  harness,
  ok,
  rejection,
} from './helpers/fetch-harness.js';
import { slot } from './helpers/slots.js';

const HOME_TOKEN = 'SECRET-home-token-1';
const CWD_TOKEN = 'SECRET-cwd-token-2';
const ENV_TOKEN = 'SECRET-env-token-3';
const ACCESS_TOKEN = 'SECRET-access-token-4';

const SERVICE_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const SERVICE_PEM = SERVICE_KEY.export({ format: 'pem', type: 'pkcs8' }) as string;
let server: RecordingServer;
let dir: string;
let home: string;
let cwd: string;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'okta-config-'));
  home = join(dir, 'home');
  cwd = join(dir, 'project');
  mkdirSync(join(home, '.okta'), { recursive: true });
  mkdirSync(cwd);
  server.reply(json(200, SESSION));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeHome(text: string, mode = 0o600): string {
  const file = join(home, '.okta', 'okta.yaml');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}
function writeCwd(text: string, mode = 0o600): string {
  const file = join(cwd, 'okta.yaml');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

const authOf = async (okta: OktaSessions) => {
  await okta.getSession('abc');
  return server.requests.at(-1)!.headers['authorization'];
};

describe('fromEnv(env, overrides)', () => {
  test('reads the official SDK variables', async () => {
    const okta = OktaSessions.fromEnv({
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_TOKEN: ENV_TOKEN,
    });
    expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
  });

  test('a credential in overrides is enough when the environment has none', async () => {
    const okta = OktaSessions.fromEnv({ OKTA_CLIENT_ORGURL: server.url }, { apiToken: CWD_TOKEN });
    expect(await authOf(okta)).toBe(`SSWS ${CWD_TOKEN}`);
  });

  test('an accessToken override replaces the environment token', async () => {
    const okta = OktaSessions.fromEnv(
      { OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_TOKEN: ENV_TOKEN },
      { accessToken: ACCESS_TOKEN },
    );
    expect(await authOf(okta)).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  test('an orgUrl override replaces the environment one', async () => {
    const okta = OktaSessions.fromEnv(
      { OKTA_CLIENT_ORGURL: 'https://acme.okta.com', OKTA_CLIENT_TOKEN: ENV_TOKEN },
      { orgUrl: server.url },
    );
    expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
  });

  test('nothing set: the message names the variable, and no file fromEnv never reads', async () => {
    expect(() => OktaSessions.fromEnv({})).toThrow(/OKTA_CLIENT_ORGURL/);
    expect(() => OktaSessions.fromEnv({})).not.toThrow(/okta\.yaml/);
    // fromConfig does read okta.yaml, and says so.
    await expect(OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd })).rejects.toThrow(
      /OKTA_CLIENT_ORGURL or okta\.client\.orgUrl in okta\.yaml/,
    );
    expect(() => OktaSessions.fromEnv({ OKTA_CLIENT_ORGURL: server.url })).toThrow(
      /OKTA_CLIENT_TOKEN/,
    );
  });

  test('authorizationMode SSWS is the API token; PrivateKey selects the service app', async () => {
    const env = { OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_TOKEN: ENV_TOKEN };
    expect(
      await authOf(OktaSessions.fromEnv({ ...env, OKTA_CLIENT_AUTHORIZATIONMODE: 'SSWS' })),
    ).toBe(`SSWS ${ENV_TOKEN}`);
    const serviceApp = {
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      OKTA_CLIENT_CLIENTID: '0oa1',
    };
    // PrivateKey drops the API token of the same layer and uses the service-app keys.
    expect(
      OktaSessions.fromEnv({
        ...env,
        ...serviceApp,
        OKTA_CLIENT_PRIVATEKEY: SERVICE_PEM,
      }).toJSON().auth,
    ).toBe('privateKey');
    const bad = (() => {
      try {
        OktaSessions.fromEnv({
          ...serviceApp,
          OKTA_CLIENT_PRIVATEKEY: '-----BEGIN PRIVATE KEY-----SECRET',
        });
      } catch (error) {
        return error as Error;
      }
      throw new Error('a bad key was accepted');
    })();
    expect(bad).toBeInstanceOf(OktaConfigError);
    expect(bad.message).toMatch(/^privateKey is PEM that node:crypto cannot read/);
    expect(bad.message).not.toContain('SECRET');
    expect(() => OktaSessions.fromEnv({ ...env, OKTA_CLIENT_AUTHORIZATIONMODE: 'Basic' })).toThrow(
      /authorizationMode must be "SSWS", "Bearer" or "PrivateKey"/,
    );
  });

  test('authorizationMode Bearer sends the token as an OAuth 2.0 access token, as the Go and Python SDKs do', async () => {
    const env = {
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_AUTHORIZATIONMODE: 'Bearer',
      OKTA_CLIENT_TOKEN: ACCESS_TOKEN,
    };
    expect(await authOf(OktaSessions.fromEnv(env))).toBe(`Bearer ${ACCESS_TOKEN}`);
    // Service-app keys of the same layer are not a second credential in Bearer mode.
    expect(await authOf(OktaSessions.fromEnv({ ...env, OKTA_CLIENT_CLIENTID: '0oa1' }))).toBe(
      `Bearer ${ACCESS_TOKEN}`,
    );
    expect(() => OktaSessions.fromEnv({ ...env, OKTA_CLIENT_TOKEN: undefined })).toThrow(
      /authorizationMode "Bearer" needs an OAuth 2.0 access token\. Pass it as accessToken \(OKTA_CLIENT_ACCESS_TOKEN\)/,
    );
  });
});

describe('fromConfig: okta.yaml, then the environment, then options', () => {
  test('authorizationMode Bearer in okta.yaml', async () => {
    writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    authorizationMode: Bearer\n    token: ${ACCESS_TOKEN}\n`,
    );
    const okta = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd });
    expect(await authOf(okta)).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(inspect(okta)).not.toContain(ACCESS_TOKEN);
  });

  test('~/.okta/okta.yaml alone configures the client', async () => {
    writeHome(`okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${HOME_TOKEN}\n`);
    const okta = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd });
    expect(await authOf(okta)).toBe(`SSWS ${HOME_TOKEN}`);
  });

  test('./okta.yaml beats the home file, the environment beats both, options beat everything', async () => {
    writeHome(`okta:\n  client:\n    orgUrl: https://home.okta.com\n    token: ${HOME_TOKEN}\n`);
    writeCwd(`okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n`);
    const sources = { homeDir: home, cwd };
    expect(await authOf(await OktaSessions.fromConfig({}, { ...sources, env: {} }))).toBe(
      `SSWS ${CWD_TOKEN}`,
    );
    const env = { OKTA_CLIENT_TOKEN: ENV_TOKEN };
    expect(await authOf(await OktaSessions.fromConfig({}, { ...sources, env }))).toBe(
      `SSWS ${ENV_TOKEN}`,
    );
    const options = { accessToken: ACCESS_TOKEN };
    expect(await authOf(await OktaSessions.fromConfig(options, { ...sources, env }))).toBe(
      `Bearer ${ACCESS_TOKEN}`,
    );
  });

  test("this package's keys: requestTimeout, rateLimit.maxRetries", async () => {
    writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n    requestTimeout: 0.2\n    rateLimit:\n      maxRetries: 0\n`,
    );
    server.reply(() => undefined); // never answers
    const okta = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd });
    const started = Date.now();
    await expect(okta.getSession('abc')).rejects.toMatchObject({ name: 'OktaTimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1); // maxRetries: 0
  });

  test.each([
    ['okta: [1, 2]\n', /okta\.yaml: okta must be a mapping \(got a list\)/],
    ['okta:\n  client: yes\n', /okta\.client must be a mapping/],
    [
      `okta:\n  client:\n    orgUrl: 42\n`,
      /okta\.client\.orgUrl must be a non-empty string \(got a number\)/,
    ],
    [
      `okta:\n  client:\n    token: [${CWD_TOKEN}]\n`,
      /okta\.client\.token must be a non-empty string/,
    ],
    [
      `okta:\n  client:\n    requestTimeout: soon\n`,
      /okta\.client\.requestTimeout must be a positive number/,
    ],
    [
      `okta:\n  client:\n    rateLimit:\n      maxRetries: -1\n`,
      /okta\.client\.rateLimit\.maxRetries/,
    ],
    [`okta:\n  client:\n    proxy:\n      port: 8080\n`, /okta\.client\.proxy\.host/],
    [
      `okta:\n  client:\n    token: "${CWD_TOKEN}\n  bad: [\n`,
      /okta\.yaml: line \d+ is not valid YAML/,
    ],
  ])('a malformed file names the file and key: %j', async (text, message) => {
    const file = writeCwd(text);
    const error = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OktaConfigError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(CWD_TOKEN);
  });

  test('a credential in a file others can read is warned about, like ssh; 0600 is quiet', async () => {
    const warnings: string[] = [];
    const onWarning = (m: string) => warnings.push(m);
    const file = writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n`,
      0o644,
    );
    await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd, onWarning });
    expect(warnings).toEqual([expect.stringContaining(`chmod 600 ${file}`)]);
    expect(warnings[0]).toContain('mode 0644');
    expect(warnings[0]).not.toContain(CWD_TOKEN);
    chmodSync(file, 0o600);
    warnings.length = 0;
    await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd, onWarning });
    expect(warnings).toEqual([]);
  });

  test('a file without a credential may be world-readable', async () => {
    const warnings: string[] = [];
    writeCwd(`okta:\n  client:\n    orgUrl: ${server.url}\n`, 0o644);
    await OktaSessions.fromConfig(
      { apiToken: ENV_TOKEN },
      { env: {}, homeDir: home, cwd, onWarning: (m) => warnings.push(m) },
    );
    expect(warnings).toEqual([]);
  });

  test('service-app keys in okta.yaml configure a service app; a bad key is refused without echo', async () => {
    const jwk = JSON.stringify(SERVICE_KEY.export({ format: 'jwk' }));
    writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    authorizationMode: PrivateKey\n    clientId: 0oa1\n    scopes: [okta.sessions.read]\n    keyId: kid-1\n    privateKey: ${jwk}\n`,
    );
    const okta = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd });
    expect(okta.toJSON()).toEqual({ orgUrl: server.url, auth: 'privateKey' });
    writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    authorizationMode: PrivateKey\n    clientId: 0oa1\n    scopes: [okta.sessions.read]\n    keyId: kid-1\n    privateKey: { kty: RSA, d: SECRET-d }\n`,
    );
    const error = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OktaConfigError);
    expect((error as Error).message).toMatch(/^privateKey is a JWK that node:crypto cannot read/);
    expect((error as Error).message).not.toContain('SECRET');
  });

  test('no file and no variables: the message says where to set the org URL', async () => {
    await expect(OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd })).rejects.toThrow(
      /OKTA_CLIENT_ORGURL or okta\.client\.orgUrl in okta\.yaml/,
    );
  });

  test('the client built from a file shows no credential', async () => {
    writeCwd(`okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n`);
    const okta = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd });
    expect(inspect(okta, { showHidden: true, depth: 5 })).not.toContain(CWD_TOKEN);
  });
});

describe('okta.yaml you can trust: only a regular file of yours, of a sane size', () => {
  const asRoot = process.getuid?.() === 0;
  const ANOTHER_UID = 12345;
  /** The error fromConfig fails with (a client built instead is an error of the test). */
  const fromConfig = (): Promise<Error> =>
    OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd }).then(
      () => new Error('test: fromConfig built a client'),
      (e: unknown) => e as Error,
    );
  const cwdFile = () => join(cwd, 'okta.yaml');
  const homeFile = () => join(home, '.okta', 'okta.yaml');

  /** An okta.yaml of exactly `bytes` bytes: the settings, then a comment as padding. */
  const yamlOfSize = (bytes: number) => {
    const settings = `okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n#`;
    return settings + 'x'.repeat(bytes - settings.length);
  };

  test.each([
    ['the working directory', cwdFile],
    ['the home directory', homeFile],
  ])(
    'a FIFO in %s is refused at once, not read (no writer: a plain read would block forever)',
    async (_where, file) => {
      execFileSync('mkfifo', [file()]);
      // A writer that comes after 2 s: a blocking open or read would wait for it, then read its
      // settings. It never gets a reader when the file is refused, and is killed at the end.
      const writer = spawn('/bin/sh', [
        '-c',
        `sleep 2; printf 'okta:\\n  client:\\n    orgUrl: ${server.url}\\n' > "$0"`,
        file(),
      ]);
      try {
        const started = Date.now();
        const error = await fromConfig();
        expect(Date.now() - started).toBeLessThan(1_500);
        expect(error).toBeInstanceOf(OktaConfigError);
        expect(error.message).toBe(
          `${file()} is not a regular file (a FIFO); okta.yaml is read only from a regular file`,
        );
      } finally {
        writer.kill('SIGKILL');
      }
    },
  );

  test('a link to /dev/zero is refused, not read', async () => {
    symlinkSync('/dev/zero', cwdFile());
    const error = await fromConfig();
    expect(error).toBeInstanceOf(OktaConfigError);
    expect(error.message).toBe(
      `${cwdFile()} is not a regular file (a character device); okta.yaml is read only from a regular file`,
    );
  });

  test('a link to a regular file of yours is read (dotfiles are often links)', async () => {
    const target = join(dir, 'shared-okta.yaml');
    writeFileSync(target, `okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n`);
    chmodSync(target, 0o600);
    symlinkSync(target, cwdFile());
    expect(await authOf(await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd }))).toBe(
      `SSWS ${CWD_TOKEN}`,
    );
  });

  test('a directory named okta.yaml is refused as not a regular file', async () => {
    mkdirSync(cwdFile());
    expect((await fromConfig()).message).toBe(
      `${cwdFile()} is not a regular file (a directory); okta.yaml is read only from a regular file`,
    );
  });

  test('64 kB is read; one byte more is refused before parsing, naming the file', async () => {
    writeCwd(yamlOfSize(64 * 1024));
    expect(await authOf(await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd }))).toBe(
      `SSWS ${CWD_TOKEN}`,
    );
    writeCwd(yamlOfSize(64 * 1024 + 1));
    const error = await fromConfig();
    expect(error).toBeInstanceOf(OktaConfigError);
    expect(error.message).toBe(
      `${cwdFile()} is larger than 64 kB; an okta.yaml holds a few settings: check that this is the right file`,
    );
  });

  test('a 1 GiB (sparse) okta.yaml is refused by its size, without reading it', async () => {
    writeCwd('');
    truncateSync(cwdFile(), 1024 ** 3);
    const started = Date.now();
    expect((await fromConfig()).message).toMatch(/is larger than 64 kB/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  (asRoot ? test : test.skip)(
    "./okta.yaml owned by another user is refused, and the home file's token goes nowhere (run as root, to chown)",
    async () => {
      // The attack: a planted ./okta.yaml with only an org URL, beside the user's own token.
      writeHome(`okta:\n  client:\n    token: ${HOME_TOKEN}\n`);
      const file = writeCwd(`okta:\n  client:\n    orgUrl: ${server.url}\n`, 0o644);
      chownSync(file, ANOTHER_UID, ANOTHER_UID);
      const error = await fromConfig();
      expect(error).toBeInstanceOf(OktaConfigError);
      expect(error.message).toBe(
        `Refusing ${file}: it is owned by another user (uid ${ANOTHER_UID}), and whoever can change it chooses the org your credentials are sent to. If you did not create it, delete it or work in another directory; if it is yours, run: chown $(id -u) ${file}`,
      );
      expect(server.requests).toHaveLength(0);
    },
  );

  test.each([
    ['0620', 0o620],
    ['0602', 0o602],
    ['0666', 0o666],
  ])(
    './okta.yaml writable by group or others (mode %s) is refused with the chmod that fixes it',
    async (_octal, mode) => {
      const file = writeCwd(`okta:\n  client:\n    orgUrl: ${server.url}\n`, mode);
      const error = await fromConfig();
      expect(error).toBeInstanceOf(OktaConfigError);
      expect(error.message).toBe(
        `Refusing ${file}: other users can write to it (mode 0${mode.toString(8)}), and whoever can change it chooses the org your credentials are sent to. Run: chmod go-w ${file}`,
      );
      chmodSync(file, mode & ~0o022);
      const okta = await OktaSessions.fromConfig(
        { apiToken: ENV_TOKEN },
        { env: {}, homeDir: home, cwd },
      );
      expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
    },
  );

  test('~/.okta/okta.yaml another user can write, or owns, is read but warned about through onWarning', async () => {
    const file = writeHome(`okta:\n  client:\n    orgUrl: ${server.url}\n`, 0o666);
    const warnings: string[] = [];
    const okta = await OktaSessions.fromConfig(
      { apiToken: ENV_TOKEN },
      { env: {}, homeDir: home, cwd, onWarning: (m) => warnings.push(m) },
    );
    expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
    expect(warnings).toEqual([
      `${file}: other users can write to it (mode 0666), and whoever can change it chooses the org your credentials are sent to. Run: chmod go-w ${file}`,
    ]);
    if (!asRoot) return;
    chmodSync(file, 0o644);
    chownSync(file, ANOTHER_UID, ANOTHER_UID);
    warnings.length = 0;
    await OktaSessions.fromConfig(
      { apiToken: ENV_TOKEN },
      { env: {}, homeDir: home, cwd, onWarning: (m) => warnings.push(m) },
    );
    expect(warnings).toEqual([
      expect.stringContaining(`it is owned by another user (uid ${ANOTHER_UID})`),
    ]);
  });

  test('a file path with control characters is escaped in the message', async () => {
    cwd = join(dir, 'pro\nject\u001b[31m');
    mkdirSync(cwd);
    writeCwd(`okta:\n  client:\n    orgUrl: ${server.url}\n`, 0o666);
    const error = await fromConfig();
    expect(error.message).toContain('pro\\nject\\u001b[31m');
    expect(error.message).not.toMatch(/[\n\u001b]/);
  });
});

describe('orgUrl', () => {
  test('a URL object is accepted', async () => {
    const okta = new OktaSessions({ orgUrl: new URL(server.url), apiToken: ENV_TOKEN });
    expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
  });

  test('a token given as orgUrl is not echoed back', () => {
    for (const orgUrl of [ENV_TOKEN, `https://acme.okta.com/?t=${ENV_TOKEN}`, `${ENV_TOKEN}://x`]) {
      const error = (() => {
        try {
          new OktaSessions({ orgUrl, apiToken: 't' });
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(OktaConfigError);
      expect(error!.message).not.toContain(ENV_TOKEN);
    }
  });

  test('another type gets a message that says to pass a string', () => {
    expect(() => new OktaSessions({ orgUrl: 42 as never, apiToken: 't' })).toThrow(
      /orgUrl must be a string or a URL/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Each check of the constructor, word for word: the messages tell users how to fix their setup.

function configMessage(options: unknown): string {
  try {
    new OktaSessions(options as ConstructorParameters<typeof OktaSessions>[0]);
  } catch (error) {
    expect(error).toBeInstanceOf(OktaConfigError);
    return (error as Error).message;
  }
  throw new Error('test: expected an OktaConfigError');
}

const ORG = 'https://acme.okta.com';

describe('the constructor: orgUrl', () => {
  test.each([undefined, null, '', '  \t'])(
    'orgUrl %p is required, with where to pass it',
    (orgUrl) => {
      expect(configMessage({ orgUrl, apiToken: ENV_TOKEN })).toBe(
        'orgUrl is required. Pass your org URL, e.g. { orgUrl: "https://acme.okta.com" }',
      );
    },
  );

  test('an orgUrl of another type names the type it got', () => {
    expect(configMessage({ orgUrl: 42, apiToken: ENV_TOKEN })).toBe(
      'orgUrl must be a string or a URL (got number). Pass e.g. "https://acme.okta.com"',
    );
  });

  test('surrounding white space, NBSP included, is trimmed from orgUrl', () => {
    const okta = new OktaSessions({ orgUrl: `\u00a0 ${ORG}/\n`, apiToken: ENV_TOKEN });
    expect(okta.toJSON().orgUrl).toBe(ORG);
  });

  test('the {yourOktaDomain} placeholder is refused with what to put there', () => {
    expect(configMessage({ orgUrl: 'https://{yourOktaDomain}', apiToken: ENV_TOKEN })).toBe(
      'orgUrl still contains the {yourOktaDomain} placeholder. Replace it with your org host',
    );
  });

  test.each(['acme.okta.com', 'https://https://acme.okta.com'])(
    'an orgUrl without exactly one scheme (%s) is refused',
    (orgUrl) => {
      expect(configMessage({ orgUrl, apiToken: ENV_TOKEN })).toBe(
        'orgUrl is not a URL with one scheme. Use the form https://acme.okta.com',
      );
    },
  );

  test('an orgUrl that does not parse is refused without echoing it', () => {
    expect(configMessage({ orgUrl: 'https://acme okta.com', apiToken: ENV_TOKEN })).toBe(
      'orgUrl is not a valid URL. Use the form https://acme.okta.com',
    );
  });

  test.each([
    'https://acme-admin.okta.com',
    'https://acme-admin.oktapreview.com',
    'https://acme-admin.okta-emea.com',
    'https://acme-admin.okta-gov.com',
    'https://acme-admin.oktagov.com',
    'https://acme-admin.okta-mil.com',
    'https://ACME-ADMIN.OKTA.COM',
  ])('the admin domain %s is refused with the org domain to use', (orgUrl) => {
    expect(configMessage({ orgUrl, apiToken: ENV_TOKEN })).toBe(
      `orgUrl "${new URL(orgUrl).origin}" is an admin domain. Use your org domain without "-admin", e.g. https://acme.okta.com`,
    );
  });

  test.each([
    'https://acme-admin-okta.com',
    'https://acme-admin.oktas.com',
    'https://admin.okta.com',
  ])('%s is not an Okta admin domain and is accepted', (orgUrl) => {
    expect(new OktaSessions({ orgUrl, apiToken: ENV_TOKEN }).toJSON().orgUrl).toBe(orgUrl);
  });

  test('a repeated .com is refused', () => {
    expect(configMessage({ orgUrl: 'https://acme.okta.com.com', apiToken: ENV_TOKEN })).toBe(
      'orgUrl "https://acme.okta.com.com" contains ".com.com". Check the host for a repeated suffix',
    );
  });

  test.each([`${ORG}/api/v1`, `${ORG}/?x=1`, `${ORG}#top`, `${ORG}:8443/x`])(
    'a path, query or fragment (%s) is refused with the origin to use',
    (orgUrl) => {
      expect(configMessage({ orgUrl, apiToken: ENV_TOKEN })).toBe(
        `orgUrl must not have a path, query or fragment. Use only the origin, e.g. ${new URL(orgUrl).origin}`,
      );
    },
  );

  test('plain http:// reaches any spelling of an IPv4 loopback address, never a name that looks like one', () => {
    for (const orgUrl of [
      'http://127.1:8080',
      'http://0x7f000001:8080',
      'http://127.000.000.001',
    ]) {
      expect(() => new OktaSessions({ orgUrl, apiToken: ENV_TOKEN })).not.toThrow();
    }
    for (const orgUrl of [
      'http://127.0.0.1.nip.io',
      'http://127.evil.com',
      'http://127.0.0.1x',
      'http://127.foo.a1',
      'http://127.foo.1a',
    ]) {
      expect(configMessage({ orgUrl, apiToken: ENV_TOKEN })).toBe(
        'orgUrl must use https:// (got http://). Plain http:// is accepted only for loopback hosts such as 127.0.0.1 (local emulators and tests)',
      );
    }
  });

  // The same table runs against okta-sessions/current-session in browser.test.ts.
  const CLIENT_MESSAGES: Record<string, string> = {
    scheme:
      'orgUrl must use https:// (got http://). Plain http:// is accepted only for loopback hosts such as 127.0.0.1 (local emulators and tests)',
    credentials: 'orgUrl must not contain credentials. Remove user:pass@',
    syntax:
      'orgUrl contains a tab or a line break. Remove it: URL parsers drop these characters, which joins the parts around them into another host',
  };
  test.each(ORG_URL_CASES)(
    'the org URL rule the /me functions share: $orgUrl',
    ({ orgUrl, origin, problem }) => {
      if (origin !== undefined) {
        expect(new OktaSessions({ orgUrl, apiToken: ENV_TOKEN }).toJSON().orgUrl).toBe(origin);
        return;
      }
      const message = configMessage({ orgUrl, apiToken: ENV_TOKEN });
      expect(message).toBe(CLIENT_MESSAGES[problem!]);
      expect(message).not.toContain(orgUrl);
      expect(message).not.toContain('secret');
    },
  );

  test('a line break inside OKTA_CLIENT_ORGURL or orgUrl is refused, not joined into another host', async () => {
    const orgUrl = `${server.url.replace('127.0.0.1', '127.0.0.1\n')}`;
    // What the URL parser would have made of it: the same loopback server.
    expect(new URL(orgUrl).origin).toBe(server.url);
    const env = { OKTA_CLIENT_ORGURL: orgUrl, OKTA_CLIENT_TOKEN: ENV_TOKEN };
    expect(() => OktaSessions.fromEnv(env)).toThrow(
      new OktaConfigError(
        'orgUrl (OKTA_CLIENT_ORGURL) contains a tab or a line break. Remove it: URL parsers drop these characters, which joins the parts around them into another host',
      ),
    );
    expect(
      configMessage({ orgUrl: 'https://acme.okta.com.ev\nil.example', apiToken: ENV_TOKEN }),
    ).toBe(
      'orgUrl contains a tab or a line break. Remove it: URL parsers drop these characters, which joins the parts around them into another host',
    );
    writeCwd(
      `okta:\n  client:\n    orgUrl: "${orgUrl.replace('\n', '\\t')}"\n    token: ${CWD_TOKEN}\n`,
    );
    await expect(OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd })).rejects.toThrow(
      /^orgUrl \(OKTA_CLIENT_ORGURL\) contains a tab or a line break/,
    );
    expect(server.requests).toHaveLength(0);
  });

  test('an empty query or fragment is no query or fragment', () => {
    for (const orgUrl of [`${ORG}/?`, `${ORG}#`, `${ORG}:443/`]) {
      expect(new OktaSessions({ orgUrl, apiToken: ENV_TOKEN }).toJSON().orgUrl).toBe(ORG);
    }
  });
});

describe('the constructor: credentials', () => {
  const PEM = SERVICE_PEM;

  test('an API token or access token still holding a placeholder is refused', () => {
    expect(configMessage({ orgUrl: ORG, apiToken: '{apiToken}' })).toBe(
      'apiToken still contains a placeholder. Replace it with a real apiToken',
    );
    expect(configMessage({ orgUrl: ORG, accessToken: 'x{accessToken}' })).toBe(
      'accessToken still contains a placeholder. Replace it with a real accessToken',
    );
    expect(configMessage({ orgUrl: ORG, apiToken: '{accessToken}' })).toBe(
      'apiToken still contains a placeholder. Replace it with a real apiToken',
    );
  });

  test('a token with its scheme in front is refused with the bare-token hint', () => {
    expect(configMessage({ orgUrl: ORG, apiToken: `SSWS ${ENV_TOKEN}` })).toBe(
      'apiToken starts with an authorization scheme. Pass the bare token as issued (no scheme; check for a stray newline if it was read from a file)',
    );
  });

  test('a service app and a token together are refused, naming each credential given', () => {
    const app = { clientId: '0oa1', privateKey: PEM };
    expect(configMessage({ orgUrl: ORG, apiToken: ENV_TOKEN, ...app })).toBe(
      'Both apiToken and clientId + privateKey were given. Pass exactly one credential',
    );
    expect(configMessage({ orgUrl: ORG, accessToken: ACCESS_TOKEN, privateKey: PEM })).toBe(
      'Both accessToken and clientId + privateKey were given. Pass exactly one credential',
    );
    expect(
      configMessage({
        orgUrl: ORG,
        apiToken: ENV_TOKEN,
        accessToken: ACCESS_TOKEN,
        authorizationMode: 'PrivateKey',
      }),
    ).toBe(
      'Both apiToken and accessToken and clientId + privateKey were given. Pass exactly one credential',
    );
  });

  test('an unknown authorizationMode is refused with the three modes, without showing it', () => {
    expect(configMessage({ orgUrl: ORG, apiToken: ENV_TOKEN, authorizationMode: 'Basic' })).toBe(
      'authorizationMode is unknown (got 5 characters, not shown in case they are a secret). Use "SSWS" (apiToken), "Bearer" (accessToken) or "PrivateKey" (clientId + privateKey), or leave it out',
    );
  });

  test('a token passed as authorizationMode is not echoed, nor its control characters', () => {
    const message = configMessage({
      orgUrl: ORG,
      apiToken: ENV_TOKEN,
      authorizationMode: `${ACCESS_TOKEN}\r\nX-Forged: 1`,
    });
    expect(message).toMatch(/^authorizationMode is unknown \(got 34 characters, not shown/);
    expect(message).not.toContain(ACCESS_TOKEN.slice(0, 6));
    expect(message).not.toMatch(/[\r\n]/);
  });

  test('a known mode in the wrong letter case is named, with the right spelling', () => {
    expect(configMessage({ orgUrl: ORG, apiToken: ENV_TOKEN, authorizationMode: 'ssws' })).toBe(
      'authorizationMode is unknown (got "ssws": modes are case-sensitive, did you mean "SSWS"?). Use "SSWS" (apiToken), "Bearer" (accessToken) or "PrivateKey" (clientId + privateKey), or leave it out',
    );
  });

  test('authorizationMode SSWS needs the API token; with it, the token is sent as SSWS', async () => {
    expect(
      configMessage({ orgUrl: ORG, accessToken: ACCESS_TOKEN, authorizationMode: 'SSWS' }),
    ).toBe('authorizationMode "SSWS" needs apiToken. Pass apiToken, or use "PrivateKey"');
    const okta = new OktaSessions({
      orgUrl: server.url,
      apiToken: ENV_TOKEN,
      authorizationMode: 'SSWS',
    });
    expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
  });

  test('authorizationMode Bearer without an access token says where to give one', () => {
    expect(configMessage({ orgUrl: ORG, apiToken: ENV_TOKEN, authorizationMode: 'Bearer' })).toBe(
      'authorizationMode "Bearer" needs an OAuth 2.0 access token. Pass it as accessToken (okta.yaml and OKTA_CLIENT_TOKEN give it as token), or use "PrivateKey" for a service app',
    );
  });

  test('authorizationMode PrivateKey alone asks for the client id', () => {
    expect(configMessage({ orgUrl: ORG, authorizationMode: 'PrivateKey' })).toBe(
      "clientId must be the service app's client id. Pass it together with privateKey",
    );
  });
});

describe('the constructor: a service app', () => {
  const app = { orgUrl: ORG, clientId: '0oa1', privateKey: SERVICE_PEM };

  /** The token request the client sends first (answered invalid_client, so nothing else). */
  async function tokenRequest(options: object): Promise<Request> {
    const requests: Request[] = [];
    const fetch = async (request: Request) => {
      requests.push(request.clone());
      return new Response(JSON.stringify({ error: 'invalid_client' }), {
        status: 401,
        headers: { 'content-type': 'application/json' },
      });
    };
    const okta = new OktaSessions({ ...app, ...options, fetch: fetch as typeof globalThis.fetch });
    await okta.getSession('abc').catch(() => undefined);
    expect(requests.length).toBeGreaterThan(0);
    expect(new URL(requests[0]!.url).pathname).toBe('/oauth2/v1/token');
    return requests[0]!;
  }
  const formOf = async (request: Request) => new URLSearchParams(await request.text());
  const jwtPart = (jwt: string, index: 0 | 1) =>
    JSON.parse(Buffer.from(jwt.split('.')[index]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;

  test.each([42, '', '  ', '0oa1\n'])(
    'a client id %p that cannot be one is refused',
    (clientId) => {
      expect(configMessage({ ...app, clientId })).toBe(
        "clientId must be the service app's client id. Pass it together with privateKey",
      );
    },
  );

  test('fromEnv names the variables of a bad client id', () => {
    expect(() =>
      OktaSessions.fromEnv({
        OKTA_CLIENT_ORGURL: ORG,
        OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
        OKTA_CLIENT_PRIVATEKEY: SERVICE_PEM,
      }),
    ).toThrow(
      new OktaConfigError(
        "clientId (OKTA_CLIENT_CLIENTID) must be the service app's client id. Pass it together with privateKey (OKTA_CLIENT_PRIVATEKEY)",
      ),
    );
  });

  test('a client id still holding a placeholder is refused', () => {
    expect(configMessage({ ...app, clientId: '{clientId}' })).toBe(
      'clientId still contains a placeholder. Use the real id',
    );
  });

  test('a client id without a private key is refused', () => {
    expect(configMessage({ orgUrl: ORG, clientId: '0oa1' })).toBe(
      "clientId was given without privateKey. Pass the service app's private key too",
    );
  });

  test.each([42, '', 'kid\r\n1'])('a keyId %p is refused', (keyId) => {
    expect(configMessage({ ...app, keyId })).toBe(
      'keyId must be a non-empty string. Pass the kid shown for the key in the Okta Admin Console',
    );
  });

  test('the client id signs the assertion and the keyId names its key', async () => {
    const form = await formOf(await tokenRequest({ keyId: 'kid-7' }));
    const assertion = form.get('client_assertion')!;
    expect(jwtPart(assertion, 0)['kid']).toBe('kid-7');
    expect([jwtPart(assertion, 1)['iss'], jwtPart(assertion, 1)['sub']]).toEqual(['0oa1', '0oa1']);
  });

  test('dpop must be a boolean; it is on unless false', async () => {
    expect(configMessage({ ...app, dpop: 'no' })).toBe('dpop must be true or false. Got a string');
    expect((await tokenRequest({})).headers.has('dpop')).toBe(true);
    expect((await tokenRequest({ dpop: true })).headers.has('dpop')).toBe(true);
    expect((await tokenRequest({ dpop: false })).headers.has('dpop')).toBe(false);
  });

  test.each([
    ['not an array', 'okta.sessions.read'],
    ['empty', []],
    ['a non-string', [42]],
    ['a space', ['okta.sessions.read okta.sessions.manage']],
    ['a double quote', ['a"b']],
    ['a backslash', ['a\\b']],
    ['a control character', ['a\u007f']],
    ['an empty name', ['']],
    ['one bad name among good ones', ['okta.sessions.read', 'a"b']],
  ])('scopes holding %s are refused', (_what, scopes) => {
    expect(configMessage({ ...app, scopes })).toBe(
      'scopes must be a non-empty array of scope names. e.g. ["okta.sessions.read"]',
    );
  });

  test('scopes of every character RFC 6749 allows are asked for as given, in order', async () => {
    const scopes = ['!#[]~', 'okta.sessions.manage', 'okta.sessions.read'];
    expect((await formOf(await tokenRequest({ scopes }))).get('scope')).toBe(scopes.join(' '));
  });

  test('without scopes, the scopes of the spec are asked for', async () => {
    const asked = (await formOf(await tokenRequest({}))).get('scope')!.split(' ');
    expect(asked.sort()).toEqual(['okta.sessions.manage', 'okta.sessions.read']);
  });
});

describe('the constructor: throttle', () => {
  const reserve = () => slot();
  const record = () => undefined;

  const fix =
    'Pass a RateLimitStore (with reserve and record), e.g. redisRateLimitStore() from okta-sessions/redis';
  test.each([
    ['null', null, 'throttle must be true, false or { store, maxWaitMs }'],
    ['a string', 'yes', 'throttle must be true, false or { store, maxWaitMs }'],
    ['a store without record', { store: { reserve } }, 'throttle.store must be a RateLimitStore'],
    ['a store without reserve', { store: { record } }, 'throttle.store must be a RateLimitStore'],
    [
      'a store whose record is not a function',
      { store: { reserve, record: true } },
      'throttle.store must be a RateLimitStore',
    ],
    [
      'a function carrying a store',
      Object.assign(() => undefined, { store: { reserve, record } }),
      'throttle must be true, false or { store, maxWaitMs }',
    ],
  ])('throttle as %s is refused with what to pass', (_what, throttle, problem) => {
    expect(configMessage({ orgUrl: ORG, apiToken: ENV_TOKEN, throttle })).toBe(
      `${problem}. ${fix}`,
    );
  });

  test.each([-1, Number.NaN, '5000'])(
    'throttle.maxWaitMs %p is refused, naming no value but a number',
    (maxWaitMs) => {
      expect(configMessage({ orgUrl: ORG, apiToken: ENV_TOKEN, throttle: { maxWaitMs } })).toMatch(
        /^throttle\.maxWaitMs must be a number from 0 to \d+\. Got /,
      );
    },
  );

  test('throttle: {} is the memory store with the default cap', () => {
    expect(
      () => new OktaSessions({ orgUrl: ORG, apiToken: ENV_TOKEN, throttle: {} }),
    ).not.toThrow();
  });

  test('throttle: false is no throttle: a request whose window is spent is sent at once', async () => {
    server.reply(
      json(200, SESSION, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '4102444800' }),
    );
    const okta = new OktaSessions({ orgUrl: server.url, apiToken: ENV_TOKEN, throttle: false });
    await okta.getSession('abc');
    const started = Date.now();
    await okta.getSession('abc');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(2);
  });

  test('a store of your own is asked before each request and told what the response said', async () => {
    const calls: string[] = [];
    const store = {
      reserve: (bucket: { key: string }) => (calls.push(`reserve ${bucket.key}`), slot()),
      record: (bucket: { key: string }) => void calls.push(`record ${bucket.key}`),
    };
    const okta = new OktaSessions({ orgUrl: server.url, apiToken: ENV_TOKEN, throttle: { store } });
    await okta.getSession('abc');
    expect(calls).toEqual([`reserve ${server.url} sessions`, `record ${server.url} sessions`]);
  });
});

describe('layers: okta.yaml, the environment and overrides', () => {
  test('an override left undefined keeps the setting below it', async () => {
    const env = { OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_TOKEN: ENV_TOKEN };
    const okta = OktaSessions.fromEnv(env, { apiToken: undefined });
    expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
  });

  test('an override without a credential keeps the credential below it', async () => {
    const env = { OKTA_CLIENT_ORGURL: server.url, OKTA_CLIENT_TOKEN: ENV_TOKEN };
    expect(await authOf(OktaSessions.fromEnv(env, { userAgent: 'app/1.0' }))).toBe(
      `SSWS ${ENV_TOKEN}`,
    );
  });

  test('settings of one object are merged key by key: okta.yaml maxRetries stays under an override of maxDelayMs', async () => {
    writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n    rateLimit:\n      maxRetries: 0\n`,
    );
    server.reply(json(503, { errorCode: 'E0000009', errorSummary: 'unavailable' }));
    const okta = await OktaSessions.fromConfig(
      { retry: { maxDelayMs: 10 } },
      { env: {}, homeDir: home, cwd },
    );
    await expect(okta.getSession('abc')).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  test("a null override (from JavaScript) replaces okta.yaml's setting rather than merging into it", async () => {
    writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    token: ${CWD_TOKEN}\n    rateLimit:\n      maxRetries: 0\n`,
    );
    server.reply(json(503, { errorCode: 'E0000009', errorSummary: 'unavailable' }));
    const okta = await OktaSessions.fromConfig({ retry: null } as never, {
      env: {},
      homeDir: home,
      cwd,
    });
    await expect(okta.getSession('abc')).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(3); // the default two retries
  });

  test('authorizationMode SSWS drops service-app keys of the same layer', async () => {
    const okta = OktaSessions.fromEnv({
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_AUTHORIZATIONMODE: 'SSWS',
      OKTA_CLIENT_TOKEN: ENV_TOKEN,
      OKTA_CLIENT_CLIENTID: '0oa1',
      OKTA_CLIENT_PRIVATEKEY: SERVICE_PEM,
    });
    expect(await authOf(okta)).toBe(`SSWS ${ENV_TOKEN}`);
  });

  test('authorizationMode Bearer prefers the access token to the token', async () => {
    const okta = OktaSessions.fromEnv({
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_AUTHORIZATIONMODE: 'Bearer',
      OKTA_CLIENT_TOKEN: ENV_TOKEN,
      OKTA_CLIENT_ACCESS_TOKEN: ACCESS_TOKEN,
    });
    expect(await authOf(okta)).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  test('a credential of another kind on top drops the mode that chose among those below', async () => {
    const below = {
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_AUTHORIZATIONMODE: 'Bearer',
      OKTA_CLIENT_TOKEN: ENV_TOKEN,
      OKTA_CLIENT_CLIENTID: '0oaEnv',
    };
    const app = OktaSessions.fromEnv(below, { clientId: '0oa1', privateKey: SERVICE_PEM });
    expect(app.toJSON().auth).toBe('privateKey');
    const serviceApp = {
      OKTA_CLIENT_ORGURL: server.url,
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      OKTA_CLIENT_CLIENTID: '0oa1',
      OKTA_CLIENT_PRIVATEKEY: SERVICE_PEM,
    };
    expect(await authOf(OktaSessions.fromEnv(serviceApp, { apiToken: CWD_TOKEN }))).toBe(
      `SSWS ${CWD_TOKEN}`,
    );
  });

  test('an unknown authorizationMode names the setting and never shows its value', () => {
    expect(() =>
      OktaSessions.fromEnv({
        OKTA_CLIENT_ORGURL: server.url,
        OKTA_CLIENT_TOKEN: ENV_TOKEN,
        OKTA_CLIENT_AUTHORIZATIONMODE: `Basic${'x'.repeat(30)}`,
      }),
    ).toThrow(
      new OktaConfigError(
        'authorizationMode must be "SSWS", "Bearer" or "PrivateKey" (got 35 characters, not shown in case they are a secret). Fix OKTA_CLIENT_AUTHORIZATIONMODE or okta.client.authorizationMode',
      ),
    );
  });

  test('a token put in authorizationMode by mistake (okta.yaml or the environment) is not echoed, nor is a CR/LF', async () => {
    const mistaken = `${ACCESS_TOKEN}\r\nX-Forged: 1`;
    const fromEnv = (() => {
      try {
        OktaSessions.fromEnv({
          OKTA_CLIENT_ORGURL: server.url,
          OKTA_CLIENT_AUTHORIZATIONMODE: mistaken,
        });
      } catch (error) {
        return error as Error;
      }
      throw new Error('test: expected a refusal');
    })();
    writeCwd(
      `okta:\n  client:\n    orgUrl: ${server.url}\n    authorizationMode: "${ACCESS_TOKEN}\\r\\nX-Forged: 1"\n`,
    );
    const fromFile = await OktaSessions.fromConfig({}, { env: {}, homeDir: home, cwd }).then(
      () => new Error('test: fromConfig built a client'),
      (e: unknown) => e as Error,
    );
    for (const error of [fromEnv, fromFile]) {
      expect(error).toBeInstanceOf(OktaConfigError);
      expect(error.message).toMatch(/^authorizationMode must be .* \(got 34 characters, not shown/);
      // Not even the first characters: the old message showed 20 of them.
      expect(error.message).not.toContain(ACCESS_TOKEN.slice(0, 6));
      expect(error.message).not.toMatch(/[\r\n]/);
    }
  });

  test('a bad setting in the overrides of fromEnv is named as the option', () => {
    expect(() =>
      OktaSessions.fromEnv(
        { OKTA_CLIENT_ORGURL: ORG, OKTA_CLIENT_TOKEN: ENV_TOKEN },
        { timeoutMs: 0 },
      ),
    ).toThrow(new OktaConfigError('timeoutMs must be a number from 1 to 2147483647. Got 0'));
  });

  /** The `scope` of the token request a service app configured from `env` + `overrides` sends. */
  async function scopeRequested(
    scopes: string,
    overrides: Partial<OktaSessionsOptions> = {},
  ): Promise<string | null> {
    const requests: Request[] = [];
    const fetch = async (request: Request) => {
      requests.push(request.clone());
      return new Response('{"error":"invalid_client"}', {
        status: 401,
        headers: { 'content-type': 'application/json' },
      });
    };
    const okta = OktaSessions.fromEnv(
      {
        OKTA_CLIENT_ORGURL: ORG,
        OKTA_CLIENT_CLIENTID: '0oa1',
        OKTA_CLIENT_PRIVATEKEY: SERVICE_PEM,
        OKTA_CLIENT_SCOPES: scopes,
      },
      { ...overrides, fetch: fetch as typeof globalThis.fetch },
    );
    await okta.getSession('abc').catch(() => undefined);
    return new URLSearchParams(await requests[0]!.text()).get('scope');
  }

  test('a list on top replaces the list below: override scopes are not merged into the variable', async () => {
    expect(
      await scopeRequested('okta.sessions.read okta.sessions.manage', {
        scopes: ['okta.sessions.read'],
      }),
    ).toBe('okta.sessions.read');
  });

  test('OKTA_CLIENT_SCOPES is split on any white space, at the ends too', async () => {
    expect(await scopeRequested('\tokta.sessions.read \n okta.sessions.manage ')).toBe(
      'okta.sessions.read okta.sessions.manage',
    );
  });
});

describe('the constructor: headers', () => {
  test('a client-level header that is not valid is refused under the option name', () => {
    const thrown = (() => {
      try {
        new OktaSessions({ orgUrl: ORG, apiToken: ENV_TOKEN, headers: { 'x trace': '1' } });
      } catch (error) {
        return error as Error;
      }
      throw new Error('test: expected a refusal');
    })();
    expect(thrown).toBeInstanceOf(OktaValidationError);
    expect(thrown.message).toBe('Invalid headers: "x trace" is not a valid header name');
  });
});

describe('config ranges and their messages', () => {
  const { ORG, json } = fetchHarness; // test/helpers/fetch-harness.ts's own
  const BAD_NUMBERS = [-1, Number.NaN, Number.POSITIVE_INFINITY, MAX_TIMER_MS + 1, '5'];
  // A number is shown; anything else only by its kind (it may be a secret in the wrong place).
  const got = (value: unknown) => (typeof value === 'number' ? String(value) : 'a string');

  test.each(BAD_NUMBERS.concat([0]))('timeoutMs %p is refused with its range', (value) => {
    expect(configError({ orgUrl: ORG, apiToken: API_TOKEN, timeoutMs: value }).message).toBe(
      `timeoutMs must be a number from 1 to ${MAX_TIMER_MS}. Got ${got(value)}`,
    );
  });

  test.each(BAD_NUMBERS)('retry.maxRetries %p is refused with its range', (value) => {
    expect(
      configError({ orgUrl: ORG, apiToken: API_TOKEN, retry: { maxRetries: value } }).message,
    ).toBe(`retry.maxRetries must be a number from 0 to ${MAX_TIMER_MS}. Got ${got(value)}`);
  });

  test.each(BAD_NUMBERS)('retry.maxDelayMs %p is refused with its range', (value) => {
    expect(
      configError({ orgUrl: ORG, apiToken: API_TOKEN, retry: { maxDelayMs: value } }).message,
    ).toBe(`retry.maxDelayMs must be a number from 0 to ${MAX_TIMER_MS}. Got ${got(value)}`);
  });

  test('the limits themselves are accepted: timeoutMs 1 and the timer maximum, retries and delay 0', () => {
    for (const options of [
      { timeoutMs: 1 },
      { timeoutMs: MAX_TIMER_MS },
      { retry: { maxRetries: 0, maxDelayMs: 0 } },
      { retry: { maxRetries: MAX_TIMER_MS, maxDelayMs: MAX_TIMER_MS } },
    ]) {
      expect(
        () => new OktaSessions({ orgUrl: ORG, apiToken: API_TOKEN, ...options }),
      ).not.toThrow();
    }
  });

  test('maxRetries counts retries: 0 is one attempt, 1.9 rounds down to one retry', async () => {
    const none = harness([json(503, {}), ok()], { retry: { maxRetries: 0 } });
    expect(await rejection(none.okta.getSession(SESSION_ID))).toBeInstanceOf(OktaServerError);
    expect(none.requests).toHaveLength(1);

    const one = harness([json(503, {}), json(503, {}), ok()], { retry: { maxRetries: 1.9 } });
    expect(await rejection(one.okta.getSession(SESSION_ID))).toBeInstanceOf(OktaServerError);
    expect(one.requests).toHaveLength(2);
  });

  test('options null is refused with how to call it', () => {
    expect(configError(null).message).toBe(
      'options are required. Pass { orgUrl, apiToken } or { orgUrl, accessToken }',
    );
  });

  test('a non-string apiToken is refused', () => {
    expect(configError({ orgUrl: ORG, apiToken: 42 }).message).toBe(
      'apiToken must be a string. Pass the token text',
    );
  });

  test('an accessToken that is neither a string nor a function is refused', () => {
    expect(configError({ orgUrl: ORG, accessToken: { token: 'x' } }).message).toBe(
      'accessToken must be a string or a function. Pass the token or a function returning it',
    );
  });

  test('apiToken and accessToken together are refused', () => {
    expect(configError({ orgUrl: ORG, apiToken: API_TOKEN, accessToken: 'abc' }).message).toBe(
      'Both apiToken and accessToken were given. Pass exactly one credential',
    );
  });

  test('no credential is refused with the three ways to give one', () => {
    expect(configError({ orgUrl: ORG }).message).toBe(
      'No credential given. Pass an Okta API token as apiToken, an OAuth 2.0 access token as accessToken, or a service app\'s clientId + privateKey; a client that only uses the /me operations can pass credentials: "include" instead',
    );
    expect(() => new OktaSessions({ orgUrl: ORG, credentials: 'include' })).not.toThrow();
  });

  test('empty and whitespace-only tokens are refused with the stray-newline hint', () => {
    for (const [name, value] of [
      ['apiToken', ''],
      ['apiToken', '  \n'],
      ['accessToken', ' '],
    ] as const) {
      expect([name, configError({ orgUrl: ORG, [name]: value }).message]).toEqual([
        name,
        `${name} is empty. Pass the bare token as issued (no scheme; check for a stray newline if it was read from a file)`,
      ]);
    }
  });

  test('client-level headers { Authorization } are refused: credentials are configured', () => {
    expect(
      configError({ orgUrl: ORG, apiToken: API_TOKEN, headers: { Authorization: 'x' } }).message,
    ).toBe(
      'headers must not set Authorization. Configure apiToken/accessToken, or pass { cookie } to a /me operation',
    );
  });

  test('a fetch that is not a function is refused', () => {
    expect(configError({ orgUrl: ORG, apiToken: API_TOKEN, fetch: 'fetch' }).message).toBe(
      'fetch must be a function. Pass a WHATWG fetch implementation',
    );
  });

  test.each([
    'https://user:pass@acme.okta.com',
    'https://user@acme.okta.com',
    'https://:pass@acme.okta.com',
  ])('credentials in orgUrl (%s) are refused', (orgUrl) => {
    expect(configError({ orgUrl, apiToken: API_TOKEN }).message).toBe(
      'orgUrl must not contain credentials. Remove user:pass@',
    );
  });

  test('fromEnv without a credential names the variables', () => {
    for (const env of [
      { OKTA_CLIENT_ORGURL: ORG },
      { OKTA_CLIENT_ORGURL: ORG, OKTA_CLIENT_TOKEN: '', OKTA_CLIENT_ACCESS_TOKEN: '' },
    ]) {
      expect(() => OktaSessions.fromEnv(env)).toThrow(
        new OktaConfigError(
          'No credential given. Pass an Okta API token as apiToken (OKTA_CLIENT_TOKEN), an OAuth 2.0 access token as accessToken (OKTA_CLIENT_ACCESS_TOKEN), or a service app\'s clientId (OKTA_CLIENT_CLIENTID) + privateKey (OKTA_CLIENT_PRIVATEKEY); a client that only uses the /me operations can pass credentials: "include" instead',
        ),
      );
    }
    // fromEnv reads no okta.yaml, so it does not send anyone to one.
    expect(() => OktaSessions.fromEnv({ OKTA_CLIENT_TOKEN: API_TOKEN })).toThrow(
      new OktaConfigError(
        'orgUrl (OKTA_CLIENT_ORGURL) is required. Set OKTA_CLIENT_ORGURL, or pass { orgUrl: "https://acme.okta.com" }',
      ),
    );
    expect(() =>
      OktaSessions.fromEnv({ OKTA_CLIENT_ORGURL: ORG, OKTA_CLIENT_ACCESS_TOKEN: 'abc' }),
    ).not.toThrow();
  });

  test.each([
    'http://127.0.0.2:8080',
    'http://[::1]:8080',
    'http://127.255.255.255',
    'http://localhost:1',
  ])('plain http:// to the loopback host %s is accepted', (orgUrl) => {
    expect(() => new OktaSessions({ orgUrl, apiToken: API_TOKEN })).not.toThrow();
  });

  test.each([
    ['ftp://localhost', 'ftp:'],
    ['http://128.0.0.1', 'http:'],
    ['http://localhost.example.com', 'http:'],
    ['http://[::2]', 'http:'],
  ])('%s is refused: plain http:// is for loopback only', (orgUrl, scheme) => {
    expect(configError({ orgUrl, apiToken: API_TOKEN }).message).toBe(
      `orgUrl must use https:// (got ${scheme}//). Plain http:// is accepted only for loopback hosts such as 127.0.0.1 (local emulators and tests)`,
    );
  });
});

describe('credential messages', () => {
  test('an operation the credential cannot call names what the client has: no credential', async () => {
    const h = harness([], { apiToken: undefined, credentials: 'include' });

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toBe(
      'getSession needs an API token (apiToken) or an OAuth 2.0 access token (accessToken, or a service app: clientId + privateKey), but this client has no credential. Create the client with an API token (apiToken) or an OAuth 2.0 access token (accessToken, or a service app: clientId + privateKey)',
    );
    expect(h.requests).toEqual([]);
  });

  test('an operation the credential cannot call names what the client has: a service app', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const h = harness([], {
      apiToken: undefined,
      clientId: '0oa1',
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    });

    const err = await rejection(h.okta.createSession({ sessionToken: SESSION_TOKEN }));

    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toBe(
      'createSession needs an API token (apiToken), but this client has an OAuth 2.0 service app (clientId + privateKey). Create the client with an API token (apiToken)',
    );
    expect(h.requests).toEqual([]);
  });

  test('an accessToken function that throws gives OktaConfigError with its error as cause', async () => {
    const thrown = new Error('SECRET provider failure');
    const h = harness([ok()], {
      apiToken: undefined,
      accessToken: () => {
        throw thrown;
      },
    });

    const err = await rejection(h.okta.getSession(SESSION_ID));

    expect(err).toBeInstanceOf(OktaConfigError);
    expect((err as Error).message).toBe(
      'The accessToken function threw; its error is in `cause`. Fix the token provider',
    );
    expect((err as Error).cause).toBe(thrown);
    expect(h.requests).toEqual([]);
  });
});

describe('plain http:// is for loopback hosts only', () => {
  const { API_TOKEN } = hostileServer; // test/helpers/hostile-server.ts's own
  test.each([
    'http://127.evil.com',
    'http://127.0.0.1.nip.io',
    'http://localhost.evil.com',
    'http://localhost.',
    'http://evil-localhost',
    'http://[::ffff:127.0.0.1]',
    'http://10.0.0.1',
  ])('%s is refused before any request', (orgUrl) => {
    expect(() => new OktaSessions({ orgUrl, apiToken: API_TOKEN })).toThrow(OktaConfigError);
  });

  test.each([
    'http://127.0.0.1:8080',
    'http://127.255.0.9',
    'http://127.1',
    'http://localhost:3000',
    'http://LOCALHOST',
    'http://[::1]:8080',
    'https://127.evil.com',
  ])('%s is accepted', (orgUrl) => {
    expect(() => new OktaSessions({ orgUrl, apiToken: API_TOKEN })).not.toThrow();
  });
});
