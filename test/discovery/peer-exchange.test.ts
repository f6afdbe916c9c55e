import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint, type Endpoint } from '../../src/core/address/index.js';
import { createRandom } from '../../src/core/random.js';
import { GOSSIP_PENALTY_MS, PeerExchange, type ExchangePeer } from '../../src/discovery/peer-exchange.js';
import { VirtualClock } from '../../src/platform/index.js';
import type { AddrEntry } from '../../src/wire/control-codec.js';
import { book, recordingSink } from './fakes.js';

interface FakePeer extends ExchangePeer {
  sent: AddrEntry[][];
  getaddrs: number;
}

function peer(id: string, direction: 'inbound' | 'outbound', ip: string, listenPort = 7000): FakePeer {
  const p: FakePeer = {
    id: id.padEnd(64, '0'),
    direction,
    remoteEndpoint: { ip, port: direction === 'inbound' ? 50000 : listenPort },
    listenEndpoint: listenPort ? { ip, port: listenPort } : undefined,
    sent: [],
    getaddrs: 0,
    sendAddr: (entries) => {
      p.sent.push([...entries]);
      return true;
    },
    sendGetAddr: () => {
      p.getaddrs++;
      return true;
    },
  };
  return p;
}

function setup(opts: { hub?: boolean; banned?: string[]; discouraged?: string[]; self?: Endpoint[] } = {}) {
  const clock = new VirtualClock();
  const b = book(clock);
  const reports: Array<{ id: string; offence: string }> = [];
  // eslint-disable-next-line prefer-const
  let ex: PeerExchange;
  const sink = recordingSink(b, (ep) => ex.isGossipable(ep));
  ex = new PeerExchange({
    sink,
    book: b,
    clock,
    random: createRandom('ex'),
    isBanned: (ip) => (opts.banned ?? []).includes(ip),
    isDiscouraged: (ip) => (opts.discouraged ?? []).includes(ip),
    report: (id, offence) => reports.push({ id, offence }),
    selfEndpoints: () => opts.self ?? [],
    hub: opts.hub ?? false,
    relayKey: new Uint8Array(32).fill(1),
  });
  return { clock, b, sink, ex, reports };
}

/** The node's order: register the peer, then (the governor having taken it in) introduce it. */
function connect(ex: PeerExchange, p: ExchangePeer): void {
  ex.peerConnected(p);
  ex.peerIntroduced(p.id);
}

const entry = (ep: string, time: number): AddrEntry => ({ endpoint: parseEndpoint(ep), services: 1n, time });
const many = (n: number, time: number, from = 0) => Array.from({ length: n }, (_, k) => entry(`${30 + ((from + k) % 90)}.${((from + k) >> 8) & 255}.${(from + k) & 255}.1:7000`, time));

describe('PeerExchange: receiving ADDR', () => {
  it('rate-limits each peer: 1 token at first, 0.1 per second after, the excess dropped and counted', () => {
    const { ex, b, clock } = setup();
    const p = peer('a', 'inbound', '1.1.1.1');
    connect(ex, p);
    const before = b.size();
    let out = ex.onAddr(p.id, many(10, clock.now()));
    expect(out).toMatchObject({ received: 10, accepted: 1, rateLimited: 9 });
    clock.advance(100_000); // +10 tokens
    out = ex.onAddr(p.id, many(50, clock.now(), 100));
    expect(out).toMatchObject({ accepted: 10, rateLimited: 40 });
    expect(b.size() - before).toBe(11);
    expect(ex.counters.addrRateLimited).toBe(49);
  });

  it('credits 1000 tokens after our GETADDR, so the answer we asked for is taken whole', () => {
    const { ex, b, clock } = setup();
    const p = peer('a', 'outbound', '1.1.1.1');
    connect(ex, p);
    expect(ex.sendGetAddr(p.id)).toBe(true);
    expect(p.getaddrs).toBe(1);
    const out = ex.onAddr(p.id, many(1000, clock.now()));
    expect(out).toMatchObject({ rateLimited: 0, accepted: 1000 });
    // One source group reaches at most 64 new buckets: a few collide, the rest are stored.
    expect(b.size()).toBeGreaterThan(700);
  });

  it('refuses port 0, unroutable, banned and discouraged addresses', () => {
    const { ex, clock } = setup({ banned: ['7.7.7.7'], discouraged: ['8.8.8.8'] });
    const p = peer('a', 'outbound', '1.1.1.1');
    connect(ex, p);
    ex.sendGetAddr(p.id);
    const now = clock.now();
    const out = ex.onAddr(p.id, [entry('5.5.5.5:0', now), entry('192.168.1.1:7000', now), entry('127.0.0.1:7000', now), entry('7.7.7.7:7000', now), entry('8.8.8.8:7000', now), entry('9.9.9.9:7000', now)]);
    expect(out).toMatchObject({ accepted: 1, refused: 5 });
  });

  it('adds gossip with the peer IP as source and a 2 h penalty; a self-announcement gets none', () => {
    const { ex, b, clock, sink } = setup();
    const p = peer('a', 'outbound', '1.1.1.1');
    connect(ex, p);
    ex.sendGetAddr(p.id);
    const now = clock.now();
    ex.onAddr(p.id, [entry('9.9.9.9:7000', now), entry('1.1.1.1:7001', now)]);
    const gossip = b.get('9.9.9.9:7000')!;
    expect(gossip.source).toBe('1.1.1.1');
    expect(gossip.origin).toBe('exchange');
    expect(now - gossip.time).toBe(GOSSIP_PENALTY_MS);
    expect(b.get('1.1.1.1:7001')!.time).toBe(now);
    expect(sink.calls.at(-1)!.provenance).toMatchObject({ origin: 'exchange', source: '1.1.1.1', penaltyMs: GOSSIP_PENALTY_MS, peerId: p.id });
  });

  it('dates times before 1973 or more than 10 min ahead 5 days back', () => {
    const { ex, b, clock } = setup();
    const p = peer('a', 'outbound', '1.1.1.1');
    connect(ex, p);
    ex.sendGetAddr(p.id);
    const now = clock.now();
    ex.onAddr(p.id, [entry('9.9.9.9:7000', now + 11 * 60_000), entry('9.9.9.8:7000', 5000)]);
    for (const ip of ['9.9.9.9', '9.9.9.8']) expect(now - b.get(`${ip}:7000`)!.time).toBe(5 * 24 * 60 * 60_000 + GOSSIP_PENALTY_MS);
  });
});

