// docs/emulator.md's jest recipe is test/emulator-recipes.test.ts, which npm test runs: this
// keeps the copy in the docs the same as the file (package names for the relative imports).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

test("the docs' jest recipe is the recipe test, word for word", () => {
  const docs = readFileSync(join(root, 'docs', 'emulator.md'), 'utf8');
  const marker = '<!-- recipe: test/emulator-recipes.test.ts -->';
  const after = docs.slice(docs.indexOf(marker) + marker.length);
  const block = /```ts\n([\s\S]*?)\n```/.exec(after)?.[1];
  const file = readFileSync(join(root, 'test', 'emulator-recipes.test.ts'), 'utf8');
  const code = file
    .slice(file.indexOf('\nimport ') + 1)
    .replace("from '../src/index.js'", "from 'okta-sessions'")
    .replace("from '../src/emulator/index.js'", "from 'okta-sessions/emulator'")
    .trimEnd();
  expect(docs).toContain(marker);
  expect(block).toBe(code);
});
