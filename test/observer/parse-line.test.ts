import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseLogLine } from '../../src/observer/parse-line.js';
import type { LogEvent, ParseResult } from '../../src/observer/types.js';
import { fixtureLines } from './fixtures.js';

/** What a line should become: an event type (with fields to check) or a reason it is ignored. */
type Expected = { type: LogEvent['type']; fields?: Record<string, unknown> } | { ignored: string };

const ep = (ip: string, port: number) => ({ ip, port });
const TESTNET_CONN = { local: ep('127.0.0.1', 30000), remote: ep('127.0.0.1', 30001) };

function check(result: ParseResult, expected: Expected): void {
  if ('ignored' in expected) {
    expect(result).toEqual({ status: 'ignored' });
    return;
  }
  expect(result.status).toBe('event');
  if (result.status !== 'event') return;
  expect(result.event.type).toBe(expected.type);
  expect(result.event).toMatchObject(expected.fields ?? {});
}

describe('parseLogLine on the real fixture lines', () => {
  // Line by line: every real line parses to the event we expect, or is ignored for a stated reason.
  const testnet: Expected[] = [
    { ignored: 'Resources: process statistics' },
    { ignored: 'Forge.Loop: block forging' },
    { type: 'serverStarted', fields: { scope: 'n2c', addresses: [], at: Date.UTC(2025, 11, 1, 7, 6, 46, 219) } },
    { type: 'serverStarted', fields: { scope: 'n2n', addresses: [ep('127.0.0.1', 30000)] } },
    { ignored: 'TargetsChanged: governor targets, not a peer' },
    { ignored: 'ConnectionManager Connect: a dial attempt, not yet a connection' },
    { type: 'connectFailed', fields: { ...TESTNET_CONN, reason: expect.stringContaining('Connection refused') } },
    { ignored: 'Actions.ConnectionError: names no peer (the ConnectError line before it does)' },
    { ignored: 'PromoteColdFailed: the governor\'s view of the same failed dial' },
    { type: 'handshakeSucceeded', fields: { ...TESTNET_CONN, versionNumber: 15, diffusionMode: 'InitiatorAndResponderDiffusionMode', peerSharing: 'PeerSharingDisabled' } },
    { type: 'newConnection', fields: { ...TESTNET_CONN, provenance: 'Inbound' } },
    { type: 'remoteTransition', fields: { remote: ep('127.0.0.1', 30001), local: undefined, from: undefined, to: 'RemoteIdleSt' } },
    { type: 'inboundGovernorCounters', fields: { counters: { idle: 1, cold: 0, warm: 0, hot: 0 } } },
    { type: 'remoteChanged', fields: { ...TESTNET_CONN, change: 'PromotedToWarmRemote', to: 'warm' } },
    { type: 'remoteTransition', fields: { from: 'RemoteIdleSt', to: 'RemoteWarmSt' } },
    { type: 'inboundGovernorCounters', fields: { counters: { idle: 0, cold: 0, warm: 1, hot: 0 } } },
    { type: 'remoteChanged', fields: { ...TESTNET_CONN, change: 'PromotedToHotRemote', to: 'hot' } },
    { type: 'remoteTransition', fields: { from: 'RemoteWarmSt', to: 'RemoteHotSt' } },
    { type: 'inboundGovernorCounters', fields: { counters: { idle: 0, cold: 0, warm: 0, hot: 1 } } },
    { ignored: 'ChurnWait: governor timer' },
    { type: 'statusChanged', fields: { ...TESTNET_CONN, change: 'ColdToWarm', from: 'cold', to: 'warm' } },
    { ignored: 'PromoteColdDone: duplicate of the StatusChanged line' },
    { type: 'statusChanged', fields: { ...TESTNET_CONN, change: 'WarmToHot', from: 'warm', to: 'hot' } },
    { ignored: 'PromoteWarmDone: duplicate of the StatusChanged line' },
    { ignored: 'ChainSync: block sample, not a peer state' },
    { ignored: 'ChainDB: chain selection' },
  ];
  const mainnet: Expected[] = [
    {
      type: 'statusChanged',
      fields: { local: ep('172.0.118.125', 3001), remote: ep('3.228.174.253', 6000), change: 'ColdToWarm', at: Date.UTC(2025, 8, 24, 13, 4, 5, 509) },
    },
    { type: 'inboundGovernorCounters', fields: { counters: { idle: 1, cold: 53, warm: 1, hot: 0 } } },
    { type: 'remoteChanged', fields: { local: ep('172.0.118.125', 3001), remote: ep('85.106.4.146', 3001), change: 'PromotedToWarmRemote' } },
    { type: 'remoteChanged', fields: { local: ep('172.0.118.125', 3001), remote: ep('85.106.4.146', 3001), change: 'PromotedToHotRemote' } },
    { ignored: 'ChainDB SwitchedToAFork' },
    { ignored: 'ChainDB AddedToCurrentChain' },
    { ignored: 'ChainSync DownloadedHeader' },
    { ignored: 'BlockFetch SendFetchRequest' },
    { ignored: 'BlockFetch CompletedBlockFetch' },
  ];
  const legacy: Expected[] = [
    { ignored: 'cardano.node.BlockFetchClient' },
    { ignored: 'cardano.node.BlockFetchClient' },
    { ignored: 'cardano.node.ChainSyncClient' },
    { ignored: 'cardano.node.BlockFetchClient' },
    { ignored: 'cardano.node.ChainDB' },
    { ignored: 'cardano.node.Mempool' },
    { ignored: 'cardano.node.ChainDB' },
  ];

  for (const [file, expectations] of [
    ['cardano-node-10.6-testnet.jsonl', testnet],
    ['openblockperf-mainnet-relay.jsonl', mainnet],
    ['blockperf-legacy-8.1.jsonl', legacy],
  ] as const) {
    it(`${file}: every line parses to its expected event or is knowingly ignored`, () => {
      const lines = fixtureLines(file);
      expect(lines).toHaveLength(expectations.length);
      lines.forEach((line, i) => {
        try {
          check(parseLogLine(line), expectations[i]!);
        } catch (err) {
          throw new Error(`${file} line ${i + 1}: ${(err as Error).message}`);
        }
      });
    });
  }
});

