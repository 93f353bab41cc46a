// The token cache after a failed fetch, on a manual clock: the next fetch waits until 250 ms
// after the failure, and every caller meanwhile shares it (the burst case is in pipeline.test.ts).
import { TokenCache, type CachedToken } from '../src/oauth/token-cache.js';
import { flush, manualClock } from './helpers/manual-clock.js';

function cacheOf(answers: Array<'fail' | 'ok'>) {
  const { clock, advance } = manualClock();
  let fetches = 0;
  const token: CachedToken = { accessToken: 'tok', tokenType: 'Bearer', expiresAt: 3_600_000 };
  const cache = new TokenCache(
    () => {
      const answer = answers[fetches++];
      return answer === 'ok' ? Promise.resolve(token) : Promise.reject(new Error('503'));
    },
    clock.now,
    (ms) => new Promise((done) => clock.setTimeout(done, ms)),
  );
  return { cache, advance, fetches: () => fetches };
}

test('with no failure before it, a fetch starts at once', () => {
  const { cache, fetches } = cacheOf(['ok']);
  void cache.get();
  expect(fetches()).toBe(1);
});

test('after a failure, the next fetch starts 250 ms after it, shared by every caller', async () => {
  const { cache, advance, fetches } = cacheOf(['fail', 'ok']);
  await expect(cache.get()).rejects.toThrow('503');
  await advance(100);
  const waiting = [cache.get(), cache.get(), cache.get()];
  await advance(149);
  expect(fetches()).toBe(1);
  await advance(1);
  expect(fetches()).toBe(2);
  await expect(Promise.all(waiting)).resolves.toHaveLength(3);
});

test('exactly 250 ms after a failure, a fetch starts at once', async () => {
  const { cache, advance, fetches } = cacheOf(['fail', 'ok']);
  await expect(cache.get()).rejects.toThrow('503');
  await advance(250);
  void cache.get();
  expect(fetches()).toBe(2);
  await flush();
});
