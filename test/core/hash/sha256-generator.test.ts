import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffHint, generateSha256Compress, OUTPUT_URL, roundConstants } from '../../../scripts/gen-sha256-compress.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('scripts/gen-sha256-compress.ts', () => {
  it('generates src/core/hash/sha256-compress.ts byte for byte', () => {
    const onDisk = readFileSync(OUTPUT_URL, 'utf8');
    const generated = generateSha256Compress();
    // On a mismatch, say where instead of dumping two 500-line strings.
    expect(generated === onDisk ? '' : diffHint(onDisk, generated)).toBe('');
  });

  it('computes the FIPS 180-4 round constants', () => {
    const k = roundConstants();
    expect(k).toHaveLength(64);
    expect(k[0]).toBe(0x428a2f98);
    expect(k[1]).toBe(0x71374491);
    expect(k[63]).toBe(0xc67178f2);
  });

  it('points at the first differing line', () => {
    expect(diffHint('a\nb\nc\n', 'a\nB\nc\n')).toContain('line 2');
    expect(diffHint('a\n', 'a\nb\n')).toContain('(end of file)');
  });

  it('passes its own --check from the command line', () => {
    // Throws (non-zero exit) if the file is stale or the script fails to start.
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-sha256-compress.ts', '--check'], { cwd: root, stdio: 'pipe' });
  });
});
