// The package's public surface, pinned: adding or removing an export of the root is a visible change, and a name means one thing everywhere.
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as sim from '../../src/sim/index.js';
import * as addrbook from '../../src/subpaths/addrbook.js';
import * as discovery from '../../src/subpaths/discovery.js';
import * as governor from '../../src/subpaths/governor.js';
import * as net from '../../src/subpaths/net.js';
import * as observer from '../../src/subpaths/observer.js';
import * as reputation from '../../src/subpaths/reputation.js';
import * as store from '../../src/subpaths/store.js';
import * as wire from '../../src/subpaths/wire.js';

describe('the public surface', () => {
  it('the root exports what an application uses, and nothing else (update docs/node.md with this list)', () => {
    expect(Object.keys(root).sort()).toEqual(
      [
        'AddressBook',
        'AddressParseError',
        'Asmap',
        'AsmapError',
        'BanDurationError',
        'BanTargetError',
        'ConfigError',
        'ConnectError',
        'DEFAULT_PORT',
        'DEFAULT_TARGETS',
        'ListenError',
        'MemoryStore',
        'MAX_BAN_DURATION_MS',
        'NodeStateError',
        'PEER_EVENT_TYPES',
        'PeerGoneError',
        'PeerwardenError',
        'ReadyTimeoutError',
        'RemoteError',
        'RequestLimitError',
        'RequestTimeoutError',
        'SqliteStore',
        'StoreError',
        'VERSION',
        'VirtualClock',
        'bucketPosition',
        'createNode',
        'createObserver',
        'createRandom',
        'cryptoRandom',
        'formatEndpoint',
        'netGroup',
        'newBucket',
        'parseEndpoint',
        'resolveConfig',
        'systemClock',
        'systemScheduler',
        'triedBucket',
      ].sort(),
    );
  });

  it('keeps the internals behind subpaths', () => {
    for (const internal of ['encodeHello', 'step', 'FrameDecoder', 'BookPersister', 'DataDirLock', 'LOCK_FILE', 'selectInboundToEvict', 'ConnectionManager']) {
      expect(Object.keys(root), internal).not.toContain(internal);
    }
    expect(Object.keys(wire)).toContain('encodeHello');
    expect(Object.keys(wire)).toContain('FrameDecoder');
    expect(Object.keys(governor)).toContain('step');
    expect(Object.keys(governor)).toContain('selectInboundToEvict');
    expect(Object.keys(store)).toContain('BookPersister');
    expect(Object.keys(net)).toContain('ConnectionManager');
    expect(Object.keys(sim)).toContain('runScenario');
  });

  it('gives each name one meaning across the root and every subpath', () => {
    const entries = { root, addrbook, reputation, governor, net, wire, store, discovery, observer, sim };
    const seen = new Map<string, { value: unknown; where: string }>();
    const clashes: string[] = [];
    for (const [where, mod] of Object.entries(entries)) {
      for (const [name, value] of Object.entries(mod)) {
        const before = seen.get(name);
        if (before && before.value !== value) clashes.push(`${name}: ${before.where} and ${where} export different things`);
        else if (!before) seen.set(name, { value, where });
      }
    }
    expect(clashes).toEqual([]);
  });
});
