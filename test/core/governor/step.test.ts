import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint, type Endpoint } from '../../../src/core/address/index.js';
import { createRandom } from '../../../src/core/random.js';
import { BanList } from '../../../src/core/reputation/index.js';
import {
  GovernorConfigError,
  createGovernorState,
  inspectGovernor,
  isExemptPeer,
  resolveGovernorConfig,
  selectAnchors,
  step,
  type AddressSource,
  type GovernorConfig,
  type GovernorEffect,
  type GovernorInput,
  type GovernorState,
} from '../../../src/core/governor/index.js';

const T0 = 1_700_000_000_000;
const id = (n: number) => n.toString(16).padStart(64, '0');

/** A book over a fixed list: picks in rotation (deterministic), with an optional tried collision. */
class ListSource implements AddressSource {
  i = 0;
  lastTry = new Map<string, number>();
  collision: Endpoint | undefined;
  newOnly: Endpoint[] | undefined;
  constructor(public list: Endpoint[]) {}
  select(opts: { newOnly?: boolean } = {}) {
    const pool = opts.newOnly && this.newOnly ? this.newOnly : this.list;
    if (pool.length === 0) return undefined;
    const ep = pool[this.i++ % pool.length]!;
    return { endpoint: ep, lastTry: this.lastTry.get(formatEndpoint(ep)) ?? 0 };
  }
  selectTriedCollision() {
    return this.collision ? { endpoint: this.collision, lastTry: 0 } : undefined;
  }
  size() {
    return this.list.length;
  }
}

/** Endpoints in distinct /16s (n of them), or in one /16 when `sameGroup`. */
function endpoints(n: number, sameGroup = false, base = 30): Endpoint[] {
  return Array.from({ length: n }, (_, i) => parseEndpoint(sameGroup ? `${base}.1.0.${i + 1}:7000` : `${base + Math.floor(i / 200)}.${i % 200}.0.1:7000`));
}

class Harness {
  clock = { t: T0, now: () => this.clock.t };
  random = createRandom(1);
  bans = new BanList({ clock: this.clock });
  discouraged = new Set<string>();
  scores = new Map<string, number>();
  state: GovernorState;
  constructor(
    public source: ListSource,
    config: GovernorConfig = {},
    anchors: string[] = [],
  ) {
    this.state = createGovernorState(config, this.clock, this.random, { anchors });
  }
  step(input: GovernorInput): GovernorEffect[] {
    const r = step(this.state, input, this.clock, this.random, {
      addresses: this.source,
      bans: this.bans,
      isDiscouraged: (ip) => this.discouraged.has(ip),
      scoreOf: (x) => this.scores.get(x) ?? 0,
    });
    this.state = r.state;
    for (const e of r.effects) if (e.type === 'bookAttempt') this.source.lastTry.set(formatEndpoint(e.endpoint), this.clock.t);
    return r.effects;
  }
  at(ms: number): this {
    this.clock.t = T0 + ms;
    return this;
  }
  advance(ms: number): this {
    this.clock.t += ms;
    return this;
  }
  /** Completes every pending dial (success), returning all effects. */
  connectAll(idBase = 1000): GovernorEffect[] {
    const out: GovernorEffect[] = [];
    let n = idBase;
    for (const d of [...this.state.dials.values()]) {
      out.push(...this.step({ type: 'dialSucceeded', endpoint: d.endpoint }));
      out.push(...this.step({ type: 'handshakeDone', id: id(n++), endpoint: d.endpoint, direction: 'outbound' }));
    }
    return out;
  }
}

const of = <T extends GovernorEffect['type']>(effects: GovernorEffect[], type: T) => effects.filter((e) => e.type === type) as Extract<GovernorEffect, { type: T }>[];
const events = (effects: GovernorEffect[]) => of(effects, 'emit').map((e) => e.event);

