// The emulator as one ESM file, bundled from the sources with esbuild, for tools that run it
// without a build of the package: `npm run consumers` and `npm run bench:emulator`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles src/emulator/index.ts into `outfile` (ESM, Node 20); resolves when it is written.
 * @param {string} outfile
 */
export async function bundleEmulator(outfile) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src/emulator/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
}
