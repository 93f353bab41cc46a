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

/** @type {{ files?: Record<string, { mutants: { status: string }[] }> | null }} */
let report;
try {
  report = JSON.parse(readFileSync(values.report, 'utf8'));
} catch (err) {
  console.error(
    `cannot read the mutation report ${values.report}: ${/** @type {Error} */ (err).message}`,
  );
  process.exit(2);
}
const files = report?.files;
if (typeof files !== 'object' || files === null) {
  console.error(`${values.report} is not a Stryker JSON report (no "files")`);
  process.exit(2);
}

/** The statuses shown, in the table's order; the rest (RuntimeError, Pending) count nowhere. */
const COLUMNS = /** @type {const} */ ([
  'Killed',
  'Timeout',
  'Survived',
  'NoCoverage',
  'CompileError',
  'Ignored',
]);
/** @typedef {Record<(typeof COLUMNS)[number], number>} Tally */

/** @param {Tally} t @returns {number | null} */
function scoreOf(t) {
  const detected = t.Killed + t.Timeout;
  const valid = detected + t.Survived + t.NoCoverage;
  return valid === 0 ? null : (100 * detected) / valid;
}

/** @param {{ status: string }[]} mutants @returns {Tally} */
function tally(mutants) {
  const t = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, Ignored: 0 };
  for (const { status } of mutants)
    if (Object.hasOwn(t, status)) t[/** @type {keyof Tally} */ (status)] += 1;
  return t;
}

const rows = Object.entries(files)
  .map(([file, { mutants }]) => {
    const count = tally(mutants);
    return { file, count, score: scoreOf(count) };
  })
  .sort((a, b) => a.file.localeCompare(b.file));

if (rows.length === 0) {
  console.error(`${values.report} has no mutated files`);
  process.exit(2);
}

/** @param {number | null} score */
const pct = (score) => (score === null ? 'n/a' : `${score.toFixed(1)} %`);
/** @type {Tally} */
const totals = tally([]);
for (const r of rows) for (const c of COLUMNS) totals[c] += r.count[c];
const totalScore = scoreOf(totals);

const table = [
  ['File', 'Score', 'Killed', 'Timed out', 'Survived', 'No coverage', 'Type errors', 'Ignored'],
  ...rows.map((r) => [`\`${r.file}\``, pct(r.score), ...COLUMNS.map((c) => String(r.count[c]))]),
  ['**all**', `**${pct(totalScore)}**`, ...COLUMNS.map((c) => String(totals[c]))],
];

if (values.markdown) {
  const header = table[0] ?? [];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  /** @param {string[]} row */
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const row of table.slice(1)) console.log(line(row));
} else {
  for (const r of rows) {
    const mark = r.score !== null && r.score < min ? `  << below ${min} %` : '';
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
