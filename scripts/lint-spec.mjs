#!/usr/bin/env node
// Lints the spec with Redocly's recommended ruleset (see redocly.yaml). Redocly exits 0 on
// warnings, so this reads its JSON report and fails on any warning too: the spec is the
// contract other services generate their clients from.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const spec = process.argv[2] ?? 'spec/okta-sessions.yaml';
const result = spawnSync(
  join(root, 'node_modules', '.bin', 'redocly'),
  ['lint', '--format=json', spec],
  {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  },
);
let report;
try {
  report = JSON.parse(result.stdout);
} catch {
  console.error(result.stdout, result.stderr);
  console.error(`redocly lint ${spec}: could not read its report`);
  process.exit(1);
}
for (const problem of report.problems) {
  const where = problem.location?.[0]?.pointer ?? '';
  console.error(`${problem.severity} ${problem.ruleId}: ${problem.message} ${where}`);
}
const { errors, warnings } = report.totals;
console.log(`redocly lint ${spec}: ${errors} errors, ${warnings} warnings`);
process.exit(errors + warnings > 0 ? 1 : 0);
