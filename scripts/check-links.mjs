#!/usr/bin/env node
// The offline link check of issue #31: every relative link and `#anchor` in README.md,
// CONTRIBUTING.md and docs/*.md, and in the API reference site TypeDoc builds into docs-site/.
// No network: links to other hosts are not followed. Exit 1 on any broken link, 2 when the site
// has not been built. `npm run docs:check` builds the site, then runs this.
//
//   node scripts/check-links.mjs [--site docs-site]
//
// The checking is done by two libraries: remark-validate-links (through remark-cli, configured
// in package.json's `remarkConfig`) resolves files and headings across the Markdown with
// GitHub's heading slugs, and check-html-links reads every href, src and id of the site. Its
// own CLI exits 0 even when it finds broken links, hence its API here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * check-html-links names a declaration file in its package.json that it does not ship.
 * @typedef {{ filePath: string }} MissingTarget
 * @type {{
 *   validateFolder(dir: string): Promise<MissingTarget[]>;
 *   formatErrors(errors: MissingTarget[], relativeFrom?: string): string;
 * }}
 */
// @ts-ignore TS7016: the package's types file is missing, typed above instead.
const { validateFolder, formatErrors } = await import('check-html-links');

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { site: { type: 'string', default: 'docs-site' } } });

const markdown = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

let broken = false;
try {
  // --frail: warnings (a missing file or heading) fail the run.
  execFileSync(
    join(root, 'node_modules', '.bin', 'remark'),
    ['--frail', '--quiet', '--no-stdout', '--no-color', ...markdown],
    { cwd: root, stdio: 'inherit' },
  );
  console.log(
    `check-links: ${markdown.length} Markdown files, every relative link and anchor found`,
  );
} catch {
  broken = true;
  console.error('check-links: broken links in the Markdown (above)');
}

const site = join(root, values.site);
if (!existsSync(join(site, 'index.html'))) {
  console.error(`check-links: no ${values.site}/index.html: run \`npm run docs\` first`);
  process.exit(2);
}
const errors = await validateFolder(site);
if (errors.length > 0) {
  broken = true;
  console.error(`check-links: ${errors.length} missing targets in ${values.site}/:`);
  console.error(formatErrors(errors, root));
} else {
  console.log(`check-links: ${values.site}/, every relative link and anchor found`);
}
process.exit(broken ? 1 : 0);
