// `npm run spec:diff`: each fixture is an edit of test/fixtures/spec-diff/base.yaml, committed as
// a release in a throwaway git repository and then edited in its working tree, exactly as a
// maintainer would; the real script and the pinned oasdiff judge it.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '..');
const fixtures = join(repo, 'test/fixtures/spec-diff');
const script = join(repo, 'scripts/spec-diff.mjs');

// The binary is built from the Go module proxy on first use (as `npm run spec:diff` does); only
// a machine without Go, outside CI, skips these tests, and says why.
let missing: string | null = null;
try {
  execFileSync(process.execPath, [join(repo, 'scripts/fetch-oasdiff.mjs')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 15 * 60_000,
  });
} catch (err) {
  missing = String((err as { stderr?: Buffer }).stderr ?? err);
  if (process.env.CI || !/Go is not installed/.test(missing)) throw err;
  console.warn(`spec-diff tests skipped: ${missing}`);
}
const maybe = missing ? describe.skip : describe;

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function gitRepo(): { dir: string; git: (...a: string[]) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'spec-diff-test-'));
  tmp.push(dir);
  mkdirSync(join(dir, 'spec'));
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], {
      cwd: dir,
      encoding: 'utf8',
    });
  git('init', '-q');
  return { dir, git };
}
const setVersion = (dir: string, version: string) =>
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version }) + '\n');
const setSpec = (dir: string, fixture: string) =>
  copyFileSync(join(fixtures, `${fixture}.yaml`), join(dir, 'spec/okta-sessions.yaml'));

/** Releases base.yaml as `released`, then edits the working tree to `fixture` at `version`. */
function specDiff(
  fixture: string,
  opts: { released?: string; version?: string; args?: string[] } = {},
) {
  const { released = '0.1.0', version = released, args = [] } = opts;
  const { dir, git } = gitRepo();
  setVersion(dir, released);
  setSpec(dir, 'base');
  writeFileSync(join(dir, 'CHANGELOG.md'), `## [Unreleased]\n\n## [${released}] - 2026-11-29\n`);
  git('add', '-A');
  git('commit', '-qm', `release ${released}`);
  setSpec(dir, fixture);
  setVersion(dir, version);
  const r = spawnSync(process.execPath, [script, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr, dir, git };
}
// The breaking section only: the rest of the output may mention the same rule ids.
const breaking = (out: string) => /Breaking changes \((\d+)\)/.exec(out)?.[1] ?? '0';

maybe('spec:diff', () => {
  test('a value added to an open (x-extensible-enum) enum is not breaking', () => {
    const r = specDiff('open-enum-value-added');
    expect(breaking(r.out)).toBe('0');
    expect(r.out).toContain('added the value `MFA_ENROLL` to the open enum SessionStatus');
    expect(r.out).toContain('✔ no breaking changes');
    expect(r.code).toBe(0);
  });

  test('the same addition to a closed enum is breaking, once per operation returning it', () => {
    const r = specDiff('closed-enum-value-added');
    expect(breaking(r.out)).toBe('2');
    expect(r.out).toContain(
      [
        '  ✗ added the new `PUT` enum value to the `lastMethod` response property for the response status `200`',
        '      operations (2):',
        '        POST /api/v1/sessions (createSession)',
        '        GET /api/v1/sessions/{sessionId} (getSession)',
      ].join('\n'),
    );
    expect(r.out).toContain('rule:  response-property-enum-value-added');
    expect(r.out).toMatch(/why: {3}The server may now return a value/);
    expect(r.code).toBe(1);
  });

  test('a removed operation is breaking, with operation, location and why; the gate names the version needed', () => {
    const r = specDiff('operation-removed');
    expect(breaking(r.out)).toBe('1');
    expect(r.out).toContain(
      '  ✗ API removed without deprecation\n      operation: DELETE /api/v1/sessions/{sessionId} (revokeSession)',
    );
    expect(r.out).toContain('rule:  api-removed-without-deprecation');
    expect(r.out).toMatch(/where: spec\/okta-sessions\.yaml:\d+ at [0-9a-f]{7}/);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "but package.json's version 0.1.0 does not say so: the last release is 0.1.0",
    );
    expect(r.err).toContain('must be at least 0.2.0 (a minor bump while 0.x)');
  });

  test('the gate accepts a minor bump while 0.x, and only a major bump from 1.0 on', () => {
    expect(specDiff('operation-removed', { version: '0.2.0' }).code).toBe(0);
    expect(specDiff('operation-removed', { version: '0.1.1' }).code).toBe(1);
    const minor = specDiff('operation-removed', { released: '1.2.0', version: '1.3.0' });
    expect(minor.code).toBe(1);
    expect(minor.err).toContain('must be 2.0.0 (a major bump)');
    const major = specDiff('operation-removed', { released: '1.2.0', version: '2.0.0' });
    expect(major.code).toBe(0);
    expect(major.out).toContain('and package.json 2.0.0 says so (last release 1.2.0)');
  });

  test('a new optional response property is not breaking, and is listed', () => {
    const r = specDiff('optional-property-added');
    expect(breaking(r.out)).toBe('0');
    expect(r.out).toMatch(
      /Other changes \(\d+\):[\s\S]*expiresAt[\s\S]*response-optional-property-added/,
    );
    expect(r.code).toBe(0);
  });

  test('a removed optional response property is breaking under our rules (oasdiff alone says info)', () => {
    const r = specDiff('optional-property-removed');
    expect(Number(breaking(r.out))).toBeGreaterThan(0);
    expect(r.out).toContain('rule:  response-optional-property-removed');
    expect(r.out).toContain('why:   Clients read it');
    expect(r.code).toBe(1);
  });

  test('a removed error status is breaking under our rules (oasdiff alone says info)', () => {
    const r = specDiff('error-status-removed');
    expect(breaking(r.out)).toBe('1');
    expect(r.out).toContain('operation: DELETE /api/v1/sessions/{sessionId} (revokeSession)');
    expect(r.out).toContain('rule:  response-non-success-status-removed');
    expect(r.code).toBe(1);
  });

  test('a response property made required is not breaking', () => {
    const r = specDiff('response-property-required');
    expect(breaking(r.out)).toBe('0');
    expect(r.out).toContain('response-property-became-required');
    expect(r.code).toBe(0);
  });

  test('a new required request field is breaking', () => {
    const r = specDiff('request-field-required');
    expect(breaking(r.out)).toBe('1');
    expect(r.out).toContain('operation: POST /api/v1/sessions (createSession)');
    expect(r.out).toContain('deviceToken');
    expect(r.out).toContain('rule:  new-required-request-property');
    expect(r.code).toBe(1);
  });

  test('the base is the last release: a bump committed before its release does not move it', () => {
    const { dir, git } = specDiff('base');
    const release = git('rev-parse', '--short', 'HEAD').trim();
    setVersion(dir, '0.2.0');
    git('commit', '-qam', 'bump ahead of the release');
    setSpec(dir, 'operation-removed');
    const r = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toContain(`against ${release} (last release, package.json 0.1.0)`);
    expect(r.status).toBe(0);
  });

  test('--base compares with any ref; no changes is a pass', () => {
    const r = specDiff('base', { args: ['--base', 'HEAD'] });
    expect(r.out).toContain('(--base HEAD, package.json 0.1.0)');
    expect(r.out).toContain('No changes: the spec is the same.');
    expect(r.code).toBe(0);
    expect(specDiff('base', { args: ['--base', 'no-such-ref'] }).code).toBe(2);
  });
});
