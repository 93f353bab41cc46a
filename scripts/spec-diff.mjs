#!/usr/bin/env node
// `npm run spec:diff [-- --base <git ref>]`: what an edit of spec/okta-sessions.yaml does to the
// people downstream (façade users, services generating their own clients), judged by the pinned
// oasdiff with this API's rules, and a gate: a breaking change needs a version that says so.
// Exit codes: 0 fine, 1 breaking changes without the version bump they need, 2 could not compare.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OASDIFF_VERSION, oasdiffPath } from './fetch-oasdiff.mjs';

const SPEC = 'spec/okta-sessions.yaml';

// oasdiff's defaults, adjusted where this API's clients depend on more than oasdiff assumes.
// Each raised rule carries the reason we print as "why". Adding a value to an enum stays an
// error on purpose: the spec declares the enums Okta grows with `x-extensible-enum` instead
// (see COORDINATION.md / README), and adding to those is not breaking.
/** @type {Record<string, string>} */
const RAISED = {
  'response-optional-property-removed':
    'Clients read it: the façade returns it, okta-sessions/schema types it, and generated models drop the field, so code that uses it stops compiling or silently gets nothing.',
  'response-non-success-status-removed':
    'Clients branch on documented error statuses (404: the session is gone, 429: retry later, 401/403: credentials); generated clients lose the typed error for it.',
  'optional-response-header-removed':
    'The rate-limit and request-id headers drive retries and support requests; clients read them from every response.',
  'api-schema-removed':
    'okta-sessions/schema exports every component schema as a type, and generated clients a model per schema: code importing it stops compiling.',
  'api-operation-id-removed':
    "operationIds name the methods of generated clients and the façade's OperationId type: a client calling the old name stops compiling.",
};