describe('PeerExchange: relaying', () => {
  function network(opts: { hub?: boolean } = {}) {
    const env = setup(opts);
    const src = peer('src', 'inbound', '1.1.1.1');
    const others = Array.from({ length: 6 }, (_, i) => peer(`p${i}`, 'outbound', `2.${i}.0.1`));
    connect(env.ex, src);
    for (const o of others) connect(env.ex, o);
    for (const o of others) o.sent.length = 0;
    return { ...env, src, others };
  }
  const relayed = (others: FakePeer[]) => others.flatMap((o) => o.sent.flat().map((e) => `${o.id.slice(0, 2)}>${formatEndpoint(e.endpoint)}`));

  it('relays a small fresh ADDR to exactly 2 peers per address, never back to the source', () => {
    const { ex, src, others, clock } = network();
    clock.advance(1000_000);
    ex.onAddr(src.id, [entry('9.9.9.9:7000', clock.now() - 60_000), entry('9.9.9.8:7000', clock.now())]);
    const r = relayed(others);
    expect(r.filter((x) => x.endsWith('9.9.9.9:7000'))).toHaveLength(2);
    expect(r.filter((x) => x.endsWith('9.9.9.8:7000'))).toHaveLength(2);
    expect(src.sent).toEqual([]);
    // The same address again: its targets know it now, nothing more is sent.
    ex.onAddr(src.id, [entry('9.9.9.9:7000', clock.now())]);
    expect(relayed(others)).toHaveLength(4);
  });

  it('does not relay stale addresses, messages of more than 10 entries, or the answer to our GETADDR', () => {
    const { ex, src, others, clock } = network();
    clock.advance(10_000_000);
    ex.onAddr(src.id, [entry('9.9.9.9:7000', clock.now() - 11 * 60_000)]);
    ex.onAddr(src.id, many(11, clock.now()));
    const out = others[0]!;
    ex.sendGetAddr(out.id);
    ex.onAddr(out.id, [entry('9.9.9.7:7000', clock.now())]);
    expect(relayed(others.slice(1))).toEqual([]);
  });

  it("relays an inbound peer's listening endpoint (its self-announcement) to 2 peers", () => {
    const { ex, src, others } = network();
    const newcomer = peer('new', 'inbound', '3.3.3.3', 7100);
    connect(ex, newcomer);
    expect(relayed([src, ...others]).filter((x) => x.endsWith('3.3.3.3:7100'))).toHaveLength(2);
    expect(newcomer.sent).toEqual([]);
  });

  it('in hub mode relays nothing: a visitor takes the first ADDR it gets as the answer to its GETADDR', () => {
    const { ex, src, others, clock } = network({ hub: true });
    clock.advance(1000_000);
    ex.onAddr(src.id, [entry('9.9.9.9:7000', clock.now())]);
    connect(ex, peer('new', 'inbound', '3.3.3.3', 7100));
    expect(relayed(others)).toEqual([]);
    // …and the visitor's GETADDR still gets the whole book.
    expect(ex.onGetAddr(others[0]!.id)).toBeGreaterThanOrEqual(2);
  });
});

