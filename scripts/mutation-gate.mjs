#!/usr/bin/env node
// Per-file mutation scores from Stryker's JSON report, and the CI gate on them (issue 18).
// Stryker's own `thresholds.break` judges the score of the whole run; the target here is per
// file, so that a well-tested file cannot hide a weak one.
//
//   node scripts/mutation-gate.mjs [--report reports/mutation/mutation.json] [--min 85] [--markdown]
//
// Score = detected / valid, as Stryker counts it: detected = killed + timed out; valid adds
// survived and not covered. Type errors, runtime errors and ignored mutants are not valid
// mutants and count nowhere. Exit 1 when a file is below --min, 2 when the report is unusable.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    report: { type: 'string', default: 'reports/mutation/mutation.json' },
    min: { type: 'string', default: '85' },
    markdown: { type: 'boolean', default: false },
  },
});

const min = Number(values.min);
if (!Number.isFinite(min) || min < 0 || min > 100) {
  console.error(`--min must be a percentage, got ${values.min}`);
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(values.report, 'utf8'));
} catch (err) {
  console.error(`cannot read the mutation report ${values.report}: ${err.message}`);
  process.exit(2);
}
if (!report || typeof report.files !== 'object' || report.files === null) {
  console.error(`${values.report} is not a Stryker JSON report (no "files")`);
  process.exit(2);
}

const COLUMNS = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'Ignored'];

const rows = Object.entries(report.files)
  .map(([file, { mutants }]) => {
    const count = Object.fromEntries(COLUMNS.map((c) => [c, 0]));
    for (const { status } of mutants) if (status in count) count[status] += 1;
    const detected = count.Killed + count.Timeout;
    const valid = detected + count.Survived + count.NoCoverage;
    return { file, count, valid, score: valid === 0 ? null : (100 * detected) / valid };
  })
  .sort((a, b) => a.file.localeCompare(b.file));

if (rows.length === 0) {
  console.error(`${values.report} has no mutated files`);
  process.exit(2);
}

const pct = (score) => (score === null ? 'n/a' : `${score.toFixed(1)} %`);
const totals = Object.fromEntries(
  COLUMNS.map((c) => [c, rows.reduce((sum, r) => sum + r.count[c], 0)]),
);
const totalValid = totals.Killed + totals.Timeout + totals.Survived + totals.NoCoverage;
const totalScore = totalValid === 0 ? null : (100 * (totals.Killed + totals.Timeout)) / totalValid;

const table = [
  ['File', 'Score', 'Killed', 'Timed out', 'Survived', 'No coverage', 'Type errors', 'Ignored'],
  ...rows.map((r) => [`\`${r.file}\``, pct(r.score), ...COLUMNS.map((c) => String(r.count[c]))]),
  ['**all**', `**${pct(totalScore)}**`, ...COLUMNS.map((c) => String(totals[c]))],
];

if (values.markdown) {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(table[0]));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const row of table.slice(1)) console.log(line(row));
} else {
  for (const r of rows) {
    const mark = r.score !== null && r.score < min ? '  << below ' + min + ' %' : '';
    console.log(`${pct(r.score).padStart(8)}  ${r.file}${mark}`);
  }
  console.log(`${pct(totalScore).padStart(8)}  all ${rows.length} files`);
}

const failing = rows.filter((r) => r.score !== null && r.score < min);
if (failing.length > 0) {
  console.error(
    `mutation score below ${min} % in ${failing.map((r) => `${r.file} (${pct(r.score)})`).join(', ')}`,
  );
  process.exit(1);
}
