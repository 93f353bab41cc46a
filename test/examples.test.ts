// Every ```ts example in README.md, CONTRIBUTING.md and docs/*.md, and in the TSDoc @example
// blocks of src/, type-checks under the project's strict settings, against the real sources, and
// none needs a non-null assertion (`!`).
// Each example becomes a module: its imports stay imports (package names mapped to the sources),
// the rest becomes the body of an async function, so that examples may await and declare what
// they like. Names an example uses without defining (`okta`, `id`, `err`...) are declared once
// below. (test/readme.test.ts also runs the emulator examples of docs/emulator.md, and
// test/package.test.ts the README's quickstart.)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const root = resolve(__dirname, '..');
const exampleDir = join(root, 'test', '__examples__');

const PACKAGES: Record<string, string> = {
  'okta-sessions': '../../src/index.js',
  'okta-sessions/emulator': '../../src/emulator/index.js',
  'okta-sessions/current-session': '../../src/current-session.js',
  'okta-sessions/redis': '../../src/redis/index.js',
  'okta-sessions/schema': '../../generated/schema.js',
};

// What the examples take as given: every public name, and these.
const PRELUDE = `
declare const okta: OktaSessions;
declare const emu: Emulator;
declare const id: string;
declare const sessionId: string;
declare const session: Session;
declare const sessionToken: string;
declare const orgUrl: string;
declare const apiToken: string;
declare const traceId: string;
declare const err: OktaApiError;
declare const req: { headers: { cookie: string } };
declare const logger: { warn(fields: object, message: string): void };
declare const pinoLogger: Record<'debug' | 'info' | 'warn' | 'error', (fields: object, message: string) => void>;
declare const tokenCache: { get(): Promise<{ access_token: string }> };
declare function alertOps(message: string): void;
`;

/** The names a module exports, read off its `export` statements. */
function exportedNames(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const lists = [...text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((m) =>
    (m[1] ?? '').split(',').map((n) => n.replace(/^\s*type\s+/, '').trim()),
  );
  const declared = [
    ...text.matchAll(/^export (?:async )?(?:function|class|const|interface|type) (\w+)/gm),
  ];
  return [...lists, ...declared.map((m) => m[1] ?? '')].filter(Boolean);
}
const PRELUDE_IMPORTS: Record<string, string[]> = {
  '../../src/index.js': exportedNames('src/index.ts'),
  '../../src/emulator/index.js': exportedNames('src/emulator/index.ts'),
};

interface Example {
  where: string;
  code: string;
}

/**
 * The Markdown the examples live in: the README, CONTRIBUTING.md, every page of docs/ and the
 * pages docs/site/ adds to the API reference site.
 */
const MARKDOWN = [
  'README.md',
  'CONTRIBUTING.md',
  ...['docs', 'docs/site'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `${dir}/${name}`),
  ),
];

function markdownExamples(): Example[] {
  return MARKDOWN.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => ({
      where: `${file}:${text.slice(0, m.index).split('\n').length}`,
      code: m[1] ?? '',
    }));
  });
}

function tsdocExamples(dir: string): Example[] {
  const out: Example[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsdocExamples(path));
    else if (entry.name.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g)) {
        out.push({
          where: `${relative(root, path)}:${text.slice(0, m.index).split('\n').length}`,
          code: (m[1] ?? '').replace(/^\s*\* ?/gm, ''),
        });
      }
    }
  }
  return out;
}

/** The module an example becomes. */
function moduleOf(code: string): string {
  const lines = code.split('\n');
  const imports = lines.filter((l) => /^import\b/.test(l));
  const body = lines.filter((l) => !/^import\b/.test(l)).join('\n');
  const imported = new Set(imports.flatMap((l) => l.match(/\b\w+\b(?=[^{}]*})/g) ?? []));
  const mapped = imports.map((l) =>
    l.replace(/'([^']+)'/, (q, name: string) => (PACKAGES[name] ? `'${PACKAGES[name]}'` : q)),
  );
  const prelude = Object.entries(PRELUDE_IMPORTS).map(([from, names]) => {
    const missing = names.filter((n) => !imported.has(n));
    return missing.length ? `import { ${missing.join(', ')} } from '${from}';` : '';
  });
  // A TSDoc snippet that starts at `catch` continues a try around a call.
  const wrapped = /^\s*catch\b/.test(body) ? `try { await okta.getSession(id); } ${body}` : body;
  return [...mapped, ...prelude, PRELUDE, `export async function example() {\n${wrapped}\n}`].join(
    '\n',
  );
}

test('README, docs/ and TSDoc examples type-check under strict, without non-null assertions', () => {
  const examples = [...markdownExamples(), ...tsdocExamples(join(root, 'src'))];
  expect(examples.length).toBeGreaterThan(40);
  const files = new Map(examples.map((e, i) => [join(exampleDir, `example${i}.ts`), e]));
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const options = {
    ...config.options,
    noUnusedLocals: false,
    noUnusedParameters: false,
    verbatimModuleSyntax: false,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const original = {
    getSourceFile: host.getSourceFile,
    fileExists: host.fileExists,
    readFile: host.readFile,
  };
  const sourceOf = (path: string) => {
    const example = files.get(path);
    return example && moduleOf(example.code);
  };
  host.fileExists = (path) => files.has(path) || original.fileExists(path);
  host.readFile = (path) => sourceOf(path) ?? original.readFile(path);
  host.getSourceFile = (path, language, ...rest) => {
    const text = sourceOf(path);
    return text === undefined
      ? original.getSourceFile(path, language, ...rest)
      : ts.createSourceFile(path, text, language, true);
  };
  // The KMS SDKs that docs/auth.md's signer examples import, as types only (not dependencies).
  const sdkTypes = join(root, 'test', 'types', 'kms-sdks.d.ts');
  const program = ts.createProgram([...files.keys(), sdkTypes], options, host);

  const problems: string[] = [];
  for (const [path, example] of files) {
    const source = program.getSourceFile(path)!;
    for (const d of [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ]) {
      problems.push(`${example.where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
    const visit = (node: ts.Node): void => {
      if (ts.isNonNullExpression(node))
        problems.push(`${example.where}: needs \`!\` in ${node.getText()}`);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  expect(problems).toEqual([]);
}, 120_000);
