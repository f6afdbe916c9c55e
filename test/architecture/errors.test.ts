// Every error class in src/ extends PeerwardenError (directly or through another of ours), so one catch and one `code` serve them all.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PeerwardenError } from '../../src/core/errors.js';
import { ConfigError } from '../../src/node/config.js';
import { HandshakeError } from '../../src/net/errors.js';
import { StoreError } from '../../src/store/errors.js';
import { SRC } from './imports.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

describe('errors', () => {
  it('every error class extends PeerwardenError', () => {
    const bases = new Map<string, string>();
    for (const f of files(SRC)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/class (\w+Error) extends (\w+)/g)) if (m[1] !== 'PeerwardenError') bases.set(m[1]!, m[2]!);
    }
    const rooted = (cls: string, seen = new Set<string>()): boolean => {
      const base = bases.get(cls);
      if (base === 'PeerwardenError') return true;
      if (!base || seen.has(cls)) return false;
      seen.add(cls);
      return rooted(base, seen);
    };
    expect(bases.size).toBeGreaterThan(30);
    expect([...bases.keys()].filter((c) => !rooted(c)).sort()).toEqual([]);
  });

  it('have stable codes that say what went wrong, beside their names', () => {
    const config = new ConfigError(['x: bad']);
    expect(config).toBeInstanceOf(PeerwardenError);
    expect(config.code).toBe('config-invalid');
    expect(new StoreError('m', '/x/peerwarden.db', 'locked').code).toBe('store-locked');
    const hs = new HandshakeError({ ip: '1.2.3.4', port: 7000 }, { reason: 'banned', code: 7, by: 'remote', message: '' });
    expect([hs.code, hs.disconnectCode, hs.name]).toEqual(['handshake-failed', 7, 'HandshakeError']);
  });
});
