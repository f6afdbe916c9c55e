// The examples run as an application would: importing 'peerwarden' by name, over real sockets.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('examples', () => {
  it('gossip-ledger: five nodes end with the same ledger', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/gossip-ledger.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/every node holds the same 20 transfers/);
  }, 70_000);
});

describe('the package', () => {
  it('exports the public API by name, as a consumer imports it', async () => {
    const pkg = await import('peerwarden');
    for (const name of [
      'createNode',
      'AddressBook',
      'triedBucket',
      'newBucket',
      'bucketPosition',
      'netGroup',
      'parseEndpoint',
      'formatEndpoint',
      'createRandom',
      'ConfigError',
      'RequestTimeoutError',
      'PeerGoneError',
      'RemoteError',
      'SqliteStore',
      'MemoryStore',
      'createObserver',
    ]) {
      expect(typeof (pkg as Record<string, unknown>)[name], name).not.toBe('undefined');
    }
  });
});
