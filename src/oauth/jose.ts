// jose is ESM-only and only private-key clients need it: it is loaded on first use through a real
// dynamic import. The CommonJS build keeps this `import()` as is (scripts/build.mjs checks), so
// `require('okta-sessions')` works on every Node version `engines` allows, with or without
// require(esm), and API-token users never load it.
export type Jose = typeof import('jose');

let loading: Promise<Jose> | undefined;

/** The jose module, loaded once. */
export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}
