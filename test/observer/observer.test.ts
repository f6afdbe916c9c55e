import { describe, expect, it } from 'vitest';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createObserver, Observer, ObserverConfigError } from '../../src/observer/observer.js';
import { StreamSource } from '../../src/observer/sources/stream.js';
import type { NodeStatus, ObservedPeerEvent } from '../../src/observer/types.js';
import { fixtureLines } from './fixtures.js';
import { coldToWarm, promotedRemote, serverStarted, transition, waitFor, withTempDir } from './helpers.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;

describe('Observer options', () => {
  it('lists every problem at once', () => {
    let error: ObserverConfigError | undefined;
    try {
      createObserver({ log: 'a.json', journal: 'bad unit!', nodePort: 70000, since: Number.NaN, forward: 'ftp://x', reconcile: { intervalMs: 0 }, historyLimit: -1 });
    } catch (err) {
      error = err as ObserverConfigError;
    }
    expect(error).toBeInstanceOf(ObserverConfigError);
    expect(error!.problems).toHaveLength(7);
    expect(error!.message).toContain('exactly one log source');
    expect(() => createObserver({})).toThrow(/exactly one log source/);
  });

  it('starts once; stop is idempotent', async () => {
    const o = new Observer({ source: new StreamSource({ stream: new PassThrough() }), reconcile: false });
    await o.start();
    await expect(o.start()).rejects.toThrow(/started once/);
    await expect(o.start()).rejects.toMatchObject({ name: 'ObserverStateError', code: 'observer-state' });
    await o.stop();
    await o.stop();
    expect(o.source).toEqual({ kind: 'stream', description: 'stream' });
  });
});

