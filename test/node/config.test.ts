import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Endpoint } from '../../src/core/address/index.js';
import {
  ConfigError,
  DEFAULT_LIMITS,
  DEFAULT_TARGETS,
  parseHostPort,
  resolveConfig,
  type HostPort,
  type LogLevel,
  type NodeConfig,
  type PeerRef,
  type ResolvedConfig,
} from '../../src/node/config.js';
import { VERSION } from '../../src/version.js';

function problemsOf(input: unknown): string[] {
  try {
    resolveConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('fills every default of DESIGN §11', () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({
      network: 'main',
      dataDir: './peerwarden-data',
      listen: [{ ip: '0.0.0.0', port: 7000 }],
      encryption: 'tls',
      seeds: [],
      dnsSeeds: [],
      hubs: [],
      staticPeers: [],
      trustedPeers: [],
      localProbe: null,
      hub: false,
      allowPrivate: false,
      allowLoopback: false,
      targets: DEFAULT_TARGETS,
      api: { listen: { ip: '127.0.0.1', port: 7001 } },
      logLevel: 'info',
      userAgent: `peerwarden/${VERSION}`,
    });
  });

  it('puts the API next to the p2p port and keeps dataDir null for in-memory nodes', () => {
    const c = resolveConfig({ listen: '127.1.0.1:9000', dataDir: null });
    // On the node's own loopback address, so the nodes of a devnet do not collide.
    expect(c.api).toMatchObject({ listen: { ip: '127.1.0.1', port: 9001 } });
    expect(resolveConfig({ listen: '0.0.0.0:9000' }).api).toMatchObject({ listen: { ip: '127.0.0.1', port: 9001 } });
    expect(resolveConfig({ listen: '10.1.2.3:9000' }).api).toMatchObject({ listen: { ip: '127.0.0.1', port: 9001 } });
    expect(c.dataDir).toBeNull();
    expect(resolveConfig({ listen: '127.0.0.1:0' }).api).toEqual({ listen: { ip: '127.0.0.1', port: 0 }, corsOrigins: [], allowedHosts: [] });
    expect(resolveConfig({ api: false }).api).toBe(false);
  });

  it('parses seeds, hubs, static and trusted peers', () => {
    const id = 'ab'.repeat(32);
    const c = resolveConfig({
      seeds: ['seed.example.org:7000', '1.2.3.4:7001', '[2001:db8::1]:7002', 'bare.example.org'],
      hubs: ['127.0.0.1:7100'],
      staticPeers: [id, `${id}@5.6.7.8:7000`, '9.9.9.9:1'],
      trustedPeers: [id.toUpperCase()],
      localProbe: { host: '127.0.0.1', ports: '7000-7011' },
    });
    expect(c.seeds).toEqual([
      { host: 'seed.example.org', port: 7000 },
      { host: '1.2.3.4', port: 7001 },
      { host: '2001:db8::1', port: 7002 },
      { host: 'bare.example.org', port: 7000 },
    ]);
    expect(c.staticPeers).toEqual([{ id }, { id, address: { host: '5.6.7.8', port: 7000 } }, { address: { host: '9.9.9.9', port: 1 } }]);
    expect(c.trustedPeers).toEqual([{ id }]);
    expect(c.localProbe).toEqual({ host: '127.0.0.1', fromPort: 7000, toPort: 7011 });
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      netwrk: 'x',
      listen: '1.2.3.4:99999',
      encryption: 'ssl',
      seeds: ['bad host:1', 42],
      targets: { hot: -1, outbund: 3 },
      api: { listen: 'nope' },
      logLevel: 'loud',
      hub: 'yes',
    });
    expect(problems.length).toBe(10);
    expect(problems.join("\n")).toMatch(/hub: expected true or false/);
    expect(problems.join('\n')).toMatch(/netwrk: unknown key \(did you mean "network"\?\)/);
    expect(problems.join('\n')).toMatch(/listen: .*port/);
    expect(problems.join('\n')).toMatch(/encryption: must be "tls" or "none"/);
    expect(problems.join('\n')).toMatch(/seeds\[0\]/);
    expect(problems.join('\n')).toMatch(/seeds\[1\]: expected a string/);
    expect(problems.join('\n')).toMatch(/targets.hot: expected a whole number/);
    expect(problems.join('\n')).toMatch(/targets.outbund: unknown key \(did you mean "outbound"\?\)/);
    expect(problems.join('\n')).toMatch(/api.listen/);
    expect(problems.join('\n')).toMatch(/logLevel/);
  });

  it('checks that targets are consistent', () => {
    expect(problemsOf({ targets: { hot: 20, outbound: 12 } })).toEqual(['targets.hot (20) cannot exceed targets.outbound (12)']);
    expect(problemsOf({ targets: { maxInbound: 200 } })[0]).toMatch(/maxInbound \(200\) cannot exceed targets.maxTotal/);
  });

  it('takes a nested key set to undefined as not given, and names the keys a group holds', () => {
    expect(resolveConfig({ targets: { hot: undefined }, api: { listen: undefined } })).toMatchObject({ targets: DEFAULT_TARGETS, api: { listen: { port: 7001 } } });
    expect(resolveConfig({}).limits).toEqual(DEFAULT_LIMITS);
    expect(problemsOf({ targets: null, limits: [] })).toEqual([
      'targets: expected { hot, outbound, maxInbound, maxTotal, maxInboundPerIp }, got null',
      'limits: expected { sendBudgetBytes, maxPendingHandshakes, maxPendingPerIp }, got []',
    ]);
    expect(problemsOf({ api: true })).toEqual(['api: expected { listen, corsOrigins, allowedHosts } or false, got true']);
    expect(problemsOf({ logLevel: 'loud', dataDir: 'a\0b' })).toEqual([
      'dataDir: contains a NUL byte',
      'logLevel: must be "trace", "debug", "info", "warn", "error", "fatal" or "silent", got "loud"',
    ]);
  });

  it('derives the public types from the schema, as they were written by hand', () => {
    type Targets = { hot: number; outbound: number; maxInbound: number; maxTotal: number; maxInboundPerIp: number };
    type Limits = { sendBudgetBytes: number; maxPendingHandshakes: number; maxPendingPerIp: number };
    expectTypeOf<NodeConfig>().toEqualTypeOf<{
      network?: string;
      dataDir?: string | null;
      listen?: string | string[];
      encryption?: 'tls' | 'none';
      seeds?: string[];
      dnsSeeds?: string[];
      hubs?: string[];
      staticPeers?: string[];
      trustedPeers?: string[];
      localProbe?: { host?: string; ports: string | number } | null;
      hub?: boolean;
      allowPrivate?: boolean;
      allowLoopback?: boolean;
      targets?: Partial<Targets>;
      asmap?: string | null;
      maxTriedPerSourceGroup?: number;
      limits?: Partial<Limits>;
      api?: { listen?: string; corsOrigins?: string[]; allowedHosts?: string[] } | false;
      logLevel?: LogLevel;
      userAgent?: string;
    }>();
    expectTypeOf<ResolvedConfig>().toEqualTypeOf<{
      network: string;
      dataDir: string | null;
      listen: Endpoint[];
      encryption: 'tls' | 'none';
      seeds: HostPort[];
      dnsSeeds: HostPort[];
      hubs: HostPort[];
      staticPeers: PeerRef[];
      trustedPeers: PeerRef[];
      localProbe: { host: string; fromPort: number; toPort: number } | null;
      hub: boolean;
      allowPrivate: boolean;
      allowLoopback: boolean;
      targets: Targets;
      asmap: string | null;
      maxTriedPerSourceGroup: number;
      limits: Limits;
      api: { listen: Endpoint; corsOrigins: string[]; allowedHosts: string[] } | false;
      logLevel: LogLevel;
      userAgent: string;
    }>();
  });

  it('refuses non-objects and bad local probes', () => {
    expect(problemsOf(null)[0]).toMatch(/must be an object/);
    expect(problemsOf({ localProbe: { ports: '9000-8000' } })[0]).toMatch(/localProbe.ports/);
    expect(problemsOf({ localProbe: { ports: '1-5000' } })[0]).toMatch(/at most 1024/);
    expect(problemsOf({ userAgent: 'x'.repeat(65) })[0]).toMatch(/at most 64 bytes/);
  });
});

describe('parseHostPort', () => {
  it('accepts names, IPv4 and bracketed IPv6, with or without a port', () => {
    expect(parseHostPort('a.example:1', 7)).toEqual({ host: 'a.example', port: 1 });
    expect(parseHostPort('a.example', 7)).toEqual({ host: 'a.example', port: 7 });
    expect(parseHostPort('[::1]:9', 7)).toEqual({ host: '::1', port: 9 });
    expect(parseHostPort('::1', 7)).toEqual({ host: '::1', port: 7 });
    expect(typeof parseHostPort('a.example', undefined)).toBe('string');
    expect(typeof parseHostPort('300.1.1.1:1', 7)).toBe('string');
    expect(typeof parseHostPort('-bad-.example:1', 7)).toBe('string');
  });
});
