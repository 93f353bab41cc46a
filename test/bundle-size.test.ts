// The browser bundles' size budgets (min+gz, what a page loads up front), measured as
// `npm run bench` measures them (scripts/browser-bundle.cjs), from the files the `browser`
// condition selects. Sizes are deterministic for a given esbuild, so a test can hold them.
import { BROWSER_APPS, measureBrowserBundle } from '../scripts/browser-bundle.cjs';
import { packageSources } from '../scripts/package-sources.cjs';

type Size = Awaited<ReturnType<typeof measureBrowserBundle>>;
const sizes = new Map<string, Size>();

beforeAll(async () => {
  for (const [page, app] of Object.entries(BROWSER_APPS)) {
    sizes.set(
      page,
      await measureBrowserBundle(app.code, {
        resolveDir: `${__dirname}/..`,
        plugins: [packageSources('browser')],
      }),
    );
  }
});

for (const [page, app] of Object.entries(BROWSER_APPS)) {
  test(`the browser bundle of a ${page} page stays within its budget`, () => {
    const size = sizes.get(page)!;
    const biggest = size.topInputs.map((i) => `${i.file} ${i.bytes} B`).join(', ');
    const verdict =
      size.gzipBytes <= app.budgetBytes
        ? 'within budget'
        : `${size.gzipBytes} B min+gz, budget ${app.budgetBytes} B; biggest inputs: ${biggest}`;
    expect(verdict).toBe('within budget');
  });
}

test('the browser bundles leave out openapi-fetch (okta.raw loads it lazily), undici and Node code', () => {
  for (const size of sizes.values()) {
    expect(size.inputFiles.filter((f) => /openapi-fetch|undici|platform\/node/.test(f))).toEqual(
      [],
    );
    expect(size.inputFiles).toContain('src/platform/web.ts');
    // Nothing only servers use: private keys, proxies, OKTA_CLIENT_* and okta.yaml.
    expect(size.inputFiles.filter((f) => /src\/config-|oauth\/keys|never-sent/.test(f))).toEqual(
      [],
    );
  }
});
