// How the DPoP key signs on each runtime's node:crypto: with the KeyObject where `sign` takes
// one (Node, Deno, Bun), through its JWK where it refuses KeyObjects (workerd's nodejs_compat,
// which the runtime suite runs for real), else a refusal. The crypto is injected here.
import * as crypto from 'node:crypto';
import { KeyObject, generateKeyPairSync, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { OktaConfigError } from '../src/errors/config-error.js';
import { signKeyOf } from '../src/oauth/dpop.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = Buffer.from('header.claims', 'latin1');

test('where sign takes a KeyObject (Node, Deno, Bun): the KeyObject signs', () => {
  const key = signKeyOf(crypto, privateKey);
  expect(key).toEqual({ key: privateKey, dsaEncoding: 'ieee-p1363' });
});

test("where sign refuses KeyObjects (workerd): the key's JWK signs, in the JOSE form", () => {
  const calls: unknown[] = [];
  const workerdLike = {
    ...crypto,
    sign: ((algorithm, input, key) => {
      calls.push(key);
      if ((key as { key?: unknown }).key instanceof KeyObject) {
        throw new TypeError('The "options.key" property must be of type string or ...');
      }
      return crypto.sign(algorithm, input, key);
    }) as typeof crypto.sign,
  };
  const key = signKeyOf(workerdLike, privateKey);
  expect(key).toEqual({
    key: privateKey.export({ format: 'jwk' }),
    format: 'jwk',
    dsaEncoding: 'ieee-p1363',
  });
  expect(calls).toHaveLength(2);
  const signature = crypto.sign('sha256', data, key);
  expect(signature).toHaveLength(64);
  expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(
    true,
  );
});

test('where sign refuses both: OktaConfigError naming dpop: false, no key material in it', () => {
  const broken = {
    ...crypto,
    sign: (() => {
      throw new TypeError('not implemented');
    }) as typeof crypto.sign,
  };
  const error = (() => {
    try {
      signKeyOf(broken, privateKey);
    } catch (e) {
      return e;
    }
    throw new Error('signKeyOf returned');
  })();
  expect(error).toBeInstanceOf(OktaConfigError);
  expect((error as Error).message).toMatch(/DPoP proofs need node:crypto's sign.*dpop: false/);
  const d = (privateKey.export({ format: 'jwk' }) as { d: string }).d;
  expect(inspect(error, { depth: 5 })).not.toContain(d);
});
