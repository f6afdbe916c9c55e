// Kinds of value a configuration key can hold: how each is checked, and how the command line writes it.

import { AddressParseError, parseEndpoint, type Endpoint } from '../core/address/index.js';
import { isObject, unknownKeys, type ValueType } from './config-fields.js';
import { isProblem, orList, parseHostPort, show, type Problem } from './config-values.js';

/** A string; `rule` returns what is wrong with it, if anything. */
export const text = (rule: (s: string) => string | undefined = () => undefined, value = 'text'): ValueType<string, string> => ({
  kind: 'string',
  value,
  check: (v, report) => {
    const problem = typeof v === 'string' ? rule(v) : `expected a string, got ${show(v)}`;
    return problem === undefined ? (v as string) : void report(problem);
  },
});

/** One of a few words. */
export const oneOf = <T extends string>(words: readonly T[]): ValueType<T, T> => ({
  kind: 'string',
  value: words.join('|'),
  check: (v, report) => {
    if (typeof v === 'string' && (words as readonly string[]).includes(v)) return v as T;
    report(typeof v === 'string' ? `must be ${orList(words.map((w) => show(w)))}, got ${show(v)}` : `expected a string, got ${show(v)}`);
    return undefined;
  },
});

export const bool: ValueType<boolean, boolean> = {
  kind: 'bool',
  value: '',
  check: (v, report) => (typeof v === 'boolean' ? v : void report(`expected true or false, got ${show(v)}`)),
};

/** A whole number from `min` to `max`; `what` names the range in the problem. */
export const wholeNumber = (min: number, max: number, what = `a whole number ${min}-${max}`): ValueType<number, number> => ({
  kind: 'int',
  value: 'n',
  check: (v, report) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : void report(`expected ${what}, got ${show(v)}`)),
});

/** A file or directory path, or null; `what` says what is expected in the problem. */
export const path = (what: string): ValueType<string | null, string | null> => ({
  kind: 'string',
  value: 'file',
  check: (v, report) => {
    if (v === null) return null;
    if (typeof v !== 'string' || v.length === 0) return void report(`expected ${what}, got ${show(v)}`);
    return v.includes('\0') ? void report('contains a NUL byte') : v;
  },
});

/** A list of strings, each parsed; `unique` drops repeated results (strings). */
export const list = <T>(parse: (s: string) => T | Problem, value: string, unique = false): ValueType<string[], T[]> => ({
  kind: 'list',
  value,
  check: (v, report) => {
    if (!Array.isArray(v)) return void report(`expected a list of strings, got ${show(v)}`);
    const out: T[] = [];
    v.forEach((item: unknown, i) => {
      const r = typeof item === 'string' ? parse(item) : { problem: `expected a string, got ${show(item)}` };
      if (isProblem(r)) report(r.problem, `[${i}]`);
      else out.push(r as T);
    });
    return unique ? [...new Set(out)] : out;
  },
});

function endpointOf(v: unknown): Endpoint | Problem {
  if (typeof v !== 'string') return { problem: `expected "ip:port", got ${show(v)}` };
  try {
    return parseEndpoint(v);
  } catch (err) {
    return { problem: err instanceof AddressParseError ? err.message : String(err) };
  }
}

/** One `ip:port` to listen on. */
export const endpoint: ValueType<string, Endpoint> = {
  kind: 'string',
  value: 'ip:port',
  check: (v, report) => {
    const r = endpointOf(v);
    return isProblem(r) ? void report(r.problem) : r;
  },
};

/** One `ip:port` or a non-empty list of them. */
export const endpoints: ValueType<string | string[], Endpoint[]> = {
  kind: 'list',
  value: 'ip:port',
  check: (v, report) => {
    const items: unknown[] = Array.isArray(v) ? v : [v];
    if (items.length === 0) return void report('give at least one "ip:port" (port 0 picks a free one)');
    const out = items.map(endpointOf);
    out.forEach((r, i) => isProblem(r) && report(r.problem, Array.isArray(v) ? `[${i}]` : ''));
    return out.some(isProblem) ? undefined : (out as Endpoint[]);
  },
};

export interface LocalProbe {
  host: string;
  fromPort: number;
  toPort: number;
}

/** `{ host, ports: "7000-7011" }` (host 127.0.0.1 when not given), or null. */
export const localProbe: ValueType<{ host?: string; ports: string | number } | null, LocalProbe | null> = {
  kind: 'probe',
  value: 'host:from-to',
  check: (v, report) => {
    if (v === null) return null;
    if (!isObject(v)) return void report(`expected { host, ports } or null, got ${show(v)}`);
    for (const u of unknownKeys(v, ['host', 'ports'])) report(u.problem, `.${u.key}`);
    const host = v.host ?? '127.0.0.1';
    const m = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(String(v.ports ?? ''));
    const [from, to] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (typeof host !== 'string' || typeof parseHostPort(host, 0) === 'string') return void report(`expected an IP address or DNS name, got ${show(host)}`, '.host');
    if (!m || from < 1 || to > 65535 || from > to) return void report(`expected a port or range like "7000-7011" within 1-65535, got ${show(v.ports)}`, '.ports');
    if (to - from >= 1024) return void report(`at most 1024 ports per probe, got ${to - from + 1}`, '.ports');
    return { host, fromPort: from, toPort: to };
  },
};
