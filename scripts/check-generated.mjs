#!/usr/bin/env node
// Drift check for CI: regenerate, then fail if anything under generated/ differs from
// what is committed or is not tracked at all (so a new generated file cannot slip by).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
execFileSync(process.execPath, [resolve(root, 'scripts/generate.mjs')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const drift = execFileSync(
  'git',
  ['status', '--porcelain', '--untracked-files=all', '--', 'generated'],
  {
    cwd: root,
    encoding: 'utf8',
  },
).trim();
if (drift) {
  console.error(`generated/ is stale; these files differ from the spec's output:\n${drift}`);
  console.error('\nFix: run `npm run generate` and commit the result.');
  process.exit(1);
}
console.log('generated/ matches spec/okta-sessions.yaml');
