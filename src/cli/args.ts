// A small, strict flag parser for the CLI's commands: every problem is collected, none is guessed.

import { editDistance } from '../core/edit-distance.js';

/** `list`: repeatable, and each value may itself be a comma list; the values accumulate in a string[]. */
export type FlagKind = 'string' | 'bool' | 'int' | 'list';

export interface FlagSpec {
  kind: FlagKind;
  help: string;
  /** Shown in help as the value's name, e.g. FILE. */
  value?: string;
  short?: string;
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | number | string[]>;
  positionals: string[];
  problems: string[];
}

/** Parses `--name value`, `--name=value`, `--bool`, `--no-bool` and `-s value`; unknown flags are problems. */
export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  const problems: string[] = [];
  const byShort = new Map(Object.entries(spec).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = arg.slice(2, eq < 0 ? undefined : eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      name = byShort.get(arg.slice(1));
      if (!name) {
        problems.push(`unknown option ${arg}${suggestFlag(arg.slice(1), spec)}`);
        continue;
      }
    } else {
      positionals.push(arg);
      continue;
    }
    const s = spec[name];
    if (!s && name.startsWith('no-') && spec[name.slice(3)]?.kind === 'bool') {
      flags[name.slice(3)] = false;
      continue;
    }
    if (!s) {
      problems.push(`unknown option --${name}${suggestFlag(name, spec)}`);
      // A typo of a flag that takes a value: its value is not an argument of its own.
      const meant = didYouMean(name, Object.keys(spec));
      if (inline === undefined && meant && spec[meant]!.kind !== 'bool' && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) i++;
      continue;
    }
    if (s.kind === 'bool') {
      if (inline !== undefined && !/^(true|false)$/.test(inline)) problems.push(`--${name} takes no value (or =true/=false)`);
      flags[name] = inline === undefined ? true : inline === 'true';
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 < argv.length && !/^--?[A-Za-z]/.test(argv[i + 1]!)) value = argv[++i]!;
      else {
        problems.push(`--${name} needs a value${s.value ? ` (${s.value})` : ''}`);
        continue;
      }
    }
    if (s.kind === 'list') {
      const prev = flags[name];
      flags[name] = [...(Array.isArray(prev) ? prev : []), ...value.split(',').map((v) => v.trim()).filter(Boolean)];
    } else if (s.kind === 'int') {
      if (!/^[0-9]+$/.test(value)) problems.push(`--${name}: expected a whole number, got ${JSON.stringify(value)}`);
      else flags[name] = Number(value);
    } else flags[name] = value;
  }
  return { flags, positionals, problems };
}

/** Help lines for a flag table: `--name <value>` and what it does, in aligned columns. */
export function flagsHelp(spec: Record<string, FlagSpec>): string {
  return helpColumns(
    Object.entries(spec).map(([name, s]) => [`${s.short ? `-${s.short}, ` : '    '}--${name}${s.kind === 'bool' ? '' : ` <${s.value ?? 'value'}>`}`, s.help]),
  );
}

/** Rows of two columns, the second aligned after the widest first one (help texts). */
export function helpColumns(rows: readonly (readonly [string, string])[], indent = '  '): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([f, h]) => `${indent}${f.padEnd(w)}  ${h}`.trimEnd()).join('\n');
}

/**
 * The candidate `word` was most likely meant to be, or undefined when none is close: a typo of a
 * few letters (about one in three), or a candidate that starts with what was typed.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    const score = c.startsWith(w) && w.length >= 3 ? Math.min(d, 1) : d;
    if (score < bestScore && score <= Math.max(1, Math.floor(c.length / 3))) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** " (did you mean --x?)" for an unknown flag, or "" when nothing is close. */
export function suggestFlag(name: string, spec: Record<string, FlagSpec> | Iterable<string>): string {
  const names = Symbol.iterator in spec ? [...(spec as Iterable<string>)] : Object.keys(spec);
  const best = didYouMean(name, names);
  return best ? ` (did you mean --${best}?)` : '';
}

/** The one line a usage error prints: every problem, and where the usage is. */
export function usageError(command: string, problems: readonly string[]): string {
  return `peerwarden ${command}: ${problems.join('; ')} (see "peerwarden ${command} --help")\n`;
}
