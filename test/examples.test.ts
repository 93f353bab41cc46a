// Every TypeScript example users copy, from README.md and the TSDoc `@example` blocks of src/,
// type-checks under `strict` against the package's own entry points: one tsc run over one
// file per example. Names an example only alludes to (`okta`, `sessionToken`, a `logger`...) are
// declared once in a shared prelude; an example that imports nothing gets the package's exports.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');

interface Example {
  where: string;
  code: string;
}

function readmeExamples(): Example[] {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const out: Example[] = [];
  for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const line = text.slice(0, match.index).split('\n').length;
    out.push({ where: `README.md:${line}`, code: match[1]! });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function tsdocExamples(): Example[] {
  const out: Example[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      const code = match[1]!
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, ''))
        .join('\n');
      out.push({ where: `${relative(root, file)}:${line}`, code });
    }
  }
  return out;
}

// What examples refer to without defining: the surrounding code a reader already has.
const PRELUDE = `
import type { OktaSessions, Session } from 'okta-sessions';
import type { Emulator } from 'okta-sessions/emulator';
declare global {
  const okta: OktaSessions;
  const emu: Emulator;
  // Session fields are optional in the wire type; a session in hand has its id.
  const session: Session & { id: string };
  const sessionToken: string;
  const sessionId: string;
  const id: string;
  const orgUrl: string;
  const apiToken: string;
  const traceId: string;
  const err: unknown;
  const req: { headers: { cookie?: string } };
  const logger: { warn(fields: object, message: string): void };
  const tokenCache: { get(): Promise<{ access_token: string }> };
  function getToken(): Promise<string>;
  function alertOps(message: string): void;
}
export {};
`;

const INDEX_EXPORTS = [
  ...readFileSync(join(root, 'src/index.ts'), 'utf8').matchAll(/export (?:type )?\{([^}]*)\}/g),
]
  .flatMap((m) => m[1]!.split(','))
  .map((name) => name.trim())
  .filter(Boolean);

test('every README and TSDoc example type-checks under strict', () => {
  const examples = [...readmeExamples(), ...tsdocExamples()];
  // Every @example tag was found (a fence the pattern missed would go unchecked).
  const tags = sourceFiles(join(root, 'src')).reduce(
    (n, file) => n + (readFileSync(file, 'utf8').match(/^\s*\* @example$/gm)?.length ?? 0),
    0,
  );
  expect(examples.length).toBe(tags + readmeExamples().length);
  // Inside the repository, so the package's own node_modules and `#platform` imports resolve.
  mkdirSync(join(root, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, '.cache', 'examples-'));
  try {
    writeFileSync(join(dir, 'prelude.mts'), PRELUDE);
    const files = examples.map((example, i) => {
      const file = `example-${i}.mts`;
      const imports = /^import /m.test(example.code)
        ? ''
        : `import { ${INDEX_EXPORTS.join(', ')} } from 'okta-sessions';\n` +
          `import { startEmulator, type Emulator } from 'okta-sessions/emulator';\n`;
      writeFileSync(join(dir, file), `${imports}${example.code}\nexport {};\n`);
      return file;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          noEmit: true,
          skipLibCheck: true,
          // Unused names are fine in a snippet; the package's own imports are from source.
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node', 'jest'],
          paths: {
            'okta-sessions': [join(root, 'src/index.ts')],
            'okta-sessions/emulator': [join(root, 'src/emulator/index.ts')],
            'okta-sessions/schema': [join(root, 'generated/schema.ts')],
          },
        },
        files: ['prelude.mts', ...files],
      }),
    );
    let output = '';
    try {
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    // Point each error at the example it came from.
    const problems = output
      .split('\n')
      .filter((line) => /example-\d+\.mts/.test(line))
      .map((line) => {
        const [, index, rest] = /example-(\d+)\.mts(.*)$/.exec(line)!;
        return `${examples[Number(index)]!.where} ${rest}`;
      });
    expect(problems).toEqual([]);
    expect(output).toBe('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
