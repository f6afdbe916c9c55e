import { describe, expect, it } from 'vitest';
import { resultsJson, resultsOf } from '../../src/sim/run.js';
import { runSmall, SMALL } from './helpers.js';

const json = async (name: string, nodes: number, ms: number, set: string, seed: string) => {
  const { result, svgs } = await runSmall(name, nodes, ms, set, seed);
  return { text: resultsJson(resultsOf(seed, [result])), svgs: [...svgs.values()].join('\n') };
};

describe('determinism', () => {
  it('the same seed gives byte-identical results and charts; another seed gives different ones', async () => {
    const a = await json('bootstrap', 10, 90_000, SMALL, 'alpha');
    const b = await json('bootstrap', 10, 90_000, SMALL, 'alpha');
    const c = await json('bootstrap', 10, 90_000, SMALL, 'beta');
    expect(a.text.length).toBeGreaterThan(1000);
    expect(b.text).toBe(a.text);
    expect(b.svgs).toBe(a.svgs);
    expect(c.text).not.toBe(a.text);
    // Different seeds differ in what happened, not only in the seed field.
    expect(JSON.parse(c.text).scenarios[0].series).not.toEqual(JSON.parse(a.text).scenarios[0].series);
  });

  it('a larger network on the default address plan (shared /16s, Zipf-sized ASes) replays exactly too', async () => {
    const a = await json('bootstrap', 150, 4 * 60_000, 'sampleEvery=30s', 'delta');
    const b = await json('bootstrap', 150, 4 * 60_000, 'sampleEvery=30s', 'delta');
    expect(JSON.parse(a.text).scenarios[0].details.addressPlan.groups).toBeLessThan(150);
    expect(b.text).toBe(a.text);
    expect(b.svgs).toBe(a.svgs);
  });

  it('hostile hosts (lazily built farm hosts with their own identities and random streams) replay exactly too', async () => {
    const set = `${SMALL},sybilGroups=1,sybilIpsPerGroup=2,sybilIdsPerIp=3,sybilStart=1m,sybilJoinWindow=30s,sampleEvery=30s`;
    const a = await json('sybil', 8, 4 * 60_000, set, 'gamma');
    const b = await json('sybil', 8, 4 * 60_000, set, 'gamma');
    expect(JSON.parse(a.text).scenarios[0].details.swarm.connected).toBeGreaterThan(0);
    expect(b.text).toBe(a.text);
  });
});
