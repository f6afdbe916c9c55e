// The Configuration table of docs/operations.md is the one scripts/config-table.ts generates from the schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable, DOC_URL, tableSpan } from '../../scripts/config-table.js';

describe('docs/operations.md, Configuration', () => {
  it('is the table generated from the schema (node --import tsx scripts/config-table.ts rewrites it)', () => {
    const doc = readFileSync(DOC_URL, 'utf8');
    const { start, end } = tableSpan(doc);
    // Row by row, so a mismatch names the key.
    expect(doc.slice(start, end).split('\n')).toEqual(configTable().split('\n'));
  });

  it('finds the table between the text around it', () => {
    const doc = 'intro\n\n| key | flag | variable | default | meaning |\n|---|---|---|---|---|\n| `a` | b | c | d | e |\n\nafter\n';
    const { start, end } = tableSpan(doc);
    expect(doc.slice(0, start)).toBe('intro\n\n');
    expect(doc.slice(end)).toBe('\nafter\n');
  });
});
