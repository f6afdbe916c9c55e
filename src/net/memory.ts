// The memory transport: in-process links driven by an injected Scheduler, with latency, loss and partitions.
//
// With a VirtualClock every byte moves only when the clock advances, in a fixed order, so a
// 50-node test or a simulation replays identically from its seed. Links behave like TCP: ordered,
// reliable, with a send window (back-pressure); "loss" delays a chunk by a retransmission timeout
// (head-of-line blocking) or swallows a dial's SYN, it never corrupts the stream.

import { normalizeIp, type Endpoint } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { DEFAULT_DIAL_TIMEOUT_MS } from './tcp.js';
import { MemoryLink } from './memory-link.js';
import { DialError, type DialOptions, type InboundAttempt, type Link, type Listener, type Transport } from './transport.js';

export { MemoryLink };

export interface MemoryNetworkOptions {
  scheduler: Scheduler;
  /** Needed when lossRate > 0. */
  random?: Random;
  /** One-way delay in ms, fixed or per (from ip, to ip). Default 0. */
  latencyMs?: number | ((fromIp: string, toIp: string) => number);
  /** Probability in [0, 1) that a dial's SYN or a data chunk is lost. Default 0. */
  lossRate?: number;
  /** Extra delay of a lost chunk, like TCP's retransmission timeout. Default 200 ms. */
  retransmitMs?: number;
  /** Bytes in flight before write() reports back-pressure, like a socket buffer. Default 256 KiB. */
  windowBytes?: number;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/** First port handed out to dialers (the IANA ephemeral range) and to listeners on port 0. */
const FIRST_EPHEMERAL_PORT = 49152;
const FIRST_LISTEN_PORT = 20000;

interface MemoryListener {
  endpoint: Endpoint;
  onInbound: (attempt: InboundAttempt) => void;
}

/** A network of in-process nodes. Each node gets a Transport bound to its own IP with transport(ip). */
export class MemoryNetwork {
  readonly scheduler: Scheduler;
  readonly windowBytes: number;
  readonly retransmitMs: number;
  #random: Random | undefined;
  #latency: number | ((fromIp: string, toIp: string) => number);
  #lossRate: number;
  #listeners = new Map<string, MemoryListener>();
  #nextEphemeral = new Map<string, number>();
  #nextListenPort = new Map<string, number>();
  #partition: Map<string, number> | undefined;
  #held = new Set<MemoryLink>();
  #open = new Set<MemoryLink>();
  /** Counters for tests and simulations. */
  readonly stats = { dials: 0, refused: 0, lostDials: 0, links: 0 };

