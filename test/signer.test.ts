// External signers (issue #28): `privateKey` as `{ alg, keyId?, sign(data) }`, for keys that
// never leave a KMS or an HSM. node:crypto stands in for the key service here (the SoftHSM2
// suite, test/hsm-signer.test.ts, signs through PKCS#11); each assertion a token endpoint on
// 127.0.0.1 receives is verified with jose's jwtVerify against the public key.
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';
import { importJWK, jwtVerify } from 'jose';
import { startEmulator } from '../src/emulator/index.js';
import {
  OktaConfigError,
  OktaSessions,
  OktaTimeoutError,
  type OktaSessionsOptions,
  type PrivateKeySigner,
} from '../src/index.js';
import type { Jose } from '../src/oauth/jose.js';
import { jwsSignature } from '../src/oauth/signer.js';
import { decodeJwt } from './helpers/oauth-jwt.js';
import {
  closeAllScriptedServers,
  json,
  sessionOk,
  startScriptedServer,
  type RecordedRequest,
  type ScriptedServer,
} from './helpers/scripted-server.js';
import { clientWithImports } from './helpers/seamed-client.js';

afterEach(closeAllScriptedServers);

type Alg = PrivateKeySigner['alg'];
const READ = 'okta.sessions.read';
const TOKEN = '/oauth2/v1/token';
const HASH: Record<Alg, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const CURVE = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as const;
const ec = Object.fromEntries(
  Object.entries(CURVE).map(([alg, namedCurve]) => [
    alg,
    generateKeyPairSync('ec', { namedCurve }),
  ]),
) as Record<keyof typeof CURVE, { privateKey: KeyObject; publicKey: KeyObject }>;

function keysOf(alg: Alg) {
  return alg.startsWith('ES') ? ec[alg as keyof typeof CURVE] : rsa;
}

type Encoding = 'der' | 'ieee-p1363';

/** A signer over node:crypto, as a KMS client would be, recording every call it gets. */
function nodeSigner(alg: Alg, encoding: Encoding = 'der', keyId = 'kms-1') {
  const { privateKey } = keysOf(alg);
  const calls: { self: unknown; args: unknown[] }[] = [];
  const signer = {
    alg,
    keyId,
    async sign(this: unknown, ...args: unknown[]): Promise<Uint8Array> {
      calls.push({ self: this, args });
      const options = alg.startsWith('PS')
        ? {
            key: privateKey,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          }
        : { key: privateKey, dsaEncoding: encoding };
      return sign(HASH[alg], args[0] as Uint8Array, options);
    },
  } satisfies PrivateKeySigner;
  return { signer, calls };
}

const tokenBody = (type: 'Bearer' | 'DPoP', token = 'tok-1') =>
  json(200, { token_type: type, expires_in: 3600, access_token: token });

function client(server: ScriptedServer, privateKey: PrivateKeySigner, extra = {}) {
  return new OktaSessions({
    orgUrl: server.url,
    clientId: '0oaX',
    privateKey,
    scopes: [READ],
    ...extra,
  } as OktaSessionsOptions);
}

const assertionOf = (request: RecordedRequest) =>
  new URLSearchParams(request.body).get('client_assertion') ?? '';

const CASES: [Alg, Encoding][] = [
  ['RS256', 'der'],
  ['RS384', 'der'],
  ['RS512', 'der'],
  ['PS256', 'der'],
  ['PS384', 'der'],
  ['PS512', 'der'],
  ['ES256', 'der'],
  ['ES256', 'ieee-p1363'],
  ['ES384', 'der'],
  ['ES384', 'ieee-p1363'],
  ['ES512', 'der'],
  ['ES512', 'ieee-p1363'],
];

