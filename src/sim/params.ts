// Scenario parameters: their kinds, defaults and help, and parsing `--set name=value,…` with every problem reported.

import { PeerwardenError } from '../core/errors.js';
import { formatDuration, parseDuration } from '../core/duration.js';

export type ParamKind = 'int' | 'number' | 'duration' | 'bool';

export interface ParamSpec {
  kind: ParamKind;
  /** Durations in ms. */
  default: number | boolean;
  help: string;
  min?: number;
  max?: number;
}

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;
export type ParamValues = Record<string, number | boolean>;

/** The network model, shared by every scenario. */
export const NETWORK_PARAMS: ParamSpecs = {
  latencyMin: { kind: 'duration', default: 5, help: 'one-way latency between hosts at the same place', min: 0, max: 10_000 },
  latencyMax: { kind: 'duration', default: 150, help: 'one-way latency across the whole map', min: 0, max: 10_000 },
  loss: { kind: 'number', default: 0.001, help: 'share of data chunks delayed by a 200 ms retransmission, and of dials whose SYN is lost', min: 0, max: 0.5 },
  byteLevel: {
    kind: 'bool',
    default: false,
    help: 'carry traffic as encoded frames over the byte-level memory transport with Ed25519 handshakes, instead of decoded messages with identities vouched for by the network (slower; the same policies run)',
    min: 0,
    max: 1,
  },
  checkBook: { kind: 'int', default: 1000, help: "every node's address book runs its consistency check on one operation in this many (0: never)", min: 0, max: 1_000_000_000 },
  checkGovernor: { kind: 'duration', default: 10 * 60_000, help: "every node's governor state invariants are checked once per this much virtual time (0: never)", min: 0, max: 30 * 86_400_000 },
};

/** Thrown for parameters that do not parse or are out of range; lists every problem. */
export class SimParamError extends PeerwardenError {
  readonly code = 'sim-params-invalid';
  override readonly name = 'SimParamError';
  constructor(readonly problems: string[]) {
    super(`invalid simulation parameters:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses one value of a given kind; pushes a problem and returns undefined when it does not fit. */
function parseValue(name: string, text: string, spec: ParamSpec, problems: string[]): number | boolean | undefined {
  let v: number | boolean;
  switch (spec.kind) {
    case 'bool':
      if (!/^(true|false|1|0|yes|no|on|off)$/i.test(text)) {
        problems.push(`${name}: expected true or false, got ${JSON.stringify(text)}`);
        return undefined;
      }
      return /^(true|1|yes|on)$/i.test(text);
    case 'duration':
      try {
        // A bare number is milliseconds here (latencies, intervals), unlike the CLI's --duration.
        v = /^[0-9]+(\.[0-9]+)?$/.test(text.trim()) ? Number(text) : parseDuration(text);
      } catch (err) {
        problems.push(`${name}: ${(err as Error).message}`);
        return undefined;
      }
      break;
    case 'int':
      if (!/^-?[0-9]+$/.test(text.trim())) {
        problems.push(`${name}: expected a whole number, got ${JSON.stringify(text)}`);
        return undefined;
      }
      v = Number(text);
      break;
    case 'number':
      v = Number(text);
      if (text.trim() === '' || !Number.isFinite(v)) {
        problems.push(`${name}: expected a number, got ${JSON.stringify(text)}`);
        return undefined;
      }
      break;
  }
  if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
    const show = (x: number) => (spec.kind === 'duration' ? formatDuration(x) : String(x));
    problems.push(`${name} must be between ${show(spec.min ?? -Infinity)} and ${show(spec.max ?? Infinity)}, got ${text}`);
    return undefined;
  }
  return v;
}

/**
 * Parses "a=1,b=2m" into raw assignments (name → text). Problems (missing "=", empty names,
 * repeated names) are pushed to `problems`.
 */
export function parseAssignments(text: string, problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      problems.push(`--set: expected name=value, got ${JSON.stringify(item)}`);
      continue;
    }
    const name = item.slice(0, eq).trim();
    if (out.has(name)) problems.push(`--set: ${name} is given twice`);
    out.set(name, item.slice(eq + 1).trim());
  }
  return out;
}

/** Defaults overridden by the assignments that the specs know; unknown names are left to the caller. */
export function resolveParams(specs: ParamSpecs, assignments: ReadonlyMap<string, string>, problems: string[]): ParamValues {
  const values: ParamValues = {};
  for (const [name, spec] of Object.entries(specs)) {
    const text = assignments.get(name);
    const parsed = text === undefined ? undefined : parseValue(name, text, spec, problems);
    values[name] = parsed ?? spec.default;
  }
  return values;
}

/** "7 h" style text of a parameter's value for help and summaries. */
export function formatParam(spec: ParamSpec, value: number | boolean): string {
  if (spec.kind === 'duration' && typeof value === 'number') return value < 1000 ? `${value}ms` : formatDuration(value);
  return String(value);
}

/** Help lines for a set of parameters. */
export function paramsHelp(specs: ParamSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => [`${name}=${formatParam(s, s.default)}`, s.help]);
  const w = Math.max(...rows.map((r) => r[0]!.length));
  return rows.map(([a, b]) => `    ${a!.padEnd(w)}  ${b}`).join('\n');
}
