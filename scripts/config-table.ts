// Writes the Configuration table of docs/operations.md from the configuration schema (src/node/config-schema.ts).
//
//   node --import tsx scripts/config-table.ts          rewrites the table
//   node --import tsx scripts/config-table.ts --check  exits 1 if the table differs from the schema's
//
// test/node/config-table.test.ts checks that the committed table is this script's output.

import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CONFIG_KEYS, type ConfigKey } from '../src/node/config-schema.js';

export const DOC_URL = new URL('../docs/operations.md', import.meta.url);

const HEADER = '| key | flag | variable | default | meaning |';
const MIB = 1024 * 1024;

const code = (s: string) => `\`${s}\``;

/** A default as a file would write it (whole MiB also spelled out), or the schema's words where that would mislead. */
function shownDefault(k: ConfigKey): string {
  if (k.shownDefault !== undefined) return k.shownDefault;
  const v = k.default;
  const mib = typeof v === 'number' && v >= MIB && v % MIB === 0 ? ` (${v / MIB} MiB)` : '';
  return `${code(typeof v === 'string' ? v : JSON.stringify(v))}${mib}`;
}

/** The table, a row for every key: lists take repeated flags and comma-separated variables. */
export function configTable(): string {
  const rows = CONFIG_KEYS.map((k) => {
    const list = k.type.kind === 'list';
    const flag = `${code(`--${k.flag}`)}${list ? ' (repeatable)' : ''}`;
    const variable = `${code(`PEERWARDEN_${k.env}`)}${list ? ' (comma list)' : ''}`;
    return `| ${[code(k.path.join('.')), flag, variable, shownDefault(k), k.meaning].join(' | ')} |`;
  });
  return [HEADER, '|---|---|---|---|---|', ...rows, ''].join('\n');
}

/** Where the table is in `doc`: from its header line to the first line after it that is not a row. */
export function tableSpan(doc: string): { start: number; end: number } {
  const start = doc.indexOf(`\n${HEADER}\n`) + 1;
  if (start === 0) throw new Error(`docs/operations.md has no line "${HEADER}"`);
  let end = start;
  while (end < doc.length && doc[end] === '|') end = doc.includes('\n', end) ? doc.indexOf('\n', end) + 1 : doc.length;
  return { start, end };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = readFileSync(DOC_URL, 'utf8');
  const { start, end } = tableSpan(doc);
  const updated = doc.slice(0, start) + configTable() + doc.slice(end);
  if (updated === doc) console.log('docs/operations.md: the configuration table is up to date');
  else if (process.argv.includes('--check')) {
    console.error('docs/operations.md: the configuration table is not the schema\'s; run node --import tsx scripts/config-table.ts');
    process.exitCode = 1;
  } else {
    writeFileSync(DOC_URL, updated);
    console.log('docs/operations.md: configuration table written');
  }
}
