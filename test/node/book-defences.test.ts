// The address-book defence as a node setting: its default, its range, and how it reaches the book (0 leaves Core's book untouched).
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/node/config.js';
import { DEFAULT_MAX_TRIED_PER_SOURCE_GROUP } from '../../src/node/config-schema.js';
import { withBookDefences } from '../../src/node/create-node.js';

describe('maxTriedPerSourceGroup (node setting)', () => {
  it('defaults to the value the eclipse study chose, takes 0 for Core and refuses what is not a count', () => {
    expect(resolveConfig({}).maxTriedPerSourceGroup).toBe(DEFAULT_MAX_TRIED_PER_SOURCE_GROUP);
    expect(DEFAULT_MAX_TRIED_PER_SOURCE_GROUP).toBeGreaterThan(0);
    expect(resolveConfig({ maxTriedPerSourceGroup: 0 }).maxTriedPerSourceGroup).toBe(0);
    expect(() => resolveConfig({ maxTriedPerSourceGroup: -1 })).toThrow(/maxTriedPerSourceGroup: expected a whole number 0-100000 \(0: no limit, as Bitcoin Core\)/);
    expect(() => resolveConfig({ maxTriedPerSourceGroup: 1.5 })).toThrow(/maxTriedPerSourceGroup/);
  });

  it('reaches the book through the runtime; 0 passes nothing (the book stays Core\'s); a runtime setting wins', () => {
    const runtime = { addressBook: { newBucketCount: 16 } };
    expect(withBookDefences(0, runtime)).toBe(runtime);
    expect(withBookDefences(0, {})).toEqual({});
    expect(withBookDefences(4, runtime)).toEqual({ addressBook: { newBucketCount: 16, maxTriedPerSourceGroup: 4 } });
    expect(withBookDefences(4, {})).toEqual({ addressBook: { maxTriedPerSourceGroup: 4 } });
    const own = { addressBook: { maxTriedPerSourceGroup: 9 } };
    expect(withBookDefences(4, own)).toBe(own);
  });
});
