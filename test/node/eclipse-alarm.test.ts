// The eclipse alarm and AS-aware grouping on a running node (memory network, virtual clock).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Asmap, encodeAsmap } from '../../src/core/address/index.js';
import type { NodeAlarmEvent } from '../../src/node/types.js';
import { addrBatch, attacker, dial } from '../integration/attacker.js';
import { runFor, settle, world } from './helpers.js';

describe('the eclipse alarm', () => {
  it('raises addr-flood when two inbound peers push full ADDRs unasked, degrades health with the reason, and clears when the pushing stops', async () => {
    const w = world('alarm-flood');
    const victim = await w.node('10.1.0.1');
    const alarms: NodeAlarmEvent[] = [];
    victim.on('node:alarm', (e) => alarms.push(e));
    await victim.start();
    const a = await attacker(w, '10.66.0.1');
    const b = await attacker(w, '10.67.0.1');
    const ca = await dial(w, a, '10.1.0.1:7000');
    const cb = await dial(w, b, '10.1.0.1:7000');
    ca.sendAddr(addrBatch(0, Math.floor(w.clock.now() / 1000)));
    cb.sendAddr(addrBatch(1000, Math.floor(w.clock.now() / 1000)));
    await runFor(w.clock, 61_000);
    expect(alarms.map((e) => `${e.state}:${e.alarm.kind}`)).toEqual(['raised:addr-flood']);
    expect(alarms[0]!.alarm).toMatchObject({ groups: ['10.66.0.0/16', '10.67.0.0/16'], evidence: { peers: 2, entries: 2000 } });
    const health = victim.health();
    expect(health.status).toBe('degraded');
    expect(health.reason).toMatch(/^eclipse alarm \(addr-flood\): 2 peers pushed 2000 addresses/);
    expect(health.alarms.map((x) => x.kind)).toEqual(['addr-flood']);
    // Ten quiet minutes later the evidence has left the window: the alarm clears itself.
    await runFor(w.clock, 11 * 60_000);
    expect(alarms.map((e) => `${e.state}:${e.alarm.kind}`)).toEqual(['raised:addr-flood', 'cleared:addr-flood']);
    expect(victim.health().alarms).toEqual([]);
    await settle(w.clock, Promise.all([victim.stop(), a.close(), b.close()]));
  });

  it('does not count the answer to our own GETADDR, however big', async () => {
    const w = world('alarm-asked');
    const node = await w.node('10.1.0.1', { staticPeers: ['10.2.0.1:7000', '10.3.0.1:7000'] });
    const alarms: NodeAlarmEvent[] = [];
    node.on('node:alarm', (e) => alarms.push(e));
    // Two peers the node dials (outbound): it asks each for addresses, and each answers with 1000.
    const answer = (from: number) => (m: Awaited<ReturnType<typeof attacker>>) =>
      m.on('getaddr', ({ connection }) => connection.sendAddr(addrBatch(from, Math.floor(w.clock.now() / 1000))));
    answer(0)(await attacker(w, '10.2.0.1'));
    answer(5000)(await attacker(w, '10.3.0.1'));
    await node.start();
    await runFor(w.clock, 3 * 60_000);
    expect(node.addressBook.size()).toBeGreaterThan(1000);
    expect(alarms).toEqual([]);
    await settle(w.clock, node.stop());
  });
});

describe('the eclipse alarm on honest nodes', () => {
  it('stays quiet when a fresh node learns every address from its seed and picks all its outbound peers from them', async () => {
    const w = world('alarm-seeded');
    const honest = Array.from({ length: 14 }, (_, i) => `10.${50 + i}.0.1`);
    for (const ip of honest) await (await w.node(ip, { targets: { hot: 0, outbound: 0 } })).start();
    // The seed knows every honest node and answers GETADDR with them all.
    const seed = await attacker(w, '10.2.0.1');
    seed.on('getaddr', ({ connection }) =>
      connection.sendAddr(honest.map((ip) => ({ endpoint: { ip, port: 7000 }, services: 0n, time: Math.floor(w.clock.now() / 1000) }))),
    );
    const node = await w.node('10.1.0.1', { seeds: ['10.2.0.1:7000'], targets: { hot: 4, outbound: 10 } }, { eclipseAlarm: { checkIntervalMs: 10_000 } });
    const alarms: NodeAlarmEvent[] = [];
    node.on('node:alarm', (e) => alarms.push(e));
    await node.start();
    await runFor(w.clock, 5 * 60_000);
    expect(node.peers().filter((p) => p.direction === 'outbound' && p.purpose !== 'feeler').length).toBeGreaterThanOrEqual(8);
    expect(alarms).toEqual([]);
    await settle(w.clock, Promise.all([node.stop(), seed.close()]));
  });
});

