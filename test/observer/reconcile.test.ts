// Socket reconciliation against fake /proc/net/tcp tables, on a virtual clock, both ways.
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEndpoint } from '../../src/core/address/index.js';
import { Observer } from '../../src/observer/observer.js';
import { reconcileSockets } from '../../src/observer/reconcile.js';
import { PeerTracker } from '../../src/observer/tracker.js';
import type { ObservedPeerEvent } from '../../src/observer/types.js';
import { VirtualClock } from '../../src/platform/index.js';
import { coldToWarm, promotedRemote, serverStarted, transition, waitFor, withTempDir } from './helpers.js';
import { socketTable, type FakeSocket } from './proc-tables.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const sock = (remote: string, remotePort: number, local = '10.0.0.1', localPort = 3001): FakeSocket => ({ local, localPort, remote, remotePort });

describe('reconcileSockets (pure pass)', () => {
  it('confirms, discovers and closes after the grace period', () => {
    const t = new PeerTracker();
    const L = parseEndpoint('10.0.0.1:3001');
    t.apply({ type: 'remoteChanged', at: 0, local: L, remote: parseEndpoint('192.0.2.1:3001'), change: 'PromotedToWarmRemote', to: 'warm', commit: undefined });
    t.apply({ type: 'remoteChanged', at: 0, local: L, remote: parseEndpoint('192.0.2.2:3001'), change: 'PromotedToWarmRemote', to: 'warm', commit: undefined });
    // A session dialled from an ephemeral port cannot be judged from a port-filtered table.
    t.apply({ type: 'remoteChanged', at: 0, local: parseEndpoint('10.0.0.1:40000'), remote: parseEndpoint('192.0.2.3:3001'), change: 'PromotedToWarmRemote', to: 'warm', commit: undefined });
    const sockets = [
      { local: L, remote: parseEndpoint('192.0.2.1:3001') },
      { local: L, remote: parseEndpoint('192.0.2.9:4000') },
    ];
    const opts = { nodePort: 3001, graceMs: 60_000 };
    expect(reconcileSockets(t, sockets, 1000, opts)).toEqual({ discovered: ['10.0.0.1:3001-192.0.2.9:4000'], closed: [], confirmed: 1, missing: 1 });
    expect(t.peer('192.0.2.9:4000')).toMatchObject({ state: 'unknown', lastSocketAt: 1000, lastLogAt: undefined });
    expect(reconcileSockets(t, sockets, 31_000, opts)).toMatchObject({ discovered: [], closed: [], confirmed: 2, missing: 1 });
    expect(reconcileSockets(t, sockets, 61_000, opts)).toMatchObject({ closed: ['10.0.0.1:3001-192.0.2.2:3001'] });
    expect(t.peer('192.0.2.2:3001')?.closed).toEqual({ at: 61_000, reason: 'no_socket' });
    expect(t.peer('192.0.2.3:3001')?.closed).toBeUndefined();
  });

  it('matches on the remote end when the log and the kernel name our end differently', () => {
    const t = new PeerTracker();
    t.apply({ type: 'remoteChanged', at: 0, local: parseEndpoint('172.0.118.125:3001'), remote: parseEndpoint('85.106.4.146:3001'), change: 'PromotedToHotRemote', to: 'hot', commit: undefined });
    const sockets = [{ local: parseEndpoint('10.1.2.3:3001'), remote: parseEndpoint('85.106.4.146:3001') }];
    expect(reconcileSockets(t, sockets, 1, { nodePort: 3001, graceMs: 0 })).toMatchObject({ discovered: [], closed: [], confirmed: 1 });
  });

  it('a socket that comes back within the grace period resets the clock', () => {
    const t = new PeerTracker();
    const L = parseEndpoint('10.0.0.1:3001');
    const R = parseEndpoint('192.0.2.1:3001');
    t.apply({ type: 'remoteChanged', at: 0, local: L, remote: R, change: 'PromotedToWarmRemote', to: 'warm', commit: undefined });
    const opts = { nodePort: 3001, graceMs: 60_000 };
    reconcileSockets(t, [], 0, opts);
    reconcileSockets(t, [{ local: L, remote: R }], 50_000, opts);
    expect(reconcileSockets(t, [], 70_000, opts).closed).toEqual([]);
    expect(reconcileSockets(t, [], 130_000, opts).closed).toEqual([t.peers()[0]?.id ?? '10.0.0.1:3001-192.0.2.1:3001']);
  });
});

