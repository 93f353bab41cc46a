// jose is ESM-only and only private-key clients need it: it is loaded on first use through a real
// dynamic import. The CommonJS build keeps this `import()` as is (scripts/build.mjs checks), so
// `require('okta-sessions')` works on every Node version `engines` allows, with or without
// require(esm), and API-token users never load it.
export type Jose = typeof import('jose');

/**
 * A loader of jose that keeps the module once it has loaded and forgets a failed load, so that
 * the next call tries again (a failed import is not cached for the client's life).
 */
export function joseLoader(load: () => Promise<Jose>): () => Promise<Jose> {
  let loading: Promise<Jose> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/** The jose module, loaded once it is first needed. */
export const loadJose = joseLoader(() => import('jose'));