describe('the client assertion of a signer', () => {
  test.each(CASES.map(([alg, encoding]) => ({ alg, encoding })))(
    '$alg ($encoding from the signer) verifies with jose against the public key',
    async ({ alg, encoding }) => {
      const server = await startScriptedServer([tokenBody('Bearer'), sessionOk('102abc')]);
      const { signer, calls } = nodeSigner(alg, encoding);
      await client(server, signer, { dpop: false }).getSession('102abc');

      const assertion = assertionOf(server.requests[0]!);
      const publicKey = await importJWK(keysOf(alg).publicKey.export({ format: 'jwk' }), alg);
      const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
        algorithms: [alg],
        issuer: '0oaX',
        subject: '0oaX',
        audience: `${server.url}${TOKEN}`,
        maxTokenAge: 300,
      });
      expect(protectedHeader).toEqual({ alg, kid: 'kms-1' });
      expect(payload.exp! - payload.iat!).toBe(300);
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
      // The JWS form: r‖s of fixed size for ES*, whatever the signer returned.
      const size = { ES256: 64, ES384: 96, ES512: 132 }[alg as string] ?? 256;
      expect(Buffer.from(assertion.split('.')[2]!, 'base64url')).toHaveLength(size);
      // The signer saw the signing input and nothing else, as a method of its own object.
      expect(calls).toHaveLength(1);
      const [{ self, args }] = calls as [{ self: unknown; args: unknown[] }];
      expect(self).toBe(signer);
      expect(args).toHaveLength(1);
      expect(Object.prototype.toString.call(args[0])).toBe('[object Uint8Array]');
      expect(Buffer.from(args[0] as Uint8Array).toString()).toBe(
        assertion.split('.').slice(0, 2).join('.'),
      );
      expect(server.requests[1]!.headers['authorization']).toBe('Bearer tok-1');
    },
  );

  test('the kid: the keyId option wins over the signer’s, and without either there is none', async () => {
    const server = await startScriptedServer([
      tokenBody('Bearer'),
      sessionOk('102abc'),
      tokenBody('Bearer'),
      sessionOk('102abc'),
    ]);
    await client(server, nodeSigner('ES256').signer, { keyId: 'kid-opt', dpop: false }).getSession(
      '102abc',
    );
    const { alg, sign } = nodeSigner('ES256').signer;
    const bare: PrivateKeySigner = { alg, sign };
    await client(server, bare, { dpop: false }).getSession('102abc');
    expect(decodeJwt(assertionOf(server.requests[0]!)).header).toEqual({
      alg: 'ES256',
      kid: 'kid-opt',
    });
    expect(decodeJwt(assertionOf(server.requests[2]!)).header).toEqual({ alg: 'ES256' });
  });

  test('on top of OKTA_CLIENT_*: the signer replaces the key there, and that key’s kid with it', async () => {
    const server = await startScriptedServer([tokenBody('Bearer'), sessionOk('102abc')]);
    const pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const okta = OktaSessions.fromEnv(
      {
        OKTA_CLIENT_ORGURL: server.url,
        OKTA_CLIENT_CLIENTID: '0oaEnv',
        OKTA_CLIENT_PRIVATEKEY: pem,
        OKTA_CLIENT_KEYID: 'kid-of-the-pem',
        OKTA_CLIENT_SCOPES: READ,
      },
      { privateKey: nodeSigner('ES256').signer, dpop: false },
    );
    await okta.getSession('102abc');
    const { header, claims } = decodeJwt(assertionOf(server.requests[0]!));
    expect(header).toEqual({ alg: 'ES256', kid: 'kms-1' });
    expect(claims['iss']).toBe('0oaEnv');
  });

  test('the DPoP proof key is a separate, local key: the signer signs the assertion only', async () => {
    const server = await startScriptedServer([
      tokenBody('DPoP'),
      sessionOk('102abc'),
      sessionOk('102abc'),
    ]);
    const { signer, calls } = nodeSigner('ES256');
    const okta = client(server, signer);
    await okta.getSession('102abc');
    await okta.getSession('102abc');
    expect(calls).toHaveLength(1);
    const ownJwk = ec.ES256.publicKey.export({ format: 'jwk' });
    for (const request of server.requests) {
      const proof = String(request.headers['dpop']);
      const { header } = decodeJwt(proof);
      const jwk = header['jwk'] as { x: string };
      expect(jwk.x).not.toBe(ownJwk.x);
      const [h, p, s] = proof.split('.') as [string, string, string];
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      const signed = { key, dsaEncoding: 'ieee-p1363' as const };
      expect(verify('sha256', Buffer.from(`${h}.${p}`), signed, Buffer.from(s, 'base64url'))).toBe(
        true,
      );
    }
  });

  test('a signer needs no jose: its client gets a token where jose cannot load', async () => {
    const server = await startScriptedServer([tokenBody('DPoP'), sessionOk('102abc')]);
    const missing = Object.assign(new Error("Cannot find package 'jose'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const okta = clientWithImports(
      { orgUrl: server.url, clientId: '0oaX', privateKey: nodeSigner('ES256').signer },
      { jose: () => Promise.reject(missing) as Promise<Jose> },
    );
    await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: '102abc' });
  });
});

