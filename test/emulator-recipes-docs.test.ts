// docs/emulator.md's recipes are files the test suites run (test/emulator-recipes.test.ts by npm
// test, the pytest and Go ones by npm run test:system): this keeps each copy in the docs the same
// as its file (the jest one with package names for its relative imports).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const docs = readFileSync(join(root, 'docs', 'emulator.md'), 'utf8');

/** The code block that follows `<!-- recipe: <file> -->` in the docs. */
function docsCopy(file: string): string | undefined {
  const marker = `<!-- recipe: ${file} -->`;
  if (!docs.includes(marker)) return undefined;
  const after = docs.slice(docs.indexOf(marker) + marker.length);
  return /```\w+\n([\s\S]*?)\n```/.exec(after)?.[1];
}

test('the jest recipe is test/emulator-recipes.test.ts, word for word', () => {
  const file = readFileSync(join(root, 'test', 'emulator-recipes.test.ts'), 'utf8');
  const code = file
    .slice(file.indexOf('\nimport ') + 1)
    .replace("from '../src/index.js'", "from 'okta-sessions'")
    .replace("from '../src/emulator/index.js'", "from 'okta-sessions/emulator'")
    .trimEnd();
  expect(docsCopy('test/emulator-recipes.test.ts')).toBe(code);
});

test.each(['test/recipes/test_emulator.py', 'test/recipes/go/emulator_test.go'])(
  'the recipe %s is in the docs, word for word',
  (file) => {
    expect(docsCopy(file)).toBe(readFileSync(join(root, file), 'utf8').trimEnd());
  },
);