describe('parseLogLine on the synthetic shapes', () => {
  it('reads every outbound transition, IPv6, ColdToWarm Nothing, numeric ports and the newer handler namespace', () => {
    const events = fixtureLines('synthetic/current-lifecycle.jsonl').map(parseLogLine);
    const types = events.map((r) => (r.status === 'event' ? r.event.type : r.status));
    expect(types).toEqual([
      'serverStarted',
      'serverStarted',
      ...Array(9).fill('statusChanged'),
      'remoteChanged',
      'remoteChanged',
      'remoteChanged',
      'remoteChanged',
      'remoteChanged',
      'remoteChanged',
      'ignored', // Net.InboundGovernor.Local: node-to-client, never a peer
      'connectionManagerCounters',
      'inboundGovernorCounters',
      'handshakeSucceeded',
      'connectionEnded',
      'statusChangeFailed',
      'connectionManagerShutdown',
      'serverStopped',
      'serverStopped',
      'serverStarted',
      'serverStarted',
      'statusChanged',
    ]);
    const changes = events.slice(2, 11).map((r) => (r.status === 'event' && r.event.type === 'statusChanged' ? r.event.change : ''));
    expect(changes).toEqual(['ColdToWarm', 'WarmToHot', 'HotToWarm', 'WarmToCooling', 'CoolingToCold', 'ColdToWarm', 'WarmToHot', 'HotToCooling', 'ColdToWarm']);
    expect(events[7]).toMatchObject({ event: { local: ep('2001:db8::1', 3001), remote: ep('2001:db8::20', 6000) } });
    expect(events[10]).toMatchObject({ event: { local: undefined, remote: ep('198.51.100.7', 3001) } });
    expect(events[11]).toMatchObject({ event: { remote: ep('203.0.113.5', 41000) } }); // ports as numbers
    expect(events[14]).toMatchObject({ event: { change: 'DemotedToColdRemote', commit: true } });
    expect(events[16]).toMatchObject({ event: { change: 'DemotedToColdRemote', commit: false } });
    expect(events[18]).toMatchObject({ event: { counters: { fullDuplex: 1, duplex: 2, unidirectional: 1, inbound: 3, outbound: 2 } } });
    expect(events[21]).toMatchObject({ event: { cause: 'mux_error', detail: expect.stringContaining('MuxBearerClosed') } });
    expect(events[22]).toMatchObject({ event: { change: 'WarmToHot', reason: 'ActivationError' } });
  });

  it('reads the legacy format: ns array, event in data.kind, both connection-id shapes', () => {
    const results = fixtureLines('synthetic/legacy-peers.jsonl').map(parseLogLine);
    const types = results.map((r) => (r.status === 'event' ? r.event.type : r.status));
    expect(types).toEqual([
      'serverStarted', // LocalServer
      'serverStarted',
      'ignored', // Server AcceptPolicyTrace with a policy: rate limiting, not a start
      'statusChanged',
      'statusChanged',
      'handshakeSucceeded',
      'remoteChanged',
      'inboundGovernorCounters',
      'ignored', // LocalInboundGovernor
      'connectionManagerCounters',
      'connectFailed',
      'remoteTransition',
    ]);
    expect(results[0]).toMatchObject({ event: { scope: 'n2c' } });
    expect(results[1]).toMatchObject({ event: { scope: 'n2n', addresses: [ep('192.168.0.137', 3001)] } });
    expect(results[6]).toMatchObject({ event: { local: ep('192.168.0.137', 3001), remote: ep('66.45.255.78', 6000), change: 'PromotedToWarmRemote' } });
    expect(results[3]).toMatchObject({ event: { at: Date.UTC(2023, 8, 1, 14, 14, 24, 550) } });
  });
});

