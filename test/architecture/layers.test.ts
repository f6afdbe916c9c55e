// The architecture's rules, checked on the sources: imports point down the layers, and nothing imports in a circle.
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './imports.js';

/**
 * The layers, lowest first: a module may import its own layer and those below it. The order is
 * docs/architecture.md's; `version.ts` is a leaf every layer may read; `subpaths/` holds the
 * package's entry points besides the root (peerwarden/addrbook…), above everything they expose.
 */
const LAYERS = ['core', 'platform', 'wire', 'net', 'discovery', 'store', 'node', 'observer', 'api', 'sim', 'cli', 'subpaths', '(root)'];
const LEAVES = new Set(['version.ts']);

const layerOf = (module: string): string => (module.includes('/') ? module.split('/')[0]! : '(root)');

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('has no cycle, type-only imports included', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('only imports down the layers', () => {
    const upward: string[] = [];
    for (const [module, deps] of graph) {
      const from = LAYERS.indexOf(layerOf(module));
      for (const dep of deps) {
        if (LEAVES.has(dep)) continue;
        const to = LAYERS.indexOf(layerOf(dep));
        if (to > from) upward.push(`${module} imports ${dep} (${layerOf(module)} is below ${layerOf(dep)})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('knows every layer it sees (a new folder belongs in LAYERS, in its place)', () => {
    const unknown = [...new Set([...graph.keys()].map(layerOf))].filter((l) => !LAYERS.includes(l));
    expect(unknown).toEqual([]);
  });
});
