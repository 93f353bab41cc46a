// A SoftHSM2 token for a test run, and signers that sign through PKCS#11 with OpenSC's
// pkcs11-tool: the private keys are made inside the token and never leave it, as with a real
// HSM or a KMS. Each run has its own SOFTHSM2_CONF and token directory (in a temp dir, removed
// by close), passed to the child processes only. Debian: apt-get install softhsm2 opensc.
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { PrivateKeySigner } from '../../src/index.js';

const run = promisify(execFile);

/** Where Debian (and Ubuntu, by architecture) put SoftHSM2's PKCS#11 module. */
const MODULES = [
  process.env['OKTA_SESSIONS_PKCS11_MODULE'],
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
].filter((path): path is string => typeof path === 'string' && path !== '');

const onPath = (command: string) =>
  (process.env['PATH'] ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && existsSync(join(dir, command)));

/** What this machine lacks for the SoftHSM2 suite; empty when it has everything. */
export function softHsmMissing(): string[] {
  return [
    ...(onPath('softhsm2-util') ? [] : ['softhsm2-util (softhsm2)']),
    ...(onPath('pkcs11-tool') ? [] : ['pkcs11-tool (opensc)']),
    ...(MODULES.some((path) => existsSync(path)) ? [] : ['libsofthsm2.so (softhsm2)']),
  ];
}

const PIN = '1234';
const LABEL = 'okta-sessions-test';

export interface SoftHsm {
  /** Makes a key pair inside the token; resolves to its public key as a JWK with `kid`. */
  generate(id: string, keyType: 'rsa:2048' | 'EC:prime256v1', kid: string): Promise<JsonWebKey>;
  /** A signer over the token's private key `id`, with what each signature looked like. */
  signer(
    id: string,
    alg: 'RS256' | 'PS256' | 'ES256',
    options?: { kid?: string; der?: boolean },
  ): { signer: PrivateKeySigner; returned: Uint8Array[] };
  close(): void;
}

/** A fresh SoftHSM2 token in a temp dir, initialised with a user PIN. */
export async function startSoftHsm(): Promise<SoftHsm> {
  const module = MODULES.find((path) => existsSync(path));
  if (!module) throw new Error('no libsofthsm2.so');
  const dir = mkdtempSync(join(tmpdir(), 'okta-sessions-softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  await run(
    'softhsm2-util',
    ['--init-token', '--free', '--label', LABEL, '--pin', PIN, '--so-pin', '5678'],
    { env },
  );
  const tool = (args: string[]) =>
    run('pkcs11-tool', ['--module', module, '--token-label', LABEL, ...args], {
      env,
      encoding: 'buffer',
    });
  let files = 0;

  return {
    async generate(id, keyType, kid) {
      await tool(['--login', '--pin', PIN, '--keypairgen', '--key-type', keyType, '--id', id]);
      const out = join(dir, `${id}.spki.der`);
      await tool(['--read-object', '--type', 'pubkey', '--id', id, '-o', out]);
      const key = createPublicKey({ key: readFileSync(out), format: 'der', type: 'spki' });
      return { ...key.export({ format: 'jwk' }), kid };
    },
    signer(id, alg, options = {}) {
      const returned: Uint8Array[] = [];
      const sign = async (data: Uint8Array): Promise<Uint8Array> => {
        const n = ++files;
        const input = join(dir, `in-${n}`);
        const output = join(dir, `out-${n}`);
        // SoftHSM 2.6 has no ECDSA-SHA256 mechanism: the digest is made here and the token
        // signs it with plain ECDSA, as AWS KMS does for MessageType DIGEST.
        const ecdsa = alg === 'ES256';
        writeFileSync(input, ecdsa ? createHash('sha256').update(data).digest() : data);
        const mechanism = {
          RS256: 'SHA256-RSA-PKCS',
          PS256: 'SHA256-RSA-PKCS-PSS',
          ES256: 'ECDSA',
        };
        await tool([
          '--login',
          '--pin',
          PIN,
          '--sign',
          '--id',
          id,
          '--mechanism',
          mechanism[alg],
          // pkcs11-tool writes r‖s by default; "openssl" is DER, as KMS services return it.
          ...(ecdsa && options.der ? ['--signature-format', 'openssl'] : []),
          '-i',
          input,
          '-o',
          output,
        ]);
        const signature = new Uint8Array(readFileSync(output));
        returned.push(signature);
        return signature;
      };
      return { signer: { alg, ...(options.kid ? { keyId: options.kid } : {}), sign }, returned };
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
