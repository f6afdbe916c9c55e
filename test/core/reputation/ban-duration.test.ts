// A ban lasts at most 100 years: longer durations are refused with BanDurationError (code 'ban-duration-invalid'), and expiry stays exact.
import { PeerwardenError } from '../../../src/core/errors.js';
import { describe, expect, it } from 'vitest';
import { BanDurationError, BanList, MAX_BAN_DURATION_MS, checkBanDuration } from '../../../src/core/reputation/banlist.js';
import { VirtualClock } from '../../../src/platform/index.js';

describe('ban durations', () => {
  const clock = new VirtualClock(1_700_000_000_000);

  it('accepts up to exactly 100 years, with an exact expiry', () => {
    const bans = new BanList({ clock });
    const e = bans.add('10.0.0.1', { reason: 'long', durationMs: MAX_BAN_DURATION_MS });
    expect(MAX_BAN_DURATION_MS).toBe(3_155_760_000_000);
    expect(e.expiresAt! - e.createdAt).toBe(MAX_BAN_DURATION_MS);
    expect(Number.isSafeInteger(e.expiresAt)).toBe(true);
    expect(bans.add('10.0.0.2', { reason: 'forever', durationMs: Infinity }).expiresAt).toBeUndefined();
  });

  it('refuses longer, non-positive and non-numeric durations with a message that says what to do', () => {
    const bans = new BanList({ clock });
    for (const d of [MAX_BAN_DURATION_MS + 1, 1e308, Number.MAX_VALUE, 0, -5, NaN, -Infinity]) {
      let err: unknown;
      try {
        bans.add('10.0.0.3', { reason: 'x', durationMs: d });
      } catch (e) {
        err = e;
      }
      expect(err, String(d)).toBeInstanceOf(BanDurationError);
      expect(err).toBeInstanceOf(PeerwardenError);
      expect((err as BanDurationError).code).toBe('ban-duration-invalid');
      expect(checkBanDuration(d)).toBeInstanceOf(BanDurationError);
    }
    expect(() => bans.add('10.0.0.3', { reason: 'x', durationMs: 1e308 })).toThrow(/at most 100 years .* give a shorter duration, or none for a ban that lasts until it is lifted/);
    expect(bans.entries()).toEqual([]);
  });
});