describe('Observer ingestion', () => {
  it('skips and counts malformed, truncated and binary lines without losing the good ones', async () => {
    await withTempDir(async (dir) => {
      const log = join(dir, 'node.json');
      const good = fixtureLines('openblockperf-mainnet-relay.jsonl');
      const binary = Buffer.from([0x00, 0xff, 0xfe, 0x10, 0x7b, 0x80, 0x81, 0x0a]); // ends with \n
      await writeFile(log, good[0] + '\n' + good[2]!.slice(0, 60) + '\n' + 'not json at all\n');
      await appendFile(log, binary);
      await appendFile(log, '{"at":"2025-09-24T13:32:19Z","ns":"Net.InboundGovernor.Remote.PromotedToHotRemote","data":{}}\n' + good.slice(2).join('\n') + '\n');
      const o = new Observer({ log, follow: false, reconcile: false });
      await o.start();
      const c = o.counters();
      expect(c).toMatchObject({ linesRead: 12, parseErrors: 4, linesIgnored: 5, linesParsed: 3 });
      expect(c.lastParseError?.reason).toMatch(/PromotedToHotRemote: missing or malformed fields/);
      expect(o.peers().map((p) => [p.remote.ip, p.state])).toEqual([
        ['3.228.174.253', 'warm'],
        ['85.106.4.146', 'hot'],
      ]);
      expect(c.events).toEqual({ statusChanged: 1, remoteChanged: 2 });
    });
  });

  it('backfills a rotated log set in order and follows the live file', async () => {
    await withTempDir(async (dir) => {
      const log = join(dir, 'node.json');
      // Three files, oldest .2: a node run whose peers change across rotations.
      await writeFile(
        `${log}.2`,
        [serverStarted(T0, '10.0.0.1', 3001), coldToWarm(T0 + 1 * MIN, '10.0.0.1:3001', '192.0.2.1:3001'), coldToWarm(T0 + 2 * MIN, '10.0.0.1:3001', '192.0.2.2:3001')].join('\n') + '\n',
      );
      await writeFile(
        `${log}.1`,
        [
          transition(T0 + 3 * MIN, 'WarmToHot', '10.0.0.1:3001', '192.0.2.1:3001'),
          transition(T0 + 4 * MIN, 'WarmToCooling', '10.0.0.1:3001', '192.0.2.2:3001'),
          transition(T0 + 5 * MIN, 'CoolingToCold', '10.0.0.1:3001', '192.0.2.2:3001'),
        ].join('\n') + '\n',
      );
      await writeFile(log, [promotedRemote(T0 + 6 * MIN, 'PromotedToWarmRemote', ['10.0.0.1', 3001], ['203.0.113.5', 41000])].join('\n') + '\n');
      const o = new Observer({ log, reconcile: false, pollMs: 5 });
      const nodeEvents: NodeStatus[] = [];
      o.on('node', (s) => nodeEvents.push(s));
      await o.start();
      try {
        expect(o.peers().map((p) => [p.remote.ip, p.state])).toEqual([
          ['192.0.2.1', 'hot'],
          ['203.0.113.5', 'warm'],
        ]);
        expect(o.peer('192.0.2.2:3001')?.closed).toEqual({ at: T0 + 5 * MIN, reason: 'cooling_to_cold' });
        expect(nodeEvents).toEqual([expect.objectContaining({ state: 'running', generation: 1, lastStartedAt: T0 })]);
        expect(o.peerCounts()).toEqual({
          total: 2,
          byState: { unknown: 0, cold: 0, cooling: 0, warm: 1, hot: 1 },
          outbound: { unknown: 0, cold: 0, cooling: 0, warm: 0, hot: 1 },
          inbound: { unknown: 0, cold: 0, cooling: 0, warm: 1, hot: 0 },
        });
        // Live: the node restarts.
        await appendFile(log, serverStarted(T0 + 7 * MIN, '10.0.0.1', 3001) + '\n');
        await waitFor(() => o.peers().length === 0, 'the restart to close every session');
        expect(o.nodeStatus()).toMatchObject({ generation: 2, restarts: 1, lastRestartAt: T0 + 7 * MIN });
        expect(o.peer('192.0.2.1:3001')?.closed?.reason).toBe('node_restart');
      } finally {
        await o.stop();
      }
    });
  });

  it('applies only events from `since` on', async () => {
    await withTempDir(async (dir) => {
      const log = join(dir, 'node.json');
      await writeFile(`${log}.1`, [coldToWarm(T0, '10.0.0.1:3001', '192.0.2.1:3001')].join('\n') + '\n');
      await writeFile(log, [coldToWarm(T0 + 10 * MIN, '10.0.0.1:3001', '192.0.2.2:3001'), transition(T0 + 11 * MIN, 'WarmToHot', '10.0.0.1:3001', '192.0.2.1:3001')].join('\n') + '\n');
      const o = new Observer({ log, follow: false, reconcile: false, since: new Date(T0 + 5 * MIN) });
      await o.start();
      // 192.0.2.1's promotion is before the bound; its WarmToHot alone still shows it hot (attached late).
      expect(o.peers().map((p) => [p.remote.ip, p.state])).toEqual([
        ['192.0.2.2', 'warm'],
        ['192.0.2.1', 'hot'],
      ]);
      expect(o.counters()).toMatchObject({ eventsBeforeSince: 1, linesParsed: 3 });
    });
  });

  it('a throwing listener does not stop ingestion; it becomes a warning', async () => {
    const stream = new PassThrough();
    const source = new StreamSource({ stream });
    const o = new Observer({ source, reconcile: false });
    const warnings: string[] = [];
    const seen: ObservedPeerEvent[] = [];
    o.on('event', () => {
      throw new Error('boom');
    });
    o.on('event', (e) => seen.push(e));
    o.on('warning', (w) => warnings.push(w));
    await o.start();
    stream.end(fixtureLines('cardano-node-10.6-testnet.jsonl').join('\n') + '\n');
    await source.ended;
    expect(o.peers()).toHaveLength(1);
    expect(seen.length).toBeGreaterThan(3);
    expect(warnings[0]).toBe("an 'event' listener threw: boom");
    await o.stop();
  });

  it('on returns the unsubscribe function, as Node.on does; once runs for one event; a listener added twice runs once', () => {
    const o = new Observer({ source: new StreamSource({ stream: new PassThrough() }), reconcile: false });
    const seen = { on: 0, once: 0, twice: 0, off: 0 };
    const unsubscribe = o.on('event', () => seen.on++);
    o.once('event', () => seen.once++);
    const twice = () => seen.twice++;
    o.on('event', twice);
    o.on('event', twice);
    const removed = () => seen.off++;
    o.on('event', removed);
    o.off('event', removed);
    o.ingest(coldToWarm(T0, '10.0.0.1:3001', '192.0.2.1:3001'));
    expect(seen).toEqual({ on: 2, once: 1, twice: 2, off: 0 }); // opened, then changed to warm
    unsubscribe();
    o.ingest(transition(T0 + 1, 'WarmToHot', '10.0.0.1:3001', '192.0.2.1:3001'));
    expect(seen).toEqual({ on: 2, once: 1, twice: 3, off: 0 });
  });

  it('ignores a throwing warning listener instead of warning about it', () => {
    const o = new Observer({ source: new StreamSource({ stream: new PassThrough() }), reconcile: false });
    const warnings: string[] = [];
    o.on('warning', () => {
      throw new Error('bad warning listener');
    });
    o.on('warning', (w) => warnings.push(w));
    o.on('event', () => {
      throw new Error('boom');
    });
    o.ingest(coldToWarm(T0, '10.0.0.1:3001', '192.0.2.1:3001'));
    expect(warnings).toEqual(["an 'event' listener threw: boom", "an 'event' listener threw: boom"]);
  });

  it('follows a journald unit through an injected journalctl', async () => {
    await withTempDir(async (dir) => {
      const script = join(dir, 'journalctl');
      const lines = join(dir, 'lines');
      await writeFile(lines, fixtureLines('cardano-node-10.6-testnet.jsonl').join('\n') + '\n');
      await writeFile(script, `#!/bin/sh\ncat "${lines}"\nexec sleep 1000\n`, { mode: 0o755 });
      const o = new Observer({ journal: 'cardano-node.service', journalCommand: script, reconcile: false });
      await o.start();
      try {
        await waitFor(() => o.counters().linesRead === 26, 'the journal');
        expect(o.peers().map((p) => [p.id, p.outbound?.state, p.inbound?.state])).toEqual([['127.0.0.1:30000-127.0.0.1:30001', 'hot', 'hot']]);
        expect(o.source).toEqual({ kind: 'journald', description: 'journald unit cardano-node.service' });
      } finally {
        await o.stop();
      }
    });
  });
});