describe('configuration', () => {
  it('has the design defaults', () => {
    const c = resolveGovernorConfig();
    expect(c.targets).toEqual({ hot: 8, outbound: 12, maxInbound: 100, maxTotal: 125, hotInbound: 100 });
    expect([c.maxInboundPerIp, c.feelerIntervalMs, c.churnIntervalMs, c.churnJitterMs, c.churnFraction, c.backoffBaseMs, c.anchorCount]).toEqual([
      4, 120_000, 3_300_000, 600_000, 0.2, 5000, 2,
    ]);
  });

  it('lists every problem at once', () => {
    try {
      resolveGovernorConfig({ targets: { hot: 20, outbound: 12, maxTotal: -1 }, maxInboundPerIp: 0, staticPeers: ['nope'], trustedPeers: ['nope'] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GovernorConfigError);
      const problems = (e as GovernorConfigError).problems;
      expect(problems.length).toBeGreaterThanOrEqual(5);
      expect(problems.join('\n')).toMatch(/targets.hot \(20\) cannot exceed targets.outbound/);
      expect(problems.join('\n')).toMatch(/staticPeers/);
      expect(problems.join('\n')).toMatch(/trustedPeers/);
    }
  });
});

describe('filling outbound slots', () => {
  it('dials up to the concurrency limit at the first tick, one per net group, and records attempts', () => {
    const h = new Harness(new ListSource(endpoints(30)));
    const fx = h.step({ type: 'tick' });
    const dials = of(fx, 'dial');
    expect(dials).toHaveLength(4);
    expect(dials.every((d) => d.purpose === 'outbound')).toBe(true);
    // Offline (no outbound peers yet): failures are not counted against addresses.
    expect(of(fx, 'bookAttempt').map((a) => a.countFailure)).toEqual([false, false, false, false]);
    expect(events(fx).filter((e) => e.type === 'peer:dialing')).toHaveLength(4);
    expect(h.state.nextTickAt).toBe(h.clock.t + 1000);
  });

  it('never dials two addresses of one net group', () => {
    const h = new Harness(new ListSource(endpoints(30, true)));
    const fx = h.step({ type: 'tick' });
    expect(of(fx, 'dial')).toHaveLength(1);
    h.connectAll();
    expect(of(h.step({ type: 'tick' }), 'dial')).toHaveLength(0);
  });

  it('reaches 12 outbound, 8 of them hot, sends GETADDR and marks addresses good', () => {
    const h = new Harness(new ListSource(endpoints(40)));
    let all: GovernorEffect[] = [];
    for (let i = 0; i < 5; i++) {
      all = all.concat(h.step({ type: 'tick' }), h.connectAll(2000 + i * 10));
      h.advance(1000);
    }
    const view = inspectGovernor(h.state, h.clock.t);
    expect(view.peers.outbound.hot).toHaveLength(8);
    expect(view.peers.outbound.warm).toHaveLength(4);
    expect(of(all, 'sendGetAddr')).toHaveLength(12);
    expect(of(all, 'bookGood')).toHaveLength(12);
    expect(of(all, 'promote')).toHaveLength(8);
    expect(events(all).filter((e) => e.type === 'peer:promoted').every((e) => /filling hot slot/.test(e.reason))).toBe(true);
    // At target, ticks slow down.
    expect(h.state.nextTickAt - h.clock.t).toBeGreaterThan(1000);
  });

  it('dials anchors first', () => {
    const h = new Harness(new ListSource(endpoints(10)), {}, ['99.1.0.1:7000', '98.1.0.1:7000']);
    const dials = of(h.step({ type: 'tick' }), 'dial');
    expect(dials.slice(0, 2).map((d) => [formatEndpoint(d.endpoint), d.purpose])).toEqual([
      ['99.1.0.1:7000', 'anchor'],
      ['98.1.0.1:7000', 'anchor'],
    ]);
  });

  it('keeps trying with zero peers: asks for addresses, then dials when they arrive', () => {
    const src = new ListSource([]);
    const h = new Harness(src);
    const first = h.step({ type: 'tick' });
    expect(of(first, 'requestAddresses')).toHaveLength(1);
    expect(of(first, 'requestAddresses')[0]!.reason).toMatch(/outbound 0\/12/);
    // Ticks keep coming every second; the address request is repeated at most once a minute.
    let requests = 0;
    for (let i = 0; i < 120; i++) {
      h.at(h.state.nextTickAt - T0);
      requests += of(h.step({ type: 'tick' }), 'requestAddresses').length;
    }
    expect(h.state.nextTickAt - h.clock.t).toBe(1000);
    expect(requests).toBe(2);
    src.list = endpoints(3);
    expect(of(h.step({ type: 'addressesLearned', count: 3 }), 'dial')).toHaveLength(3);
  });

  it('a starved fill is not repeated for ticks or news that left the size of the book unchanged, for a pause that doubles from 500 ms to 16 s', () => {
    // Every known address sits in one /16: one dial, then nothing dialable in a new group.
    const src = new ListSource(endpoints(5, true));
    let picks = 0;
    const select = src.select.bind(src);
    src.select = (o) => (picks++, select(o));
    const h = new Harness(src);
    expect(of(h.step({ type: 'tick' }), 'dial')).toHaveLength(1);
    expect(h.state.starved).toEqual({ at: h.clock.t, until: h.clock.t + 500, bookSize: 5, rounds: 1 });
    picks = 0;
    h.advance(100);
    h.step({ type: 'addressesLearned', count: 1 });
    expect(picks).toBe(0);
    h.advance(400);
    h.step({ type: 'addressesLearned', count: 1 });
    expect(picks).toBe(100);
    // A grown book is news: picks at once, and the new address in a fresh /16 is dialled.
    picks = 0;
    h.advance(10);
    src.list = [...src.list, ...endpoints(1, false, 90)];
    expect(of(h.step({ type: 'addressesLearned', count: 1 }), 'dial').map((d) => d.endpoint.ip)).toEqual(['90.0.0.1']);
    expect(picks).toBeGreaterThan(0);
    // Starved again with an unchanged book: ticks (every second, below target) pick after pauses
    // of 0.5, 1, 2, 4, 8, 16 and 16 s, at seconds 1, 2, 4, 8, 16, 32 and 48: 7 rounds in 50 s, not 50.
    expect(h.state.starved?.rounds).toBe(1);
    picks = 0;
    for (let i = 0; i < 50; i++) {
      h.advance(1000);
      h.step({ type: 'tick' });
    }
    expect(picks).toBe(7 * 100);
    expect(h.state.nextTickAt - h.clock.t).toBe(1000);
  });

  it('never dials banned or discouraged addresses, its own address, or port 0', () => {
    const list = endpoints(6);
    const h = new Harness(new ListSource([...list, parseEndpoint('50.0.0.1:0')]), { self: [formatEndpoint(list[2]!)] });
    h.bans.add(list[0]!.ip, { reason: 'x' });
    h.bans.add(`${list[1]!.ip.split('.').slice(0, 2).join('.')}.0.0/16`, { reason: 'x' });
    h.discouraged.add(list[3]!.ip);
    const dialled = of(h.step({ type: 'tick' }), 'dial').map((d) => formatEndpoint(d.endpoint));
    expect(dialled.sort()).toEqual([list[4], list[5]].map((e) => formatEndpoint(e!)).sort());
  });
});

describe('failures and backoff', () => {
  it('backs off an endpoint 5 s ±20 % after a failure, doubling after each', () => {
    const ep = endpoints(1);
    const h = new Harness(new ListSource(ep), { recentTryMs: 0 });
    h.step({ type: 'tick' });
    const fx = h.step({ type: 'dialFailed', endpoint: ep[0]!, reason: 'refused' });
    const ev = events(fx).find((e) => e.type === 'peer:dial-failed')!;
    expect(ev.reason).toBe('refused');
    expect(ev.data!.failures).toBe(1);
    const retryIn = ev.data!.retryInMs as number;
    expect(retryIn).toBeGreaterThanOrEqual(4000);
    expect(retryIn).toBeLessThanOrEqual(6000);
    h.advance(retryIn - 1);
    expect(of(h.step({ type: 'tick' }), 'dial')).toHaveLength(0);
    h.advance(1);
    expect(of(h.step({ type: 'tick' }), 'dial')).toHaveLength(1);
    const second = events(h.step({ type: 'dialFailed', endpoint: ep[0]!, reason: 'refused' })).find((e) => e.type === 'peer:dial-failed')!;
    expect(second.data!.failures).toBe(2);
    expect(second.data!.retryInMs).toBeGreaterThanOrEqual(8000);
    expect(inspectGovernor(h.state, h.clock.t).backoff[0]).toMatchObject({ endpoint: formatEndpoint(ep[0]!), failures: 2 });
  });

  it('gives up a dial with no result after the dial timeout', () => {
    const h = new Harness(new ListSource(endpoints(1)), { dialTimeoutMs: 10_000 });
    h.step({ type: 'tick' });
    expect(h.state.nextTickAt).toBeLessThanOrEqual(h.clock.t + 10_000);
    h.advance(10_000);
    const fx = h.step({ type: 'tick' });
    expect(of(fx, 'cancelDial')).toHaveLength(1);
    expect(h.state.dials.size).toBe(0);
  });

  it('counts a connection dropped within 2 minutes as a failure, and clears failures after a longer one', () => {
    const ep = endpoints(2);
    const h = new Harness(new ListSource(ep));
    h.step({ type: 'tick' });
    h.connectAll(1);
    h.advance(10_000);
    h.step({ type: 'disconnected', id: id(1), endpoint: ep[0]!, reason: 'reset' });
    expect(h.state.backoff.get(formatEndpoint(ep[0]!))?.failures).toBe(1);
    h.advance(200_000);
    const fx = h.step({ type: 'disconnected', id: id(2), endpoint: ep[1]!, reason: 'goodbye' });
    expect(h.state.backoff.has(formatEndpoint(ep[1]!))).toBe(false);
    expect(of(fx, 'bookConnected').map((e) => formatEndpoint(e.endpoint))).toEqual([formatEndpoint(ep[1]!)]);
    expect(events(fx).find((e) => e.type === 'peer:disconnected')).toMatchObject({ id: id(2), reason: 'goodbye' });
  });

  it('forgets all backoff when the network changes', () => {
    const ep = endpoints(1);
    const h = new Harness(new ListSource(ep), { recentTryMs: 0 });
    h.step({ type: 'tick' });
    h.step({ type: 'dialFailed', endpoint: ep[0]!, reason: 'network unreachable' });
    expect(of(h.step({ type: 'networkChanged' }), 'dial')).toHaveLength(1);
  });
});

describe('feelers', () => {
  function full(): Harness {
    const h = new Harness(new ListSource(endpoints(40)));
    for (let i = 0; i < 4; i++) {
      h.step({ type: 'tick' });
      h.connectAll(3000 + i * 10);
    }
    return h;
  }

  it('tests a tried collision first, then marks it good and closes', () => {
    const h = full();
    const col = parseEndpoint('77.7.0.1:7000');
    h.source.collision = col;
    h.at(h.state.feelerAt - T0);
    const fx = h.step({ type: 'tick' });
    expect(fx.findIndex((e) => e.type === 'resolveCollisions')).toBeLessThan(fx.findIndex((e) => e.type === 'dial'));
    const dial = of(fx, 'dial')[0]!;
    expect([formatEndpoint(dial.endpoint), dial.purpose]).toEqual(['77.7.0.1:7000', 'feeler']);
    expect(dial.reason).toMatch(/test-before-evict/);
    const done = h.step({ type: 'handshakeDone', id: id(9), endpoint: col, direction: 'outbound' });
    expect(of(done, 'bookGood')).toHaveLength(1);
    expect(of(done, 'disconnect')[0]).toMatchObject({ id: id(9), reason: expect.stringMatching(/feeler/) });
    expect(of(done, 'promote')).toHaveLength(0);
    h.step({ type: 'disconnected', id: id(9), endpoint: col, reason: 'closed' });
    expect(h.state.dials.size).toBe(0);
    expect(h.state.peers.size).toBe(12);
  });

  it('otherwise picks a new-table address, ignoring net-group diversity, once outbound is full', () => {
    const h = full();
    // The only new address shares a net group with an outbound peer: fine for a feeler.
    const busyGroup = [...h.state.peers.values()][0]!.endpoint.ip.split('.').slice(0, 2).join('.');
    h.source.newOnly = [parseEndpoint(`${busyGroup}.9.9:7000`)];
    h.at(h.state.feelerAt - T0);
    const dial = of(h.step({ type: 'tick' }), 'dial');
    expect(dial.map((d) => [formatEndpoint(d.endpoint), d.purpose])).toEqual([[`${busyGroup}.9.9:7000`, 'feeler']]);
    // The next feeler is 1–3 minutes later.
    expect(h.state.feelerAt - h.clock.t).toBeGreaterThanOrEqual(60_000);
    expect(h.state.feelerAt - h.clock.t).toBeLessThanOrEqual(180_000);
  });

  it('makes no feeler while outbound is not full', () => {
    const h = new Harness(new ListSource(endpoints(3)));
    h.step({ type: 'tick' });
    h.connectAll();
    h.source.collision = parseEndpoint('77.7.0.1:7000');
    h.at(h.state.feelerAt - T0 + 1);
    expect(of(h.step({ type: 'tick' }), 'dial').filter((d) => d.purpose === 'feeler')).toHaveLength(0);
  });
});

describe('churn', () => {
  function full(): Harness {
    const h = new Harness(new ListSource(endpoints(60)), { recentTryMs: 0 });
    for (let i = 0; i < 4; i++) {
      h.step({ type: 'tick' });
      h.connectAll(4000 + i * 10);
    }
    return h;
  }

  it('demotes the lowest-scoring hot peer and closes a random warm one, then refills', () => {
    const h = full();
    const hot = [...h.state.peers.values()].filter((p) => p.temperature === 'hot');
    h.scores.set(hot[3]!.id, -15);
    h.scores.set(hot[5]!.id, -5);
    const churnIn = h.state.churnAt - h.clock.t;
    expect(churnIn).toBeGreaterThanOrEqual(45 * 60_000);
    expect(churnIn).toBeLessThanOrEqual(65 * 60_000);
    h.at(h.state.churnAt - T0);
    const fx = h.step({ type: 'tick' });
    const demoted = of(fx, 'demote');
    expect(demoted.map((d) => d.id)).toEqual([hot[3]!.id]);
    expect(demoted[0]!.reason).toMatch(/churn: .*lowest score first \(score -15\.0\)/);
    const closed = of(fx, 'disconnect');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.reason).toMatch(/churn/);
    // A warm peer took the hot slot (not the one just demoted), and a new dial fills the warm gap.
    const promoted = of(fx, 'promote');
    expect(promoted).toHaveLength(1);
    expect(promoted[0]!.id).not.toBe(hot[3]!.id);
    expect(of(fx, 'dial')).toHaveLength(1);
    expect(h.state.churnAt - h.clock.t).toBeGreaterThanOrEqual(45 * 60_000);
  });

  it('never touches busy peers', () => {
    const h = full();
    for (const p of h.state.peers.values()) h.step({ type: 'peerBusy', id: p.id, busy: true });
    h.at(h.state.churnAt - T0);
    const fx = h.step({ type: 'tick' });
    expect(of(fx, 'demote')).toHaveLength(0);
    expect(of(fx, 'disconnect')).toHaveLength(0);
  });
});

