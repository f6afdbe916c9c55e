// Ban durations are bounded (100 years) everywhere an operator can give one: node.ban, POST /api/v1/bans and `peerwarden ban --for`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BanDurationError, MAX_BAN_DURATION_MS } from '../../src/core/reputation/banlist.js';
import { createNode } from '../../src/create-node.js';
import type { Node } from '../../src/node/index.js';
import { runCli } from '../helpers/cli.js';

let node: Node;
beforeAll(async () => {
  node = await createNode({ network: 'bans', dataDir: null, listen: '127.75.0.1:0', encryption: 'none', allowLoopback: true, api: {} });
  await node.start();
});
afterAll(() => node.stop());

const post = (body: unknown) =>
  fetch(`${node.api!.url}/api/v1/bans`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${node.api!.token}` } });

describe('bounded ban durations', () => {
  it('node.ban throws BanDurationError beyond 100 years and accepts 100 years exactly', () => {
    expect(() => node.ban('192.0.2.10', { reason: 'x', durationMs: 1e308 })).toThrow(BanDurationError);
    expect(() => node.ban('192.0.2.10', { reason: 'x', durationMs: MAX_BAN_DURATION_MS + 1 })).toThrow(/at most 100 years/);
    expect(() => node.ban('192.0.2.10', { reason: 'x', durationMs: 0 })).toThrow(BanDurationError);
    expect(node.bans().find((b) => b.target === '192.0.2.10')).toBeUndefined();
    const ok = node.ban('192.0.2.11', { reason: 'a century', durationMs: MAX_BAN_DURATION_MS });
    expect(ok.expiresAt! - ok.createdAt).toBe(MAX_BAN_DURATION_MS);
  });

  it('POST /api/v1/bans answers 400 invalid_duration, naming the field and the limit', async () => {
    for (const body of [{ target: '192.0.2.12', durationMs: 1e308 }, { target: '192.0.2.12', durationMs: MAX_BAN_DURATION_MS + 1 }, { target: '192.0.2.12', duration: '6000w' }]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid_duration');
      expect(error.message).toMatch(/too long: a ban lasts at most 100 years \(3155760000000 ms\); leave out duration and durationMs for a ban that lasts until it is lifted/);
      expect(error.message).toContain('duration' in body ? 'duration "6000w"' : `durationMs ${body.durationMs}`);
    }
    expect(node.bans().find((b) => b.target === '192.0.2.12')).toBeUndefined();
    expect((await post({ target: '192.0.2.13', durationMs: MAX_BAN_DURATION_MS })).status).toBe(201);
    expect((await post({ target: '192.0.2.14', duration: '5217w' })).status).toBe(201);
  });

  it('peerwarden ban --for says so before contacting any node (exit 2)', async () => {
    const r = await runCli(['ban', '192.0.2.15', '--for', '6000w', '--api', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--for 6000w is too long: a ban lasts at most 100 years \(5217w\); leave --for out to ban until unbanned/);
    const zero = await runCli(['ban', '192.0.2.15', '--for', '0s', '--api', 'http://127.0.0.1:9']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--for: a ban must last longer than 0/);
  });
});