const { values: args } = parseArgs({
  options: { base: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
if (args.help) {
  console.log('usage: npm run spec:diff [-- --base <git ref>]   (default base: the last release)');
  process.exit(0);
}

/**
 * One finding, as oasdiff's JSON changelog has it (level 3 ERR, 2 WARN, 1 INFO).
 * @typedef {{ id: string, text: string, level: number, comment?: string, operation?: string,
 *   operationId?: string, path?: string, section?: string,
 *   baseSource?: { line?: number }, revisionSource?: { line?: number } }} Change
 */

const git = (/** @type {string[]} */ ...a) =>
  execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** @type {(message: string) => never} */
const fail = (message) => {
  console.error(`spec:diff: ${message}`);
  process.exit(2);
};
/** @type {<T>(f: () => T, message: string) => T} */
const orFail = (f, message) => {
  try {
    return f();
  } catch {
    return fail(message);
  }
};

process.chdir(
  orFail(() => git('rev-parse', '--show-toplevel').trim(), 'not inside a git repository'),
);

const versionAt = (/** @type {string} */ rev) => {
  try {
    return /** @type {string | null} */ (
      JSON.parse(git('show', `${rev}:package.json`)).version ?? null
    );
  } catch {
    return null;
  }
};

// The last release: the last commit where package.json's version changed. A bump committed
// ahead of its release (no `## [x.y.z]` heading in CHANGELOG.md yet) is not a release, so the
// breaking changes that bump was made for keep being compared with what users actually have.
function lastRelease() {
  let changelog = '';
  try {
    changelog = readFileSync('CHANGELOG.md', 'utf8');
  } catch {}
  const released = (/** @type {string} */ v) => !changelog || changelog.includes(`## [${v}]`);
  let fallback = null;
  for (const commit of git('log', '--format=%H', '--', 'package.json')
    .split('\n')
    .filter(Boolean)) {
    const version = versionAt(commit);
    if (version === null || version === versionAt(`${commit}^`)) continue;
    if (released(version)) return commit;
    fallback ??= commit;
  }
  return fallback;
}

let base = args.base ?? null;
let baseLabel = `--base ${base}`;
if (!base) {
  // A shallow clone lacks the history the release is found in, and would pick a wrong base.
  if (git('rev-parse', '--is-shallow-repository').trim() === 'true')
    fail('this clone is shallow: run `git fetch --unshallow`, or pass --base <git ref>');
  base = lastRelease();
  if (!base)
    fail(
      "no commit changes package.json's version, so there is no release to compare with; pass --base <git ref>",
    );
  baseLabel = 'last release';
}
const baseCommit = orFail(
  () => git('rev-parse', '--verify', '--quiet', `${base}^{commit}`).trim(),
  `--base ${base} is not a commit in this repository`,
);
const baseVersion = versionAt(baseCommit);
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

// oasdiff's changelog is silent about x-extensible-enum values added (rightly: not breaking),
// but a maintainer and the CHANGELOG want to know Okta has a new value: read them off its diff.
/** @param {any} diff @returns {Change[]} */
function openEnumChanges(diff) {
  /** @type {string[]} */
  const found = [];
  for (const [name, schema] of Object.entries(diff.components?.schemas?.modified ?? {})) {
    const ext = schema.extensions ?? {};
    if (ext.added?.includes('x-extensible-enum'))
      found.push(
        `${name} is now an open enum (x-extensible-enum): clients must accept values it does not list`,
      );
    /** @type {{ op: string, value?: unknown, oldValue?: unknown }[]} */
    const edits = ext.modified?.['x-extensible-enum'] ?? [];
    for (const e of edits) {
      const value = e.op === 'remove' ? e.oldValue : e.value;
      if (e.op === 'add' || e.op === 'remove')
        found.push(
          `${e.op === 'add' ? 'added' : 'removed'} the value \`${value}\` ${e.op === 'add' ? 'to' : 'from'} the open enum ${name} (x-extensible-enum)`,
        );
    }
  }
  return found.map((text) => ({
    id: 'x-extensible-enum-changed',
    text,
    level: 1,
    section: 'components',
  }));
}

const work = mkdtempSync(join(tmpdir(), 'spec-diff-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
/** @type {Change[]} */
let changes = [];
const baseSpec = join(work, 'base.yaml');
const baseText = orFail(
  () => git('show', `${baseCommit}:${SPEC}`),
  `${SPEC} does not exist at ${baseCommit.slice(0, 7)}`,
);
writeFileSync(baseSpec, baseText);
const bin = (() => {
  try {
    return oasdiffPath();
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
})();
try {
  const levels = join(work, 'severity-levels.txt');
  writeFileSync(
    levels,
    Object.keys(RAISED)
      .map((id) => `${id} ERR\n`)
      .join(''),
  );
  const oasdiff = (/** @type {string[]} */ ...a) =>
    execFileSync(bin, [...a, baseSpec, SPEC, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  // oasdiff's api-version-* findings are about info.version, Okta's API version, which we
  // never bump; our version is package.json's, judged by the gate below.
  changes = /** @type {Change[]} */ (
    JSON.parse(oasdiff('changelog', '--severity-levels', levels) || '[]') ?? []
  )
    .filter((c) => !c.id.startsWith('api-version-') && !c.id.startsWith('api-major-version-'))
    .concat(openEnumChanges(JSON.parse(oasdiff('diff') || '{}') ?? {}));
} catch (err) {
  const status = /** @type {{ status?: number }} */ (err).status;
  if (status === undefined) throw err;
  fail(`oasdiff failed (exit ${status}); is ${SPEC} valid? Try \`npm run generate\`.`);
}

// What went wrong for a client, when oasdiff does not say: by the direction of the change.
const why = (/** @type {Change} */ c) =>
  RAISED[c.id] ??
  c.comment ??
  (c.id.startsWith('request-') || c.id.includes('-request-')
    ? 'Requests that clients send today may now be rejected, or generated clients no longer compile against the new signature.'
    : c.id.startsWith('response-')
      ? 'Responses may now differ from what clients were written to read.'
      : 'Code generated from, or written against, the old spec relies on it.');

const where = (/** @type {Change} */ c) => {
  const src = c.revisionSource ?? c.baseSource;
  if (!src?.line) return c.section ?? '';
  return c.revisionSource
    ? `${SPEC}:${src.line}`
    : `${SPEC}:${src.line} at ${baseCommit.slice(0, 7)}`;
};

const op = (/** @type {Change} */ c) =>
  c.operation
    ? `${c.operation} ${c.path}${c.operationId ? ` (${c.operationId})` : ''}`
    : `(${c.section ?? 'spec'})`;
const errors = changes.filter((c) => c.level === 3);
const warnings = changes.filter((c) => c.level === 2);
const infos = changes.filter((c) => c.level <= 1);

console.log(
  `spec:diff: ${SPEC} (working tree, package.json ${version}) against ${baseCommit.slice(0, 7)} ` +
    `(${baseLabel}, package.json ${baseVersion ?? 'none'}); oasdiff ${OASDIFF_VERSION}`,
);
// One entry per finding; a change to a shared schema shows up once per operation, listed together.
/** @param {string} title @param {Change[]} list @param {string} mark @param {boolean} detailed */
const section = (title, list, mark, detailed) => {
  if (!list.length) return;
  /** @type {Map<string, { c: Change, ops: Change[] }>} */
  const groups = new Map();
  for (const c of list) {
    const key = `${c.id}\0${c.text}\0${where(c)}`;
    const group = groups.get(key);
    if (group) group.ops.push(c);
    else groups.set(key, { c, ops: [c] });
  }
  console.log(`\n${title} (${list.length}):`);
  for (const { c, ops } of groups.values()) {
    console.log(`  ${mark} ${c.text}`);
    if (!detailed) {
      // Other changes: one line of operationIds, so that a long list stays readable.
      const names = ops.map((o) => o.operationId ?? (o.operation ? op(o) : null));
      console.log(`      ${c.operation ? names.join(', ') : (c.section ?? 'spec')} (${c.id})`);
      continue;
    }
    if (!c.operation) console.log(`      in:    ${c.section ?? 'spec'}`);
    else if (ops.length === 1) console.log(`      operation: ${op(c)}`);
    else
      console.log(
        `      operations (${ops.length}):\n${ops.map((o) => `        ${op(o)}`).join('\n')}`,
      );
    console.log(`      where: ${where(c)}`);
    console.log(`      why:   ${why(c)}`);
    console.log(`      rule:  ${c.id}`);
  }
};
section('Breaking changes', errors, '✗', true);
section('Possibly breaking (check by hand; does not fail the gate)', warnings, '!', true);
section('Other changes', infos, '•', false);
if (!changes.length)
  console.log(
    readFileSync(SPEC, 'utf8') === baseText
      ? '\nNo changes: the spec is the same.'
      : '\nNo changes to the API (the spec differs only in descriptions, examples or the like).',
  );

/** @returns {[number, number, number] | null} */
const semver = (/** @type {string | null | undefined} */ text) => {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
};
const [b, v] = [semver(baseVersion), semver(version)];
// Semantic Versioning: a breaking change needs a major bump; while 0.x, a minor bump says so.
const declaresBreaking = b && v && (b[0] === 0 ? v[0] > 0 || v[1] > b[1] : v[0] > b[0]);
const needed = !b
  ? 'a major bump'
  : b[0] === 0
    ? `at least ${b[0]}.${b[1] + 1}.0 (a minor bump while 0.x)`
    : `${b[0] + 1}.0.0 (a major bump)`;

console.log('');
if (!errors.length) {
  console.log(`✔ no breaking changes; package.json ${version} is fine.`);
  if (changes.length)
    console.log('  Add a line for these changes under ## [Unreleased] in CHANGELOG.md.');
  process.exit(0);
}
if (declaresBreaking) {
  console.log(
    `✔ ${errors.length} breaking change(s), and package.json ${version} says so (last release ${baseVersion}).`,
  );
  console.log(
    '  Describe them under ## [Unreleased] in CHANGELOG.md (### Changed, marked BREAKING).',
  );
  process.exit(0);
}
console.error(
  `✗ ${errors.length} breaking change(s), but package.json's version ${version} does not say so: ` +
    `the last release is ${baseVersion ?? 'unversioned'} (${baseCommit.slice(0, 7)}), so the version must be ${needed}.\n` +
    '  Bump "version" in package.json and describe the change under ## [Unreleased] in CHANGELOG.md, or undo the breaking change.',
);
process.exit(1);