describe('static, manual and trusted peers', () => {
  it('keeps static peers connected: dialled at once, redialled with backoff, always hot, outside the targets', () => {
    const st = '60.1.0.1:7000';
    const h = new Harness(new ListSource([]), { staticPeers: [st] });
    let fx = h.step({ type: 'tick' });
    expect(of(fx, 'dial').map((d) => [formatEndpoint(d.endpoint), d.purpose])).toEqual([[st, 'static']]);
    fx = h.step({ type: 'dialFailed', endpoint: st, reason: 'refused' });
    expect(of(fx, 'dial')).toHaveLength(0);
    const retryAt = h.state.backoff.get(st)!.retryAt;
    expect(h.state.nextTickAt).toBeLessThanOrEqual(retryAt);
    h.at(retryAt - T0);
    fx = h.step({ type: 'tick' });
    expect(of(fx, 'dial')[0]!.reason).toMatch(/reconnecting after 1 failure/);
    fx = h.step({ type: 'handshakeDone', id: id(7), endpoint: st, direction: 'outbound' });
    expect(of(fx, 'promote')[0]).toMatchObject({ id: id(7), reason: 'static peer: always hot' });
    expect(inspectGovernor(h.state, h.clock.t).staticPeers).toEqual([{ endpoint: st, connected: true }]);
  });

  it('does not dial a static peer under a manual ban', () => {
    const st = '60.1.0.1:7000';
    const h = new Harness(new ListSource([]), { staticPeers: [st] });
    h.bans.add('60.1.0.1', { reason: 'operator' });
    expect(of(h.step({ type: 'tick' }), 'dial')).toHaveLength(0);
  });

  it('dials a manual connection at once, bypassing net-group diversity, and keeps it hot', () => {
    const ep = endpoints(2, true);
    const h = new Harness(new ListSource([ep[0]!]));
    h.step({ type: 'tick' });
    h.connectAll(1);
    const fx = h.step({ type: 'connectRequested', endpoint: ep[1]! });
    expect(of(fx, 'dial').map((d) => d.purpose)).toEqual(['manual']);
    const done = h.step({ type: 'handshakeDone', id: id(2), endpoint: ep[1]!, direction: 'outbound' });
    expect(of(done, 'promote')[0]!.reason).toMatch(/manual/);
  });

  it('refuses to dial a banned target even when asked', () => {
    const h = new Harness(new ListSource([]));
    h.bans.add('61.1.0.1', { reason: 'x' });
    const fx = h.step({ type: 'connectRequested', endpoint: '61.1.0.1:7000' });
    expect(of(fx, 'dial')).toHaveLength(0);
    expect(events(fx)[0]).toMatchObject({ type: 'peer:dial-failed', reason: expect.stringMatching(/banned/) });
  });

  it('admits trusted addresses even when inbound is full', () => {
    const h = new Harness(new ListSource([]), { targets: { maxInbound: 1 }, trustedPeers: ['62.1.0.1'] });
    expect(of(h.step({ type: 'inboundRequested', endpoint: '63.1.0.1:5000' }), 'acceptInbound')).toHaveLength(1);
    expect(of(h.step({ type: 'inboundRequested', endpoint: '64.1.0.1:5000' }), 'refuseInbound')).toHaveLength(1);
    expect(of(h.step({ type: 'inboundRequested', endpoint: '62.1.0.1:5000' }), 'acceptInbound')).toHaveLength(1);
  });
});

