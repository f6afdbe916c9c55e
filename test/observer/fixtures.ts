// Helpers for observer tests: fixture paths and lines.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cardano');

export const REAL_FILES = ['cardano-node-10.6-testnet.jsonl', 'openblockperf-mainnet-relay.jsonl', 'blockperf-legacy-8.1.jsonl'] as const;
export const SYNTHETIC_FILES = ['synthetic/current-lifecycle.jsonl', 'synthetic/legacy-peers.jsonl'] as const;

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

/** The non-empty lines of a fixture file. */
export function fixtureLines(name: string): string[] {
  return readFileSync(fixturePath(name), 'utf8').split('\n').filter((l) => l.length > 0);
}
