// `scripts/mutation-gate.mjs`, the CI gate on per-file mutation scores: fed small Stryker JSON
// reports written here, judged by the real script.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const script = resolve(__dirname, '../scripts/mutation-gate.mjs');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mutation-gate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mutants(statuses: Record<string, number>) {
  return Object.entries(statuses).flatMap(([status, n]) =>
    Array.from({ length: n }, (_, i) => ({ id: `${status}${i}`, status })),
  );
}

function gate(files: Record<string, Record<string, number>>, ...args: string[]) {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const body = Object.fromEntries(
    Object.entries(files).map(([f, s]) => [f, { language: 'typescript', mutants: mutants(s) }]),
  );
  writeFileSync(report, JSON.stringify({ schemaVersion: '2', files: body }));
  const r = spawnSync(process.execPath, [script, '--report', report, ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('a file below 85 % fails the gate and is named, even when the total is above', () => {
  const r = gate({
    'src/a.ts': { Killed: 99, Survived: 1 },
    'src/b.ts': { Killed: 8, Timeout: 0, Survived: 2 },
  });
  expect(r.status).toBe(1);
  expect(r.err).toContain('src/b.ts (80.0 %)');
  expect(r.err).not.toContain('src/a.ts');
  expect(r.out).toMatch(/97\.3 % {2}all 2 files/);
});

test('timed-out mutants count as detected; uncovered ones as undetected', () => {
  const r = gate({ 'src/a.ts': { Killed: 80, Timeout: 5, NoCoverage: 15 } });
  expect(r.status).toBe(0);
  expect(r.out).toContain('85.0 %  src/a.ts');
  expect(gate({ 'src/a.ts': { Killed: 80, Timeout: 4, NoCoverage: 16 } }).status).toBe(1);
});

test('type errors, runtime errors and ignored mutants are not counted at all', () => {
  const r = gate({
    'src/a.ts': { Killed: 9, Survived: 1, CompileError: 50, RuntimeError: 3, Ignored: 7 },
  });
  expect(r.out).toContain('90.0 %  src/a.ts');
  expect(r.status).toBe(0);
});

test('--min sets the threshold; a file with no valid mutant is reported, not failed', () => {
  const files = { 'src/b.ts': { Killed: 8, Survived: 2 }, 'src/c.ts': { CompileError: 3 } };
  expect(gate(files, '--min', '80').status).toBe(0);
  const r = gate(files, '--min', '81');
  expect(r.status).toBe(1);
  expect(r.out).toContain('n/a  src/c.ts');
});

test('--markdown prints the README table with a total row', () => {
  const r = gate(
    { 'src/a.ts': { Killed: 17, Timeout: 1, Survived: 2, CompileError: 4 } },
    '--markdown',
  );
  const lines = r.out.trim().split('\n');
  expect(lines[0]).toMatch(/^\| File +\| Score +\| Killed \| Timed out \| Survived \|/);
  expect(lines[2]).toMatch(/^\| `src\/a\.ts` \| 90\.0 % +\| 17 +\| 1 +\| 2 +\| 0 +\| 4 +\| 0 +\|$/);
  expect(lines[3]).toContain('**90.0 %**');
});

test('a missing or malformed report and a bad --min are usage errors (exit 2)', () => {
  const missing = spawnSync(process.execPath, [script, '--report', join(dir, 'none.json')], {
    encoding: 'utf8',
  });
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain('cannot read the mutation report');
  const junk = join(dir, 'junk.json');
  writeFileSync(junk, '{"files": null}');
  expect(spawnSync(process.execPath, [script, '--report', junk]).status).toBe(2);
  expect(gate({ 'src/a.ts': { Killed: 1 } }, '--min', '120').status).toBe(2);
  expect(gate({}).status).toBe(2);
});
