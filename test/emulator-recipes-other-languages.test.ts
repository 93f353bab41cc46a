// The pytest and Go recipes of docs/emulator.md (test/recipes/), run as written against the
// `okta-sessions emulator` command: each starts it with --json, scripts "429 twice, then
// success" through the HTTP fault API, waits as Okta documents, and reads the journal.
// System project: needs python3 with pytest, and go.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCli, type CliBinary } from './helpers/cli-binary.js';

const recipes = join(__dirname, 'recipes');
let cli: CliBinary;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli.remove());

function runRecipe(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, OKTA_SESSIONS: `${process.execPath} ${cli.file}`, ...env },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

test('pytest: a module fixture, reset after each test, 429 twice then success', () => {
  const out = runRecipe(
    'python3',
    ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_emulator.py'],
    recipes,
    {
      PYTHONDONTWRITEBYTECODE: '1',
    },
  );
  expect(out).toMatch(/2 passed/);
}, 60_000);

test("Go's testing: TestMain, reset after each test, 429 twice then success", () => {
  const out = runRecipe('go', ['test', '-count=1', '-v', './...'], join(recipes, 'go'), {
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
  });
  expect(out).toMatch(/--- PASS: TestRateLimitTwiceThenSuccess/);
  expect(out).toMatch(/--- PASS: TestEachTestStartsClean/);
}, 180_000);
