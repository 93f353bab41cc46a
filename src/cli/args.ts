import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

/** One flag of a command: its parser type, the placeholder of its value, and what it does. */
interface Flag {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help, e.g. `URL`; boolean flags have none. */
  value?: string;
  description: string;
}

export type Flags = Record<string, Flag>;

/**
 * Edit distance, for "did you mean" on near misses: the optimal string alignment distance
 * (Damerau-Levenshtein without edits inside a swapped pair), where swapping two neighbours
 * (`gte` for `get`) is one edit, as it is one slip of the fingers, not two.
 */
function distance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        next[j] = Math.min(next[j]!, before[j - 2]! + 1);
      }
    }
    [before, row] = [row, next];
  }
  return row[b.length]!;
}

/** The closest of `candidates` to `word`, if it is a plausible typo of it. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3))
    ? best
    : undefined;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(word: string, candidates: string[]): string {
  const match = closest(word, candidates);
  return match ? ` (did you mean "${match}"?)` : '';
}

/**
 * node:util's parseArgs with messages for people: which flag, a did-you-mean, and where help is.
 * The messages never repeat a flag's value (it may be a token).
 */
export function parseFlags(
  args: string[],
  flags: Flags,
  helpCommand: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, flag] of Object.entries(flags)) {
    options[name] = flag.short ? { type: flag.type, short: flag.short } : { type: flag.type };
  }
  const hint = `; run "${helpCommand} --help" for its options`;
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Someone asking for help gets it, whatever else is wrong on the line (`get --help --bogus`).
    if (asksForHelp(args)) return { values: { help: true }, positionals: [] };
    const { code, message } = error as { code?: string; message: string };
    const flag = /'(-{1,2}[^' =]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const known = Object.keys(flags).map((name) => `--${name}`);
      throw new UsageError(`unknown option ${flag}${didYouMean(flag, known)}${hint}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const spec = flags[flag.replace(/^-+/, '')];
      throw new UsageError(
        spec?.type === 'boolean'
          ? `${flag} takes no value${hint}`
          : `${flag} needs a value (${flag} ${spec?.value ?? 'VALUE'})${hint}`,
      );
    }
    throw new UsageError(`${message.split('\n')[0]}${hint}`);
  }
}

/** True when `args` hold `--help` or `-h` before any `--` (after it, they are operands). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Help lines for flags, aligned in two columns. */
export function flagHelp(flags: Flags): string {
  const rows = Object.entries(flags).map(([name, flag]) => [
    `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`,
    flag.description,
  ]);
  return columns(rows);
}

/** Two aligned columns, indented by two spaces. */
export function columns(rows: string[][]): string {
  const width = Math.max(...rows.map(([left]) => left!.length));
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`).join('\n');
}
