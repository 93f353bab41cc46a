// node:crypto, reached through process.getBuiltinModule rather than a static import: bundles for
// browsers and workers must not pull node:crypto in because a client *could* use private-key
// auth. Everything a service app does with its own keys (reading the private key, the DPoP key)
// needs it, so a runtime without it refuses private-key auth in the constructor.
import { OktaConfigError } from '../errors/config-error.js';

export type NodeCrypto = typeof import('node:crypto');

/** node:crypto, or OktaConfigError when this runtime does not offer it. */
export function nodeCrypto(): NodeCrypto {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  const crypto =
    typeof get === 'function' ? (get('node:crypto') as NodeCrypto | undefined) : undefined;
  if (!crypto) {
    throw new OktaConfigError(
      'Private-key auth needs node:crypto (through process.getBuiltinModule), which this runtime does not offer. Use it from a server (Node.js 20.18+, Deno, Bun; on Cloudflare Workers, the nodejs_compat compatibility flag), or pass an accessToken instead',
    );
  }
  return crypto;
}