describe('a signer is checked before any I/O', () => {
  const sign = async () => new Uint8Array(64);
  const ALGS = 'RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512';
  const refusals: [string, unknown, string][] = [
    [
      'an alg outside the list',
      { alg: 'HS256', sign },
      `privateKey is a signer whose "alg" "HS256" is not one it may have. Give the signer the algorithm of its key: one of ${ALGS}`,
    ],
    [
      'an alg in lowercase',
      { alg: 'es256', sign },
      `privateKey is a signer whose "alg" "es256" is not one it may have. Give the signer the algorithm of its key: one of ${ALGS}`,
    ],
    [
      'no alg (a JWK with a sign function is a signer)',
      { kty: 'EC', sign },
      `privateKey is a signer whose "alg" undefined is not one it may have. Give the signer the algorithm of its key: one of ${ALGS}`,
    ],
    [
      'a numeric keyId',
      { alg: 'ES256', keyId: 7, sign },
      'privateKey is a signer whose "keyId" is not a non-empty string. Give it the kid registered with the app, or leave it out',
    ],
    [
      'an empty keyId',
      { alg: 'ES256', keyId: '', sign },
      'privateKey is a signer whose "keyId" is not a non-empty string. Give it the kid registered with the app, or leave it out',
    ],
  ];
  test.each(refusals.map(([name, privateKey, message]) => ({ name, privateKey, message })))(
    '$name',
    ({ privateKey, message }) => {
      const make = () =>
        new OktaSessions({
          orgUrl: 'https://acme.okta.com',
          clientId: '0oaX',
          privateKey: privateKey as PrivateKeySigner,
        });
      expect(make).toThrow(new OktaConfigError(message));
    },
  );

  test('an object whose sign is no function is read as a JWK, and refused as one', () => {
    expect(
      () =>
        new OktaSessions({
          orgUrl: 'https://acme.okta.com',
          clientId: '0oaX',
          privateKey: { alg: 'ES256', sign: 'yes' },
        }),
    ).toThrow(
      /^privateKey is an object but not a JWK\. .*or a signer \(\{ alg, keyId, sign\(data\) \}\)/,
    );
  });
});