describe('inbound admission', () => {
  function withInbound(n: number, config: GovernorConfig = {}): Harness {
    const h = new Harness(new ListSource([]), config);
    for (let i = 0; i < n; i++) {
      const ep = `${100 + (i % 50)}.${i}.0.1:${5000 + i}`;
      h.step({ type: 'inboundRequested', endpoint: ep });
      h.advance(1000);
      h.step({ type: 'handshakeDone', id: id(100 + i), endpoint: ep, direction: 'inbound' });
    }
    return h;
  }

  it('makes inbound peers hot and refuses a fifth connection from one IP', () => {
    const h = new Harness(new ListSource([]));
    for (let i = 0; i < 4; i++) {
      expect(of(h.step({ type: 'inboundRequested', endpoint: `70.1.0.1:${6000 + i}` }), 'acceptInbound')).toHaveLength(1);
    }
    const fx = h.step({ type: 'inboundRequested', endpoint: '70.1.0.1:6004' });
    expect(of(fx, 'refuseInbound')[0]!.reason).toMatch(/already 4 inbound connections from 70\.1\.0\.1/);
    const done = h.step({ type: 'handshakeDone', id: id(1), endpoint: '70.1.0.1:6000', direction: 'inbound' });
    expect(of(done, 'promote')[0]!.reason).toMatch(/inbound peer/);
  });

  it('refuses banned addresses before any handshake', () => {
    const h = new Harness(new ListSource([]));
    h.bans.add('71.0.0.0/8', { reason: 'x' });
    expect(of(h.step({ type: 'inboundRequested', endpoint: '71.2.3.4:1' }), 'refuseInbound')[0]!.reason).toBe('banned address');
  });

  it('admits discouraged addresses only while two slots are free, and marks them to evict first', () => {
    const h = withInbound(3, { targets: { maxInbound: 5 } });
    h.discouraged.add('72.1.1.1');
    expect(of(h.step({ type: 'inboundRequested', endpoint: '72.1.1.1:1' }), 'acceptInbound')).toHaveLength(1);
    expect(of(h.step({ type: 'inboundRequested', endpoint: '72.1.1.1:2' }), 'refuseInbound')[0]!.reason).toMatch(/discouraged/);
  });

  it('evicts when full and more than 20 inbound peers can be evicted; refuses otherwise', () => {
    const small = withInbound(20, { targets: { maxInbound: 20 } });
    expect(of(small.step({ type: 'inboundRequested', endpoint: '80.1.0.1:1' }), 'refuseInbound')[0]!.reason).toMatch(/inbound full \(20\/20\)/);
    const h = withInbound(30, { targets: { maxInbound: 30 } });
    const fx = h.step({ type: 'inboundRequested', endpoint: '80.1.0.1:1' });
    const evicted = of(fx, 'disconnect');
    expect(evicted).toHaveLength(1);
    expect(evicted[0]!.reason).toMatch(/evicted/);
    expect(of(fx, 'acceptInbound')).toHaveLength(1);
    const victim = evicted[0]!.id!;
    const done = h.step({ type: 'disconnected', id: victim, endpoint: evicted[0]!.endpoint, reason: 'closed' });
    expect(events(done)[0]).toMatchObject({ type: 'peer:disconnected', reason: expect.stringMatching(/evicted/) });
  });

  it('never evicts busy peers', () => {
    const h = withInbound(30, { targets: { maxInbound: 30 } });
    for (const p of h.state.peers.values()) h.step({ type: 'peerBusy', id: p.id, busy: true });
    const fx = h.step({ type: 'inboundRequested', endpoint: '80.1.0.1:1' });
    expect(of(fx, 'disconnect')).toHaveLength(0);
    expect(of(fx, 'refuseInbound')).toHaveLength(1);
  });
});

