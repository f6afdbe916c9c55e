// Helpers for simulator tests: run a scenario at small scale and read its metrics and checks by key.
import { parseAssignments } from '../../src/sim/params.js';
import { runScenario, type ScenarioResult } from '../../src/sim/run.js';
import { findScenario } from '../../src/sim/scenarios/index.js';

/**
 * Targets a network of a dozen nodes can meet (12 outbound needs far more than 12 nodes), each node
 * in its own /16: in a dozen nodes, the Zipf address plan puts half of them in one /16, and one
 * outbound peer per /16 then leaves some nodes nothing more to dial.
 */
export const SMALL = 'outbound=4,hot=3,joinWindow=30s,distinctGroups=true';

export async function runSmall(name: string, nodes: number, durationMs: number, set: string, seed = 'test') {
  const problems: string[] = [];
  const assignments = parseAssignments(set, problems);
  if (problems.length) throw new Error(problems.join('; '));
  return runScenario(findScenario(name)!, { seed, nodes, durationMs, assignments });
}

export function metricOf(r: ScenarioResult, key: string): number | null {
  const m = r.metrics.find((x) => x.key === key);
  if (!m) throw new Error(`no metric ${key} in ${r.metrics.map((x) => x.key).join(', ')}`);
  return m.value;
}

export function failedChecks(r: ScenarioResult): string[] {
  return r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
}

/**
 * A small XML well-formedness check: every tag closed in order, attributes quoted, nothing but
 * whitespace outside the root. Enough to catch a broken SVG writer without a parser dependency.
 */
export function wellFormedXml(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|(<)/g;
  let m: RegExpExecArray | null;
  let last = 0;
  let roots = 0;
  while ((m = re.exec(text)) !== null) {
    const between = text.slice(last, m.index);
    if (stack.length === 0 && between.trim() !== '') problems.push(`text outside the root: ${JSON.stringify(between.slice(0, 40))}`);
    if (/[<>]/.test(between)) problems.push(`stray angle bracket near ${JSON.stringify(between.slice(0, 40))}`);
    last = re.lastIndex;
    if (m[5]) {
      problems.push(`malformed tag at ${m.index}: ${JSON.stringify(text.slice(m.index, m.index + 40))}`);
      continue;
    }
    if (!m[2]) continue;
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) problems.push(`</${m[2]}> closes <${open}>`);
    } else if (!m[4]) {
      if (stack.length === 0) roots++;
      stack.push(m[2]);
    } else if (stack.length === 0) roots++;
  }
  if (text.slice(last).trim() !== '') problems.push('text after the root');
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