describe('grouping by AS (asmap)', () => {
  // 40.1/16 and 40.2/16 are one AS; 50.1/16 another.
  const asmap = Asmap.fromBytes(encodeAsmap([
    { prefix: '40.1.0.0/16', asn: 64500 },
    { prefix: '40.2.0.0/16', asn: 64500 },
    { prefix: '50.1.0.0/16', asn: 64501 },
  ]));

  it('lets one outbound peer per AS, not per /16, and shows peers as AS<number>', async () => {
    const run = async (withMap: boolean) => {
      const w = world(`asmap-${withMap}`);
      const peers = ['40.1.0.1', '40.2.0.1', '50.1.0.1'];
      for (const ip of peers) await (await w.node(ip, { targets: { hot: 0, outbound: 0 } })).start();
      const node = await w.node('30.0.0.1', { seeds: peers.map((p) => `${p}:7000`), targets: { hot: 3, outbound: 3 } }, withMap ? { asmap } : {});
      await node.start();
      await runFor(w.clock, 5 * 60_000);
      return { outbound: node.peers().filter((p) => p.direction === 'outbound' && p.purpose !== 'feeler'), bookGroups: node.addressBook.entries().map((e) => e.group) };
    };
    const plain = await run(false);
    expect(plain.outbound.map((p) => p.netGroup).sort()).toEqual(['40.1.0.0/16', '40.2.0.0/16', '50.1.0.0/16']);
    const mapped = await run(true);
    // 40.1 and 40.2 are one AS: only one of them may be an outbound peer.
    expect(mapped.outbound.map((p) => p.netGroup).sort()).toEqual(['AS64500', 'AS64501']);
    expect(mapped.outbound.every((p) => p.asn === Number(p.netGroup.slice(2)))).toBe(true);
    // The address book groups (and buckets) them by AS too.
    expect(new Set(mapped.bookGroups)).toEqual(new Set(['AS64500', 'AS64501']));
  });

  it('stores the map\'s checksum with the book and re-buckets when another map is configured at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-asmap-'));
    try {
      const first = join(dir, 'first.asmap');
      const second = join(dir, 'second.asmap');
      writeFileSync(first, encodeAsmap([{ prefix: '40.0.0.0/8', asn: 64500 }]));
      writeFileSync(second, encodeAsmap([{ prefix: '40.0.0.0/8', asn: 64999 }]));
      const start = async (asmapFile: string) => {
        const w = world(`asmap-store-${asmapFile}`);
        const node = await w.node('30.0.0.1', { dataDir: join(dir, 'data'), asmap: asmapFile, seeds: ['40.1.0.1:7000', '40.2.0.1:7000'] });
        await node.start();
        await runFor(w.clock, 5_000);
        const report = node.addressBook.rebucketReport();
        const groups = node.addressBook.entries().map((e) => e.group);
        await settle(w.clock, node.stop());
        return { report, groups };
      };
      const a = await start(first);
      expect(a.report).toBeUndefined();
      expect(a.groups).toContain('AS64500');
      const again = await start(first);
      expect(again.report).toBeUndefined(); // same map: restored slot for slot
      const b = await start(second);
      expect(b.report?.changes.join(' ')).toMatch(/asmap/);
      expect(b.groups).toContain('AS64999');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an asmap file it cannot use, naming the file and the way out, before touching anything', async () => {
    const w = world('asmap-file');
    await expect(w.node('30.0.0.2', { asmap: '/nonexistent/asmap.dat' }).then((n) => n.start())).rejects.toThrow(/cannot read the asmap file \/nonexistent\/asmap\.dat .*remove the setting/);
  });
});