  constructor(options: MemoryNetworkOptions) {
    this.scheduler = options.scheduler;
    this.#random = options.random;
    this.#latency = options.latencyMs ?? 0;
    this.#lossRate = options.lossRate ?? 0;
    this.retransmitMs = options.retransmitMs ?? 200;
    this.windowBytes = options.windowBytes ?? 256 * 1024;
    if (this.#lossRate > 0 && !this.#random) throw new RangeError('a MemoryNetwork with lossRate > 0 needs a random source');
    if (!(this.#lossRate >= 0 && this.#lossRate < 1)) throw new RangeError(`lossRate must be in [0, 1), got ${this.#lossRate}`);
  }

  latency(fromIp: string, toIp: string): number {
    return typeof this.#latency === 'number' ? this.#latency : this.#latency(fromIp, toIp);
  }

  lost(): boolean {
    return this.#lossRate > 0 && this.#random!.float() < this.#lossRate;
  }

  /** Splits the network: IPs in different groups cannot reach each other (IPs in no group reach everyone). */
  partition(groups: readonly (readonly string[])[]): void {
    this.#partition = new Map();
    groups.forEach((group, i) => group.forEach((ip) => this.#partition!.set(normalizeIp(ip), i)));
  }

  /** Ends a partition: held traffic flows again (connections that timed out meanwhile stay closed). */
  heal(): void {
    this.#partition = undefined;
    const held = [...this.#held];
    this.#held.clear();
    for (const link of held) link.resumeDelivery();
  }

  partitioned(a: string, b: string): boolean {
    if (!this.#partition) return false;
    const ga = this.#partition.get(a);
    const gb = this.#partition.get(b);
    return ga !== undefined && gb !== undefined && ga !== gb;
  }

  holdUntilHealed(link: MemoryLink): void {
    this.#held.add(link);
  }

  forget(link: MemoryLink): void {
    this.#held.delete(link);
    this.#open.delete(link);
  }

  /** Links currently open (both ends count). */
  get openLinks(): number {
    return this.#open.size;
  }

  #port(map: Map<string, number>, ip: string, first: number): number {
    const p = map.get(ip) ?? first;
    map.set(ip, p >= 65535 ? first : p + 1);
    return p;
  }

  /** A Transport whose listeners and dials use `ip`. */
  transport(ip: string): Transport {
    const ownIp = normalizeIp(ip);
    return {
      kind: 'memory',
      encrypted: false,
      listen: (endpoint, onInbound) => {
        const bindIp = UNSPECIFIED.has(endpoint.ip) ? ownIp : normalizeIp(endpoint.ip);
        let port = endpoint.port;
        if (port === 0) {
          do port = this.#port(this.#nextListenPort, bindIp, FIRST_LISTEN_PORT);
          while (this.#listeners.has(`${bindIp}|${port}`));
        }
        const key = `${bindIp}|${port}`;
        if (this.#listeners.has(key)) return Promise.reject(new Error(`memory network: ${bindIp}:${port} is already in use`));
        const listener: MemoryListener = { endpoint: { ip: bindIp, port }, onInbound };
        this.#listeners.set(key, listener);
        const result: Listener = {
          endpoint: listener.endpoint,
          close: () => {
            if (this.#listeners.get(key) === listener) this.#listeners.delete(key);
            return Promise.resolve();
          },
        };
        return Promise.resolve(result);
      },
      dial: (endpoint, options) => this.#dial(ownIp, endpoint, options),
    };
  }

  #dial(fromIp: string, to: Endpoint, options: DialOptions = {}): Promise<Link> {
    this.stats.dials++;
    const target: Endpoint = { ip: normalizeIp(to.ip), port: to.port };
    const localIp = options.localIp ? normalizeIp(options.localIp) : fromIp;
    const timeoutMs = options.timeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    return new Promise<Link>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        fn();
      };
      const timeout = this.scheduler.after(timeoutMs, () => {
        if (settled) return;
        settled = true;
        reject(new DialError(target, 'timeout', `no answer within ${timeoutMs} ms`));
      });
      const oneWay = this.latency(localIp, target.ip);
      // The SYN travels to the target…
      this.scheduler.after(oneWay, () => {
        if (settled) return;
        if (this.partitioned(localIp, target.ip) || this.lost()) {
          this.stats.lostDials++;
          return; // …and vanishes: the dialer times out
        }
        const listener = this.#listeners.get(`${target.ip}|${target.port}`);
        const back = this.latency(target.ip, localIp);
        if (!listener) {
          this.stats.refused++;
          this.scheduler.after(back, () => settle(() => reject(new DialError(target, 'refused', 'connection refused (nothing listens there)'))));
          return;
        }
        const local: Endpoint = { ip: localIp, port: this.#port(this.#nextEphemeral, localIp, FIRST_EPHEMERAL_PORT) };
        const dialer = new MemoryLink(this, local, target);
        const acceptor = new MemoryLink(this, target, local);
        dialer.peer = acceptor;
        acceptor.peer = dialer;
        this.stats.links++;
        this.#open.add(dialer);
        this.#open.add(acceptor);
        // …the SYN-ACK comes back one latency later; the listener sees the connection at once.
        this.scheduler.after(back, () => {
          if (settled) {
            dialer.destroy();
            return;
          }
          settle(() => resolve(dialer));
        });
        listener.onInbound({
          remote: local,
          local: target,
          accept: () => Promise.resolve(acceptor),
          refuse: (goodbye) => {
            if (goodbye) acceptor.write(goodbye);
            acceptor.end();
          },
        });
      });
    });
  }
}