describe('a failing signer: OktaConfigError, no request, and the next call signs again', () => {
  /** A signer that misbehaves as `bad` says on its first call and signs properly after. */
  function failingOnce(alg: Alg, bad: () => Promise<unknown>) {
    const { signer: good } = nodeSigner(alg);
    let calls = 0;
    const signer: PrivateKeySigner = {
      alg,
      sign: (data) => (calls++ === 0 ? (bad() as Promise<Uint8Array>) : good.sign(data)),
    };
    return signer;
  }
  const KMS_SECRET = 'arn:aws:kms:eu-west-1:123456789012:key/SECRET-key-id';

  const failures: [string, Alg, () => Promise<unknown>, string][] = [
    [
      'a signer that rejects',
      'ES256',
      () => Promise.reject(new Error(`AccessDeniedException: not allowed to use ${KMS_SECRET}`)),
      'The privateKey signer (ES256) failed; its error is in `cause`. Check the signer, its key and its access to the key service',
    ],
    [
      'a signer that throws before returning a promise',
      'ES256',
      () => {
        throw new Error(`throttled: ${KMS_SECRET}`);
      },
      'The privateKey signer (ES256) failed; its error is in `cause`. Check the signer, its key and its access to the key service',
    ],
    [
      'base64 text instead of bytes',
      'ES256',
      async () => 'MEUCIQD...',
      'The privateKey signer (ES256) returned no signature bytes (a Uint8Array). Return the signature of the bytes it is given, made with the key of its "alg"',
    ],
    [
      'an ArrayBuffer instead of a Uint8Array',
      'RS256',
      async () => new ArrayBuffer(256),
      'The privateKey signer (RS256) returned no signature bytes (a Uint8Array). Return the signature of the bytes it is given, made with the key of its "alg"',
    ],
    [
      'an ES256 signature of the wrong size (an ES384 one)',
      'ES256',
      async () => new Uint8Array(96).fill(1),
      'The privateKey signer (ES256) returned 96 bytes, neither a DER ECDSA signature nor the 64 bytes of ES256\'s r‖s. Return the signature of the bytes it is given, made with the key of its "alg"',
    ],
    [
      'an RSA signature of a 1024-bit key',
      'PS256',
      async () => new Uint8Array(128).fill(1),
      'The privateKey signer (PS256) returned 128 bytes, fewer than the 256 of an RSA signature by a 2048-bit key. Return the signature of the bytes it is given, made with the key of its "alg"',
    ],
  ];

  test.each(failures.map(([name, alg, bad, message]) => ({ name, alg, bad, message })))(
    '$name',
    async ({ alg, bad, message }) => {
      const server = await startScriptedServer([tokenBody('Bearer'), sessionOk('102abc')]);
      const okta = client(server, failingOnce(alg, bad), {
        dpop: false,
        retry: { maxRetries: 0 },
      });
      const error = await okta.getSession('102abc').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OktaConfigError);
      expect((error as Error).message).toBe(message);
      expect(`${(error as Error).message} ${(error as Error).stack}`).not.toContain('SECRET');
      expect(server.attempts).toBe(0);
      await expect(okta.getSession('102abc')).resolves.toMatchObject({ id: '102abc' });
      expect(server.attempts).toBe(2);
    },
  );

  test("the signer's own error is the cause, for the caller to log where it may", async () => {
    const thrown = new Error(`AccessDeniedException: ${KMS_SECRET}`);
    const server = await startScriptedServer([]);
    const okta = client(
      server,
      failingOnce('ES256', () => Promise.reject(thrown)),
      { dpop: false, retry: { maxRetries: 0 } },
    );
    const error = await okta.getSession('102abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaConfigError);
    expect((error as Error).cause).toBe(thrown);
  });

  test('a signer that never answers ends at the token request’s timeoutMs; the next call signs again', async () => {
    const server = await startScriptedServer([tokenBody('DPoP'), sessionOk('102abc')]);
    const okta = client(
      server,
      failingOnce('ES384', () => new Promise(() => undefined)),
      { timeoutMs: 300, retry: { maxRetries: 0 } },
    );
    const started = Date.now();
    const error = await okta.getSession('102abc', { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaTimeoutError);
    expect((error as Error).message).toBe(`Okta request timed out after 300 ms (POST ${TOKEN})`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.attempts).toBe(0);
    await expect(okta.getSession('102abc', { timeoutMs: 10_000 })).resolves.toMatchObject({
      id: '102abc',
    });
  });

  test('no assertion or signature in the error of a signature the endpoint refuses, nor in inspect', async () => {
    const server = await startScriptedServer([
      json(401, {
        error: 'invalid_client',
        error_description: 'The client_assertion signature is invalid.',
      }),
    ]);
    const okta = client(server, nodeSigner('ES256').signer, { retry: { maxRetries: 0 } });
    const error = await okta.getSession('102abc').catch((e: unknown) => e);
    const assertion = assertionOf(server.requests[0]!);
    const shown = [
      inspect(error, { depth: 10 }),
      inspect(okta, { depth: 10 }),
      JSON.stringify(okta),
    ];
    for (const secret of [assertion, assertion.split('.')[2]!]) {
      expect(shown.join('\n')).not.toContain(secret);
    }
  });
});

describe('ECDSA signatures from DER to the JWS form', () => {
  /** DER INTEGER of an unsigned big-endian value (leading zeros off, a zero before a high bit). */
  function derInt(value: Uint8Array): number[] {
    let bytes = [...value];
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.slice(1);
    if (bytes[0]! >= 0x80) bytes = [0, ...bytes];
    return [0x02, bytes.length, ...bytes];
  }
  function der(raw: Uint8Array): Uint8Array {
    const half = raw.length / 2;
    const body = [...derInt(raw.subarray(0, half)), ...derInt(raw.subarray(half))];
    const length = body.length > 0x7f ? [0x81, body.length] : [body.length];
    return Uint8Array.from([0x30, ...length, ...body]);
  }
  const raw = (size: number, head: number[], fill: number) => {
    const bytes = new Uint8Array(2 * size).fill(fill);
    bytes.set(head);
    bytes.set([0x80], size); // s with its high bit set: DER puts a zero before it
    return bytes;
  };

  test.each([
    ['ES256, r with two leading zero bytes', 'ES256', raw(32, [0, 0, 5], 0x11)],
    ['ES256, both halves with the high bit', 'ES256', raw(32, [0xff], 0x22)],
    ['ES384', 'ES384', raw(48, [0x7f], 0x33)],
    ['ES512 (a long-form DER length)', 'ES512', raw(66, [0x01], 0x44)],
    ['ES512 with a short r', 'ES512', raw(66, [0, 0, 0, 9], 0x55)],
  ] as const)('%s', (_name, alg, signature) => {
    const encoded = der(signature);
    expect(Buffer.from(jwsSignature(alg, encoded) as Uint8Array)).toEqual(Buffer.from(signature));
    // r‖s as it is passes through.
    expect(jwsSignature(alg, signature)).toBe(signature);
  });

  test('what is neither DER nor r‖s of the size is refused', () => {
    const good = der(raw(32, [0x01], 0x66));
    const problem = `neither a DER ECDSA signature nor the 64 bytes of ES256's r‖s`;
    const broken: Uint8Array[] = [
      Uint8Array.from([...good, 0]), // a byte after the sequence
      Uint8Array.from([0x31, ...good.subarray(1)]), // a SET, not a SEQUENCE
      Uint8Array.from([good[0]!, good[1]! + 1, ...good.subarray(2)]), // a length that lies
      der(raw(48, [0x01], 0x66)), // ES384's r and s: too long for ES256
      good.subarray(0, 20), // cut short
      new Uint8Array(0),
      // A byte inside the sequence after its two integers.
      Uint8Array.from([0x30, good[1]! + 1, ...good.subarray(2), 0]),
      // An empty INTEGER.
      Uint8Array.from([0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01]),
      // A second INTEGER that claims more bytes than there are.
      Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x05, 0x01]),
    ];
    for (const bytes of broken) expect(jwsSignature('ES256', bytes)).toContain(problem);
  });

  test('a sequence of exactly 127 bytes keeps the short length form', () => {
    // ES512 with r of 61 bytes and s of 62: 2 + 61 + 2 + 62 = 127 = 0x7f.
    const signature = new Uint8Array(132);
    signature.fill(0x11, 5, 66);
    signature.fill(0x22, 66 + 4);
    const encoded = der(signature);
    expect(encoded[1]).toBe(0x7f);
    expect(Buffer.from(jwsSignature('ES512', encoded) as Uint8Array)).toEqual(
      Buffer.from(signature),
    );
  });

  test('a Uint8Array from another realm is bytes too (no instanceof)', async () => {
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('new Uint8Array(64)') as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(jwsSignature('ES256', foreign)).toBe(foreign);
  });
});

