import { describe, expect, it } from 'vitest';
import { parseStatusChange } from '../../src/observer/status-change.js';

const ep = (ip: string, port: number) => ({ ip, port });

describe('parseStatusChange', () => {
  it('reads ColdToWarm with Just, Nothing and (Nothing)', () => {
    expect(parseStatusChange('ColdToWarm (Just 172.0.118.125:3001) 3.228.174.253:6000')).toEqual({
      change: 'ColdToWarm',
      from: 'cold',
      to: 'warm',
      local: ep('172.0.118.125', 3001),
      remote: ep('3.228.174.253', 6000),
    });
    expect(parseStatusChange('ColdToWarm Nothing 3.228.174.253:6000')).toMatchObject({ local: undefined, remote: ep('3.228.174.253', 6000) });
    expect(parseStatusChange('ColdToWarm (Nothing) [2001:db8::9]:6000')).toMatchObject({ local: undefined, remote: ep('2001:db8::9', 6000) });
  });

  it('reads every ConnectionId transition, IPv4 and bracketed IPv6', () => {
    const cases = [
      ['WarmToHot', 'warm', 'hot'],
      ['HotToWarm', 'hot', 'warm'],
      ['WarmToCooling', 'warm', 'cooling'],
      ['HotToCooling', 'hot', 'cooling'],
      ['CoolingToCold', 'cooling', 'cold'],
      ['WarmToCold', 'warm', 'cold'],
      ['HotToCold', 'hot', 'cold'],
    ] as const;
    for (const [change, from, to] of cases) {
      expect(parseStatusChange(`${change} (ConnectionId {localAddress = 127.0.0.1:30000, remoteAddress = 127.0.0.1:30001})`)).toEqual({
        change,
        from,
        to,
        local: ep('127.0.0.1', 30000),
        remote: ep('127.0.0.1', 30001),
      });
    }
    // The real IPv6 string from openblockperf's docstring.
    expect(
      parseStatusChange(
        'WarmToCooling (ConnectionId {localAddress = [2a05:d014:1105:a503:8406:964c:5278:4c24]:3001, remoteAddress = [2600:4040:b4fd:f40:42e5:c5de:7ed3:ce19]:33525})',
      ),
    ).toMatchObject({ local: ep('2a05:d014:1105:a503:8406:964c:5278:4c24', 3001), remote: ep('2600:4040:b4fd:f40:42e5:c5de:7ed3:ce19', 33525) });
    // IPv4-mapped IPv6 as a dual-stack socket shows it: the canonical form is the IPv4 address.
    expect(parseStatusChange('HotToCooling (ConnectionId {localAddress = [::ffff:10.0.0.1]:3001, remoteAddress = [::ffff:10.0.0.2]:3001})')).toMatchObject({
      local: ep('10.0.0.1', 3001),
      remote: ep('10.0.0.2', 3001),
    });
  });

  it('returns undefined for anything else', () => {
    for (const bad of [
      '',
      'ColdToWarm',
      'ColdToWarm (Just 1.2.3.4) 5.6.7.8:1',
      'Sideways (ConnectionId {localAddress = 1.2.3.4:1, remoteAddress = 5.6.7.8:1})',
      'WarmToHot (ConnectionId {localAddress = 1.2.3.4:99999, remoteAddress = 5.6.7.8:1})',
      'WarmToHot (ConnectionId {localAddress = 2001:db8::1:1, remoteAddress = 5.6.7.8:1})',
    ]) {
      expect(parseStatusChange(bad), bad).toBeUndefined();
    }
  });
});