describe('bans, busy, shutdown', () => {
  it('closes peers a new ban covers and cancels matching dials', () => {
    const ep = endpoints(6);
    const h = new Harness(new ListSource(ep));
    h.step({ type: 'tick' });
    h.connectAll(1);
    h.step({ type: 'tick' });
    const pending = [...h.state.dials.values()][0]!;
    const peer = h.state.peers.get(id(1))!;
    for (const target of [peer.endpoint.ip, pending.endpoint.ip]) {
      const ban = h.bans.add(target, { reason: 'test' });
      const fx = h.step({ type: 'banAdded', ban });
      expect(of(fx, 'disconnect').length + of(fx, 'cancelDial').length).toBe(1);
    }
    expect(h.state.peers.get(id(1))!.closing).toMatch(/banned/);
  });

  it('emits busy changes once', () => {
    const h = new Harness(new ListSource([]));
    h.step({ type: 'inboundRequested', endpoint: '90.1.0.1:1' });
    h.step({ type: 'handshakeDone', id: id(1), endpoint: '90.1.0.1:1', direction: 'inbound' });
    expect(events(h.step({ type: 'peerBusy', id: id(1), busy: true }))).toHaveLength(1);
    expect(events(h.step({ type: 'peerBusy', id: id(1), busy: true }))).toHaveLength(0);
  });

  it('saves the 2 longest-connected hot outbound peers as anchors at shutdown, then dials nothing', () => {
    const h = new Harness(new ListSource(endpoints(40)));
    for (let i = 0; i < 4; i++) {
      h.step({ type: 'tick' });
      h.connectAll(5000 + i * 10);
      h.advance(1000);
    }
    const expected = [...h.state.peers.values()].filter((p) => p.temperature === 'hot').sort((a, b) => a.connectedAt - b.connectedAt).slice(0, 2).map((p) => p.endpointKey);
    expect(selectAnchors(h.state).map((e) => formatEndpoint(e))).toEqual(expected);
    const fx = h.step({ type: 'shutdown' });
    expect(of(fx, 'saveAnchors')[0]!.endpoints.map((e) => formatEndpoint(e))).toEqual(expected);
    for (const p of [...h.state.peers.values()]) h.step({ type: 'disconnected', id: p.id, endpoint: p.endpoint, reason: 'stopping' });
    expect(of(h.step({ type: 'tick' }), 'dial')).toHaveLength(0);
  });

  it('saves anchors whenever the set changes while running (so kill -9 keeps them), never an empty set', () => {
    const h = new Harness(new ListSource(endpoints(40)));
    const saved: string[][] = [];
    const run = (input: GovernorInput) => {
      for (const e of of(h.step(input), 'saveAnchors')) saved.push(e.endpoints.map((x) => formatEndpoint(x)));
    };
    run({ type: 'tick' });
    for (const d of [...h.state.dials.values()]) {
      run({ type: 'dialSucceeded', endpoint: d.endpoint });
      run({ type: 'handshakeDone', id: id(saved.length + 100 + h.state.peers.size), endpoint: d.endpoint, direction: 'outbound' });
      h.advance(10);
    }
    run({ type: 'tick' });
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.at(-1)).toEqual(selectAnchors(h.state).map((e) => formatEndpoint(e)));
    expect(saved.every((set) => set.length > 0)).toBe(true);
    // Nothing new when nothing changed.
    const before = saved.length;
    run({ type: 'tick' });
    expect(saved.length).toBe(before);
    // The oldest anchor goes: the set changes and is saved again.
    const oldest = [...h.state.peers.values()].find((p) => p.endpointKey === saved.at(-1)![0])!;
    run({ type: 'disconnected', id: oldest.id, endpoint: oldest.endpoint, reason: 'gone' });
    expect(saved.length).toBe(before + 1);
    expect(saved.at(-1)).not.toContain(oldest.endpointKey);
    // Losing every peer never saves an empty set: the last surviving anchors stay for the next start.
    for (const p of [...h.state.peers.values()]) run({ type: 'disconnected', id: p.id, endpoint: p.endpoint, reason: 'outage' });
    expect(h.state.peers.size).toBe(0);
    expect(saved.every((set) => set.length > 0)).toBe(true);
    expect(saved.at(-1)!.length).toBeGreaterThan(0);
  });

  it('exposes an inspectable JSON view', () => {
    const h = new Harness(new ListSource(endpoints(3)));
    h.step({ type: 'tick' });
    h.connectAll(1);
    const view = inspectGovernor(h.state, h.clock.t);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect(view.counts.autoOutbound).toBe(3);
    expect(view.peers.outbound.hot[0]).toMatchObject({ direction: 'outbound', temperature: 'hot', netGroup: '30.0.0.0/16' });
  });
});

describe('isExemptPeer', () => {
  it('recognises static and trusted peers by id and by IP', () => {
    const h = new Harness(new ListSource([]), { staticPeers: ['60.1.0.1:7000', id(5)], trustedPeers: [id(6), '61.0.0.9'] });
    expect(isExemptPeer(h.state, { id: id(5) })).toBe(true);
    expect(isExemptPeer(h.state, { id: id(6).toUpperCase() })).toBe(true);
    expect(isExemptPeer(h.state, { ip: '60.1.0.1' })).toBe(true);
    expect(isExemptPeer(h.state, { ip: '61.0.0.9' })).toBe(true);
    expect(isExemptPeer(h.state, { id: id(7), ip: '62.0.0.1' })).toBe(false);
  });
});