describe('PeerExchange: GETADDR', () => {
  it('answers an inbound peer once per connection, from the cache; a second ask is a low offence', () => {
    const { ex, b, clock, reports } = setup();
    for (let i = 0; i < 200; i++) b.add([{ endpoint: `${40 + (i % 100)}.${i}.0.1:7000`, time: clock.now() }], `${40 + (i % 100)}.${i}.0.1`);
    const p = peer('a', 'inbound', '1.1.1.1');
    connect(ex, p);
    const n = ex.onGetAddr(p.id);
    expect(n).toBe(Math.max(23, Math.floor(b.size() * 0.23)));
    const answerP = p.sent.at(-1)!;
    expect(answerP).toHaveLength(n!);
    expect(ex.onGetAddr(p.id)).toBeUndefined();
    expect(reports).toEqual([{ id: p.id, offence: 'repeated-getaddr' }]);
    // Another connection gets the same cached set.
    const q = peer('b', 'inbound', '1.1.1.2');
    connect(ex, q);
    ex.onGetAddr(q.id);
    const ips = (answer: AddrEntry[]) => answer.map((e) => e.endpoint.ip).sort();
    expect(ips(q.sent.at(-1)!)).toEqual(ips(answerP));
  });

  it('ignores GETADDR from outbound peers', () => {
    const { ex, b, clock } = setup();
    b.add([{ endpoint: '9.9.9.9:7000', time: clock.now() }], '9.9.9.9');
    const p = peer('a', 'outbound', '1.1.1.1');
    connect(ex, p);
    p.sent.length = 0;
    expect(ex.onGetAddr(p.id)).toBeUndefined();
    expect(p.sent).toEqual([]);
    expect(ex.counters.getaddrIgnored).toBe(1);
  });

  it('never hands out port 0, banned or discouraged addresses', () => {
    const { ex, b, clock } = setup({ banned: ['7.7.7.7'], discouraged: ['8.8.8.8'] });
    for (const ep of ['7.7.7.7:7000', '8.8.8.8:7000', '9.9.9.9:7000', '9.9.9.9:0']) b.add([{ endpoint: ep, time: clock.now() }], '5.5.5.5');
    const p = peer('a', 'inbound', '1.1.1.1');
    connect(ex, p);
    ex.onGetAddr(p.id);
    // What is left: the one clean address, and the requester's own (it told us in its HELLO).
    expect(p.sent.at(-1)!.map((e) => formatEndpoint(e.endpoint)).sort()).toEqual(['1.1.1.1:7000', '9.9.9.9:7000']);
  });

  it('in hub mode answers everyone — outbound peers too — with up to 1000 current addresses', () => {
    const { ex, b, clock } = setup({ hub: true });
    for (let i = 0; i < 300; i++) b.add([{ endpoint: `${40 + (i % 100)}.${i & 255}.${i >> 8}.1:7000`, time: clock.now() }], `${40 + (i % 100)}.${i & 255}.${i >> 8}.1`);
    const p = peer('a', 'outbound', '1.1.1.1');
    connect(ex, p);
    expect(ex.onGetAddr(p.id)).toBe(b.size());
  });
});

describe('PeerExchange: connections', () => {
  it("adds an inbound peer's listening endpoint (origin inbound) and an outbound one's (origin exchange), with its own IP as source", () => {
    const { ex, b } = setup();
    connect(ex, peer('a', 'inbound', '4.4.4.4', 7100));
    connect(ex, peer('b', 'outbound', '5.5.5.5', 7000));
    connect(ex, peer('c', 'inbound', '6.6.6.6', 0));
    expect(b.get('4.4.4.4:7100')).toMatchObject({ origin: 'inbound', source: '4.4.4.4' });
    expect(b.get('5.5.5.5:7000')).toMatchObject({ origin: 'exchange', source: '5.5.5.5' });
    expect(b.size()).toBe(2);
  });

  it('announces our own endpoints to outbound peers only', () => {
    const { ex } = setup({ self: [{ ip: '3.3.3.3', port: 7000 }] });
    const out = peer('a', 'outbound', '4.4.4.4');
    const inb = peer('b', 'inbound', '5.5.5.5');
    connect(ex, out);
    connect(ex, inb);
    expect(out.sent[0]!.map((e) => formatEndpoint(e.endpoint))).toEqual(['3.3.3.3:7000']);
    expect(inb.sent.flat().map((e) => formatEndpoint(e.endpoint))).not.toContain('3.3.3.3:7000');
  });
});
