// The configuration schema's structure: keys, groups, the types derived from them, and the walk that checks them.

import { editDistance } from '../core/edit-distance.js';
import { show } from './config-values.js';

/** How a flag's or a variable's text becomes the value (cli/config-sources.ts converts by it). */
export type TextKind = 'string' | 'list' | 'bool' | 'int' | 'probe';

/** Records a problem of the value being checked; `at` extends its path (`[2]`, `.ports`). */
export type Report = (problem: string, at?: string) => void;

/** A kind of value: how it is checked and how the command line writes it. */
export interface ValueType<In, Out> {
  readonly kind: TextKind;
  /** The value's name in `--help` (`--listen <ip:port>`); a key may name it more precisely. */
  readonly value: string;
  /** The resolved value, or undefined after reporting why there is none. */
  check(value: unknown, report: Report): Out | undefined;
  /** What a file or createNode may give: for the derived NodeConfig type only, never set. */
  readonly input?: In;
}

/** A key but for its kind of value: its default, how the command line and the environment spell it, its documentation. */
export interface KeySpec<In> {
  /** The value when the key is not given, as a file writes it; undefined: resolveConfig derives it from other keys. */
  default: In | undefined;
  /** The flag, without `--`. */
  flag: string;
  /** The variable, without `PEERWARDEN_`. */
  env: string;
  /** One line for `--help`. */
  help: string;
  /** The "meaning" column of the table in docs/operations.md (Markdown). */
  meaning: string;
  /** The value's name in `--help` where the kind's is too vague (`<dir>` rather than `<file>`). */
  value?: string;
  /** The docs' default where the value alone would mislead (derived, or changing with the version). */
  shownDefault?: string;
}

export interface Key<In, Out> extends KeySpec<In> {
  readonly type: ValueType<In, Out>;
  readonly value: string;
}

/** Keys that sit together in one object (`targets`, `api`); `false` turns a group that `canBeOff` off. */
export interface Group<F extends Fields, Off extends boolean> {
  readonly fields: F;
  readonly canBeOff: Off;
}

export interface Fields {
  readonly [name: string]: Key<unknown, unknown> | Group<Fields, boolean>;
}

export const key = <In, Out>(type: ValueType<In, Out>, spec: KeySpec<NoInfer<In>>): Key<In, Out> => ({ ...spec, type, value: spec.value ?? type.value });

// NoInfer: Off comes from the argument alone, not from a `satisfies Fields` around the table (which would widen it to boolean).
export const group = <F extends Fields, Off extends boolean = false>(fields: F, canBeOff?: Off): Group<F, NoInfer<Off>> => ({ fields, canBeOff: (canBeOff ?? false) as Off });

export const isGroup = (entry: Fields[string]): entry is Group<Fields, boolean> => 'fields' in entry;

/** What a file or createNode may give for an entry: every key optional. */
export type InOf<E> =
  E extends Group<infer F, infer Off> ? { [K in keyof F]?: InOf<F[K]> } | (Off extends true ? false : never) : E extends Key<infer I, unknown> ? I : never;

/** What resolveConfig returns for an entry: every key present. */
export type OutOf<E> =
  E extends Group<infer F, infer Off> ? { [K in keyof F]: OutOf<F[K]> } | (Off extends true ? false : never) : E extends Key<unknown, infer O> ? O : never;

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The keys of `value` that are not `known`, each with its problem: every close known key is offered. */
export function unknownKeys(value: Record<string, unknown>, known: readonly string[]): { key: string; problem: string }[] {
  return Object.keys(value)
    .filter((k) => !known.includes(k))
    .map((k) => {
      const close = known.filter((c) => editDistance(c.toLowerCase(), k.toLowerCase()) <= 2);
      const hint = close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : '';
      return { key: k, problem: `unknown key${hint}; known keys: ${known.join(', ')}` };
    });
}

/**
 * Checks `input` against `fields`, appending every problem (`path` prefixes their keys) instead of
 * stopping at the first. A key that is missing or wrong resolves to its default, so the rules
 * between keys can still be checked; a key whose default is derived resolves to undefined.
 */
export function checkFields(fields: Fields, input: Record<string, unknown>, path: string, problems: string[]): Record<string, unknown> {
  for (const u of unknownKeys(input, Object.keys(fields))) problems.push(`${path}${u.key}: ${u.problem}`);
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(fields)) {
    const where = `${path}${name}`;
    const value = Object.hasOwn(input, name) ? input[name] : undefined;
    out[name] = isGroup(entry) ? checkGroup(entry, value, where, problems) : checkKey(entry, value, where, problems);
  }
  return out;
}

function checkGroup(g: Group<Fields, boolean>, value: unknown, where: string, problems: string[]): unknown {
  if (value === false && g.canBeOff) return false;
  if (value !== undefined && !isObject(value)) {
    problems.push(`${where}: expected { ${Object.keys(g.fields).join(', ')} }${g.canBeOff ? ' or false' : ''}, got ${show(value)}`);
  }
  return checkFields(g.fields, isObject(value) ? value : {}, `${where}.`, problems);
}

function checkKey(k: Key<unknown, unknown>, value: unknown, where: string, problems: string[]): unknown {
  const report: Report = (problem, at = '') => void problems.push(`${where}${at}: ${problem}`);
  const given = value === undefined ? undefined : k.type.check(value, report);
  if (given !== undefined || k.default === undefined) return given;
  return k.type.check(k.default, report);
}
