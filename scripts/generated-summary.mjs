// The effect of a spec edit on generated/, against the last commit (HEAD): the files that
// differ, and the operations and schemas of generated/schema.ts added, removed or changed.
// Read with the TypeScript parser, so formatting never counts as a change.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const git = (/** @type {string} */ root, /** @type {string[]} */ ...args) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/**
 * operationId → text and schema name → text, from openapi-typescript's output.
 * @param {string} source
 */
function members(source) {
  const file = ts.createSourceFile('schema.ts', source, ts.ScriptTarget.Latest, false);
  const byName = (/** @type {readonly ts.TypeElement[]} */ list) =>
    new Map(list.map((m) => [m.name?.getText(file) ?? '', m.getText(file)]));
  const result = { operations: new Map(), schemas: new Map() };
  for (const node of file.statements) {
    if (!ts.isInterfaceDeclaration(node)) continue;
    if (node.name.text === 'operations') result.operations = byName(node.members);
    if (node.name.text === 'components') {
      const schemas = node.members.find((m) => m.name?.getText(file) === 'schemas');
      if (
        schemas &&
        ts.isPropertySignature(schemas) &&
        schemas.type &&
        ts.isTypeLiteralNode(schemas.type)
      )
        result.schemas = byName(schemas.type.members);
    }
  }
  return result;
}

/** @param {Map<string, string>} before @param {Map<string, string>} after */
function compare(before, after) {
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  /** @type {[string, string[]][]} */
  const parts = [
    ['added', added],
    ['removed', removed],
    ['changed', changed],
  ];
  const said = parts
    .filter(([, list]) => list.length)
    .map(([what, list]) => `${what} ${list.join(', ')}`);
  return said.length ? said.join('; ') : 'unchanged';
}

/** Prints the summary, right after a run has rewritten every file in generated/. */
export function printGeneratedSummary(/** @type {string} */ root) {
  const written = readdirSync(join(root, 'generated'), {
    recursive: true,
    withFileTypes: true,
  }).filter((e) => e.isFile()).length;
  console.log(`\nSummary: wrote ${written} files to generated/; against HEAD:`);
  let files;
  let headSchema = '';
  try {
    files = git(root, 'status', '--porcelain', '--untracked-files=all', '--', 'generated')
      .split('\n')
      .filter(Boolean);
    headSchema = git(root, 'show', 'HEAD:generated/schema.ts');
  } catch {
    if (!files) return console.log('  (not a git checkout: nothing to compare with)');
  }
  const list = files.slice(0, 8).map((l) => `${l.slice(0, 2).trim() || 'M'} ${l.slice(3)}`);
  console.log(
    `  files: ${files.length ? `${files.length} differ: ${list.join(', ')}${files.length > 8 ? ', …' : ''}` : 'none differ'}`,
  );
  const before = members(headSchema);
  const after = members(readFileSync(join(root, 'generated/schema.ts'), 'utf8'));
  console.log(`  operations: ${compare(before.operations, after.operations)}`);
  console.log(`  schemas: ${compare(before.schemas, after.schemas)}`);
  if (files.length)
    console.log('  Next: `npm run spec:diff` says whether this breaks anyone downstream.');
}
