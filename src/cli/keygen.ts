// `okta-sessions keygen`: a key pair for tests, and the public JWKS that the emulator
// (`startEmulator({ clients })`, `okta-sessions emulator --jwks-file`) and Okta's Admin Console
// take. The private key goes to a file readable by its owner only and is never printed.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flagHelp, parseFlags, type Flags } from './args.js';
import { EXIT, UsageError, type CliIo } from './io.js';

const KEYGEN_FLAGS: Flags = {
  alg: {
    type: 'string',
    value: 'ALG',
    description: 'RS256 (default), RS384, RS512 (RSA 2048 bits), ES256, ES384 or ES512',
  },
  kid: {
    type: 'string',
    value: 'KID',
    description: "the key's kid (default: its RFC 7638 thumbprint)",
  },
  out: {
    type: 'string',
    value: 'PREFIX',
    description: 'write PREFIX.pem and PREFIX.jwks.json (default okta-test-key)',
  },
  force: { type: 'boolean', description: 'overwrite the files if they exist' },
  json: { type: 'boolean', description: 'print the file names, alg and kid as JSON' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

const KEYGEN_HELP = `Write a key pair for tests: the private key (PKCS#8 PEM, mode 600) and its public JWKS.

Usage: okta-sessions keygen [options]

Options:
${flagHelp(KEYGEN_FLAGS)}

The JWKS is what the emulator takes (okta-sessions emulator --client-id ID --jwks-file
PREFIX.jwks.json, or startEmulator({ clients })) and what Okta's Admin Console takes as a public
key. Keys for a real org belong in your KMS or HSM: see the service-app docs.
`;

const CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** The RFC 7638 thumbprint of a public JWK: SHA-256 of its required members, in order. */
function thumbprint(jwk: Record<string, unknown>): string {
  const members = jwk['kty'] === 'RSA' ? ['e', 'kty', 'n'] : ['crv', 'kty', 'x', 'y'];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function keyPair(alg: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const namedCurve = CURVES[alg];
  return namedCurve
    ? generateKeyPairSync('ec', { namedCurve })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Runs `okta-sessions keygen`. */
export function runKeygen(args: string[], io: CliIo): number {
  const { values, positionals } = parseFlags(args, KEYGEN_FLAGS, 'okta-sessions keygen');
  if (values['help']) {
    io.stdout(KEYGEN_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) {
    throw new UsageError('too many arguments; usage: okta-sessions keygen [options]');
  }
  const alg = typeof values['alg'] === 'string' ? values['alg'] : 'RS256';
  if (!ALGS.includes(alg)) throw new UsageError(`--alg must be one of ${ALGS.join(', ')}`);
  const kidFlag = values['kid'];
  if (kidFlag === '') throw new UsageError('--kid must not be empty');
  const prefix = typeof values['out'] === 'string' ? values['out'] : 'okta-test-key';
  const cwd = io.cwd ?? process.cwd();
  const pemFile = resolve(cwd, `${prefix}.pem`);
  const jwksFile = resolve(cwd, `${prefix}.jwks.json`);
  if (!values['force']) {
    for (const file of [pemFile, jwksFile]) {
      if (existsSync(file)) throw new UsageError(`${file} exists; pass --force to overwrite it`);
    }
  }
  const { privateKey, publicKey } = keyPair(alg);
  const exported = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = typeof kidFlag === 'string' ? kidFlag : thumbprint(exported);
  const jwks = { keys: [{ ...exported, kid, alg, use: 'sig' }] };
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  try {
    // `mode` applies to a new file only: an overwritten one would keep its old mode.
    writeFileSync(pemFile, pem, { mode: 0o600 });
    chmodSync(pemFile, 0o600);
    writeFileSync(jwksFile, `${JSON.stringify(jwks, null, 2)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write ${pemFile} or ${jwksFile} (${code})`);
  }
  if (values['json']) {
    io.stdout(`${JSON.stringify({ alg, kid, privateKeyFile: pemFile, jwksFile })}\n`);
    return EXIT.ok;
  }
  io.stdout(`Wrote a ${alg} key pair for tests (kid ${kid}):
  ${pemFile}   the private key (PKCS#8 PEM, readable by you only)
  ${jwksFile}   its public JWKS

Against the emulator:
  okta-sessions emulator --client-id 0oaTest --jwks-file ${jwksFile}
  okta-sessions get <sessionId> --org-url <its URL> --client-id 0oaTest --private-key-file ${pemFile}
`);
  return EXIT.ok;
}