describe('parseLogLine: what is ignored, what is an error', () => {
  const statusLine = (type: string) =>
    JSON.stringify({ at: '2025-01-01T00:00:00Z', ns: 'Net.PeerSelection.Actions.StatusChanged', data: { kind: 'PeerStatusChanged', peerStatusChangeType: type } });

  it('ignores unknown namespaces, node-to-client governors and blank lines', () => {
    expect(parseLogLine('{"at":"2025-01-01T00:00:00Z","ns":"Some.Future.Thing","data":{}}').status).toBe('ignored');
    expect(parseLogLine('{"at":"2025-01-01T00:00:00Z","ns":"Net.Not.Ours","data":{}}').status).toBe('ignored');
    expect(parseLogLine('{"at":"2025-01-01T00:00:00Z","ns":["cardano.node.LocalInboundGovernor"],"data":{"kind":"PromotedToHotRemote"}}').status).toBe('ignored');
    expect(parseLogLine('{"at":"2025-01-01T00:00:00Z","ns":["cardano.node.InboundGovernor"],"data":{"kind":"ResponderStarted"}}').status).toBe('ignored');
    expect(parseLogLine('   ').status).toBe('ignored');
    expect(parseLogLine('').status).toBe('ignored');
  });

  it('counts malformed, truncated and binary lines as errors', () => {
    const good = statusLine('ColdToWarm (Just 1.2.3.4:3001) 5.6.7.8:3001');
    expect(parseLogLine(good).status).toBe('event');
    const bad = [
      good.slice(0, good.length - 10), // truncated
      good.slice(0, 40), // truncated early, namespace cut
      '{"at":"2025-01-01T00:00:00Z","ns":"Net.PeerSelection.Actions.StatusChanged","data":{,}}', // invalid JSON
      '\u0000\u0001\u0002binary\uFFFD\uFFFD', // binary
      '{' + '\uFFFD'.repeat(20) + '}', // braces around garbage
      'plain text from a wrapper script',
      '[1,2,3]',
      '{"ns":"Net.PeerSelection.Actions.StatusChanged","data":{"peerStatusChangeType":"ColdToWarm (Just 1.2.3.4:3001) 5.6.7.8:3001"}}', // no at
      '{"at":"yesterday","ns":"Net.PeerSelection.Actions.StatusChanged","data":{}}', // bad at
      statusLine('Sideways (Just 1.2.3.4:3001) 5.6.7.8:3001'), // unknown change
      statusLine('ColdToWarm (Just 999.2.3.4:3001) 5.6.7.8:3001'), // invalid IP
      '{"at":"2025-01-01T00:00:00Z","ns":"Net.InboundGovernor.Remote.PromotedToHotRemote","data":{"connectionId":{"localAddress":{"address":"1.2.3.4"}}}}', // no ports
      '{"at":"2025-01-01T00:00:00Z","ns":"Net.InboundGovernor.Remote.InboundGovernorCounters","data":{"hotPeers":"many"}}',
      '{"at":"2025-01-01T00:00:00Z","ns":42,"data":{}}',
    ];
    for (const line of bad) expect(parseLogLine(line), line).toMatchObject({ status: 'error' });
  });

  it('accepts ports as strings or numbers and 1 to 9 fractional digits', () => {
    for (const port of ['3001', 3001]) {
      const line = JSON.stringify({
        at: '2025-01-01T00:00:00.1Z',
        ns: 'Net.InboundGovernor.Remote.PromotedToHotRemote',
        data: { kind: 'PromotedToHotRemote', connectionId: { localAddress: { address: '10.0.0.1', port }, remoteAddress: { address: '2001:DB8::5', port } } },
      });
      expect(parseLogLine(line)).toMatchObject({ event: { local: ep('10.0.0.1', 3001), remote: ep('2001:db8::5', 3001), at: Date.UTC(2025, 0, 1, 0, 0, 0, 100) } });
    }
  });

  it('never throws, whatever the input', () => {
    const fixtures = fixtureLines('cardano-node-10.6-testnet.jsonl');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...fixtures).chain((l) => fc.tuple(fc.nat(l.length), fc.string()).map(([cut, junk]) => l.slice(0, cut) + junk + '}'))), (line) => {
        const r = parseLogLine(line);
        expect(['event', 'ignored', 'error']).toContain(r.status);
      }),
      { numRuns: 500 },
    );
  });

  it('the raw-text shortcut never changes the verdict: reformatted JSON parses the same', () => {
    // A space before the colon hides `"ns":` from the shortcut, so the full parse decides alone.
    for (const file of ['cardano-node-10.6-testnet.jsonl', 'openblockperf-mainnet-relay.jsonl', 'blockperf-legacy-8.1.jsonl', 'synthetic/current-lifecycle.jsonl', 'synthetic/legacy-peers.jsonl']) {
      for (const line of fixtureLines(file)) {
        const hidden = line.replace('"ns":', '"ns" :');
        expect(hidden).not.toBe(line);
        expect(parseLogLine(hidden)).toEqual(parseLogLine(line));
      }
    }
  });
});