describe('a signer against the emulator', () => {
  test('an ES256 signer returning DER gets a DPoP-bound token and reads a session', async () => {
    const { signer } = nodeSigner('ES256', 'der', 'kms-ec');
    const emu = await startEmulator({
      clients: {
        '0oaKms': {
          jwks: [{ ...ec.ES256.publicKey.export({ format: 'jwk' }), kid: 'kms-ec' }],
          scopes: [READ],
          dpop: true,
        },
      },
    });
    try {
      const admin = new OktaSessions({ orgUrl: emu.url, apiToken: emu.apiToken });
      const { id } = await admin.createSession({ sessionToken: emu.issueSessionToken() });
      const seen: string[] = [];
      const okta = new OktaSessions({
        orgUrl: emu.url,
        clientId: '0oaKms',
        privateKey: signer,
        scopes: [READ],
        fetch: (async (request: Request) => {
          seen.push(request.headers.get('authorization') ?? new URL(request.url).pathname);
          return globalThis.fetch(request);
        }) as typeof globalThis.fetch,
      });
      expect((await okta.getSession(id as string)).id).toBe(id);
      // Asked for a nonce first (a new client has none), then a DPoP token.
      expect(seen).toEqual([TOKEN, TOKEN, expect.stringMatching(/^DPoP /)]);
    } finally {
      await emu.close();
    }
  });
});
