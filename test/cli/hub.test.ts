// `peerwarden hub` as a daemon: two nodes that know only the hub find each other through it.
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startDaemon, type Daemon } from '../helpers/daemon.js';

const running: Daemon[] = [];
afterAll(async () => {
  await Promise.all(running.map((d) => d.stop()));
});

describe('peerwarden hub', () => {
  it('introduces nodes that know only the hub to each other', async () => {
    const hub = await startDaemon('127.61.0.1', [], undefined, 'hub');
    running.push(hub);
    expect((await hub.http('GET', '/api/v1/status')).json.mode).toBe('hub');
    const first = await startDaemon('127.62.0.1', ['--hubs', hub.listen]);
    running.push(first);
    // The hub learns where the first node listens from its visit.
    await eventually(async () => (await hub.http('GET', '/api/v1/addresses')).json.addresses.some((a: { endpoint: string }) => a.endpoint === first.listen), 20_000, 'the hub to learn the first node');
    const second = await startDaemon('127.63.0.1', ['--hubs', hub.listen]);
    running.push(second);
    await eventually(
      async () => {
        const ids = (await second.http('GET', '/api/v1/peers')).json.peers.map((p: { id: string }) => p.id);
        return ids.includes(first.id);
      },
      30_000,
      'the second node to connect to the first',
    );
    const learned = (await second.http('GET', `/api/v1/peers/${first.id}`)).json.history.find((e: { kind: string }) => e.kind === 'peer:discovered');
    expect(learned.data.origin).toBe('hub');
  }, 60_000);
});
