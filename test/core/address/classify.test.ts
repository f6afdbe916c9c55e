import { describe, expect, it } from 'vitest';
import { classify, formatNetGroup, isAcceptable, netGroup, type AddressClass } from '../../../src/core/address/index.js';

describe('classify', () => {
  const cases: [string, AddressClass][] = [
    ['1.2.3.4', 'routable'],
    ['250.1.1.1', 'routable'], // 240/4 is routable, as in Core
    ['224.0.0.1', 'routable'], // multicast too
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['0.1.2.3', 'local'],
    ['127.0.0.1', 'loopback'],
    ['127.255.1.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'routable'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80:0:0:1::1', 'routable'], // Core's RFC 4862 check is fe80::/64 only
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'routable'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.1', 'benchmarking'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['2001:10::1', 'orchid'],
    ['2001:20::1', 'orchid'],
    ['2001:30::1', 'routable'],
    ['2002:a00:1::1', 'routable'], // 6to4 of 10.0.0.1: Core checks IPv4 ranges on IPv4 only
    ['2a01:4f8::1', 'routable'],
  ];
  it.each(cases)('%s is %s', (ip, cls) => expect(classify(ip)).toBe(cls));

  it('accepts only routable addresses unless private or loopback are allowed', () => {
    expect(isAcceptable('1.2.3.4')).toBe(true);
    expect(isAcceptable('10.0.0.1')).toBe(false);
    expect(isAcceptable('10.0.0.1', { allowPrivate: true })).toBe(true);
    expect(isAcceptable('127.0.0.1')).toBe(false);
    expect(isAcceptable('127.0.0.1', { allowLoopback: true })).toBe(true);
    expect(isAcceptable('127.0.0.1', { allowPrivate: true })).toBe(false);
    expect(isAcceptable('169.254.0.1', { allowPrivate: true, allowLoopback: true })).toBe(false);
    expect(isAcceptable('0.0.0.0', { allowPrivate: true, allowLoopback: true })).toBe(false);
  });
});

describe('netGroup (Bitcoin Core netbase_getgroup vectors)', () => {
  const g = (ip: string, opts = {}) => Array.from(netGroup(ip, opts));
  it('groups unroutable addresses together', () => {
    expect(g('127.0.0.1')).toEqual([0]);
    expect(g('10.0.0.1')).toEqual([0]);
    expect(g('169.254.1.1')).toEqual([0]);
    expect(g('0.0.0.0')).toEqual([0]);
  });
  it('uses the /16 for IPv4 and IPv6 that embeds IPv4', () => {
    expect(g('1.2.3.4')).toEqual([1, 1, 2]);
    expect(g('::FFFF:0:102:304')).toEqual([1, 1, 2]); // RFC 6145
    expect(g('64:FF9B::102:304')).toEqual([1, 1, 2]); // RFC 6052
    expect(g('2002:102:304:9999:9999:9999:9999:9999')).toEqual([1, 1, 2]); // RFC 3964
    expect(g('2001:0:9999:9999:9999:9999:FEFD:FCFB')).toEqual([1, 1, 2]); // RFC 4380
  });
  it('uses /36 for he.net and /32 for other IPv6', () => {
    expect(g('2001:470:abcd:9999:9999:9999:9999:9999')).toEqual([2, 32, 1, 4, 112, 175]);
    expect(g('2001:2001:9999:9999:9999:9999:9999:9999')).toEqual([2, 32, 1, 32, 1]);
  });
  it('gives loopback and private addresses real groups when they are allowed', () => {
    expect(g('127.3.0.1', { allowLoopback: true })).toEqual([1, 127, 3]);
    expect(g('127.3.0.1')).toEqual([0]);
    expect(g('10.7.1.1', { allowPrivate: true })).toEqual([1, 10, 7]);
    expect(g('10.7.1.1', { allowLoopback: true })).toEqual([0]);
  });
  it('formats groups for display', () => {
    expect(formatNetGroup(netGroup('1.2.3.4'))).toBe('1.2.0.0/16');
    expect(formatNetGroup(netGroup('2001:2001::1'))).toBe('2001:2001::/32');
    expect(formatNetGroup(netGroup('2001:470:abcd::1'))).toBe('2001:470:a000::/36');
    expect(formatNetGroup(netGroup('10.0.0.1'))).toBe('unroutable');
  });
});