describe('Observer reconciliation with fake /proc tables', () => {
  it('reconciles both ways: unknown sockets (searched in older logs) and peers whose socket is gone', async () => {
    await withTempDir(async (dir) => {
      const log = join(dir, 'node.json');
      const tcp = join(dir, 'tcp');
      const tcp6 = join(dir, 'tcp6');
      const HOUR = 3600_000;
      // Older run, rotated away and before `since`: 198.51.100.7 went hot then; a later node
      // restart would forget it, but there is none, so the search finds it still hot.
      await writeFile(
        `${log}.1`,
        [
          serverStarted(T0 - 5 * HOUR, '10.0.0.1', 3001),
          coldToWarm(T0 - 4 * HOUR, '10.0.0.1:3001', '198.51.100.7:3001'),
          transition(T0 - 4 * HOUR + 1000, 'WarmToHot', '10.0.0.1:3001', '198.51.100.7:3001'),
          // A peer that ended long ago: its socket today is a new, unknown connection.
          coldToWarm(T0 - 4 * HOUR, '10.0.0.1:3001', '192.0.2.99:3001'),
          transition(T0 - 3 * HOUR, 'WarmToCooling', '10.0.0.1:3001', '192.0.2.99:3001'),
          transition(T0 - 3 * HOUR + 1, 'CoolingToCold', '10.0.0.1:3001', '192.0.2.99:3001'),
        ].join('\n') + '\n',
      );
      await writeFile(
        log,
        [
          coldToWarm(T0 - 60_000, '10.0.0.1:3001', '192.0.2.10:3001'),
          transition(T0 - 59_000, 'WarmToHot', '10.0.0.1:3001', '192.0.2.10:3001'),
          promotedRemote(T0 - 30_000, 'PromotedToWarmRemote', ['10.0.0.1', 3001], ['203.0.113.5', 41000]),
        ].join('\n') + '\n',
      );
      const sockets = [sock('192.0.2.10', 3001), sock('198.51.100.7', 3001), sock('192.0.2.99', 3001), sock('192.0.2.200', 12345, '10.0.0.1', 55555)];
      await writeFile(tcp, socketTable(sockets, false));
      await writeFile(tcp6, socketTable([{ local: '2001:db8::1', localPort: 3001, remote: '2001:db8::20', remotePort: 6000 }], true));

      const clock = new VirtualClock(T0);
      const o = new Observer({
        log,
        follow: false,
        since: T0 - 2 * HOUR,
        nodePort: 3001,
        scheduler: clock,
        reconcile: { procPaths: [tcp, tcp6] }, // defaults: every 30 s, 60 s grace
      });
      const events: ObservedPeerEvent[] = [];
      o.on('event', (e) => events.push(e));
      await o.start();
      try {
        await waitFor(() => o.counters().reconcile.runs === 1 && o.counters().search.runs === 1, 'the first reconciliation and its search');
        // The backfill bound skipped the old run's lines.
        expect(o.counters().eventsBeforeSince).toBe(6);
        const byId = Object.fromEntries(o.peers().map((p) => [p.id, p]));
        expect(Object.keys(byId).sort()).toEqual([
          '10.0.0.1:3001-192.0.2.10:3001', // log + socket
          '10.0.0.1:3001-192.0.2.99:3001', // socket only; its old session ended: stays unknown
          '10.0.0.1:3001-198.51.100.7:3001', // socket only; found hot in the older log
          '10.0.0.1:3001-203.0.113.5:41000', // log only: socket missing, in grace
          '[2001:db8::1]:3001-[2001:db8::20]:6000', // socket only (tcp6)
        ]);
        expect(byId['10.0.0.1:3001-198.51.100.7:3001']).toMatchObject({ state: 'hot', outbound: { state: 'hot', change: 'WarmToHot' } });
        expect(byId['10.0.0.1:3001-192.0.2.99:3001']).toMatchObject({ state: 'unknown' });
        expect(byId['10.0.0.1:3001-192.0.2.99:3001']!.history.at(-1)).toMatchObject({ reason: 'not_in_older_logs', source: 'backfill' });
        expect(byId['10.0.0.1:3001-192.0.2.10:3001']!.lastSocketAt).toBe(T0);
        expect(o.counters().search).toEqual({ runs: 1, found: 1, notFound: 2 });
        expect(events.filter((e) => e.kind === 'opened' && e.reason === 'socket').map((e) => e.id).sort()).toEqual([
          '10.0.0.1:3001-192.0.2.99:3001',
          '10.0.0.1:3001-198.51.100.7:3001',
          '[2001:db8::1]:3001-[2001:db8::20]:6000',
        ]);
        expect(events.find((e) => e.reason === 'backfill')).toMatchObject({ kind: 'changed', id: '10.0.0.1:3001-198.51.100.7:3001', from: 'unknown', to: 'hot', source: 'backfill' });

        // 30 s later: still within grace. 60 s: closed with no_socket.
        clock.advance(30_000);
        await waitFor(() => o.counters().reconcile.runs === 2, 'the second pass');
        expect(o.peer('203.0.113.5:41000')?.closed).toBeUndefined();
        clock.advance(30_000);
        await waitFor(() => o.counters().reconcile.runs === 3, 'the third pass');
        expect(o.peer('203.0.113.5:41000')?.closed).toEqual({ at: T0 + 60_000, reason: 'no_socket' });
        expect(events.filter((e) => e.kind === 'closed')).toEqual([
          expect.objectContaining({ id: '10.0.0.1:3001-203.0.113.5:41000', reason: 'no_socket', source: 'socket', from: 'warm', to: 'cold', direction: 'inbound' }),
        ]);

        // The hot outbound peer's socket goes away too: first seen missing at the next pass, closed
        // a grace period (two more passes) later.
        await writeFile(tcp, socketTable(sockets.slice(1), false));
        for (const run of [4, 5]) {
          clock.advance(30_000);
          await waitFor(() => o.counters().reconcile.runs === run, `pass ${run}`);
          expect(o.peer('192.0.2.10:3001')?.closed).toBeUndefined();
        }
        clock.advance(30_000);
        await waitFor(() => o.counters().reconcile.runs === 6, 'pass 6');
        expect(o.peer('192.0.2.10:3001')?.closed).toEqual({ at: T0 + 150_000, reason: 'no_socket' });
        expect(o.counters().reconcile).toMatchObject({ discovered: 3, closed: 2, errors: 0, sockets: 3 });
      } finally {
        await o.stop();
      }
      expect(clock.pending()).toBe(0);
    });
  });

  it('never closes anything when the socket tables cannot be read', async () => {
    await withTempDir(async (dir) => {
      const log = join(dir, 'node.json');
      await writeFile(log, coldToWarm(T0, '10.0.0.1:3001', '192.0.2.10:3001') + '\n');
      const clock = new VirtualClock(T0);
      const warnings: string[] = [];
      const o = new Observer({ log, follow: false, scheduler: clock, reconcile: { procPaths: [join(dir, 'missing')], graceMs: 0 } });
      o.on('warning', (w) => warnings.push(w));
      await o.start();
      await waitFor(() => o.counters().reconcile.errors === 1, 'the failed read');
      clock.advance(30_000);
      await waitFor(() => o.counters().reconcile.errors === 2, 'the second failed read');
      expect(o.peers()).toHaveLength(1);
      expect(warnings).toHaveLength(1); // said once, not every 30 s
      expect(warnings[0]).toMatch(/cannot read/);
      await o.stop();
    });
  });
});
