// What both in-process networks share: listeners and ports, a dial's round trip (lost, refused or answered), latency, loss and partitions.
//
// MemoryNetwork (links that carry bytes) and MessageNetwork (links that carry decoded messages)
// model the same internet; they differ only in their links. A dial sends a SYN one latency away:
// a partition or loss swallows it (the dialer times out), an address where nothing listens refuses
// it one round trip later, and otherwise the two ends of a link are made, the listener sees the
// connection at once and the dialer one latency later (the SYN-ACK).

import { normalizeIp, type Endpoint } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { DEFAULT_DIAL_TIMEOUT_MS } from './tcp.js';
import { DialError, type DialOptions, type InboundAttempt, type Link, type Listener, type Transport } from './transport.js';

export interface SimulatedNetworkOptions {
  scheduler: Scheduler;
  /** Needed when lossRate > 0. */
  random?: Random;
  /** One-way delay in ms, fixed or per (from ip, to ip). Default 0. */
  latencyMs?: number | ((fromIp: string, toIp: string) => number);
  /** Probability in [0, 1) that a dial's SYN or a piece of a link's traffic is lost. Default 0. */
  lossRate?: number;
  /** Extra delay of lost traffic, like TCP's retransmission timeout. Default 200 ms. */
  retransmitMs?: number;
  /** Bytes in flight before a link reports back-pressure, like a socket buffer. Default 256 KiB. */
  windowBytes?: number;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/** First port handed out to dialers (the IANA ephemeral range) and to listeners on port 0. */
const FIRST_EPHEMERAL_PORT = 49152;
const FIRST_LISTEN_PORT = 20000;

interface Listening {
  endpoint: Endpoint;
  onInbound: (attempt: InboundAttempt) => void;
}

/** An in-process network whose links are `End`s; subclasses say how a link's two ends are made. */
export abstract class SimulatedNetwork<End extends Link> {
  readonly scheduler: Scheduler;
  readonly windowBytes: number;
  readonly retransmitMs: number;
  /** Counters for tests and simulations. */
  readonly stats = { dials: 0, refused: 0, lostDials: 0, links: 0 };
  readonly #name: string;
  readonly #random: Random | undefined;
  readonly #latency: number | ((fromIp: string, toIp: string) => number);
  readonly #lossRate: number;
  #listeners = new Map<string, Listening>();
  #nextEphemeral = new Map<string, number>();
  #nextListenPort = new Map<string, number>();
  #partition: Map<string, number> | undefined;
  #held = new Set<End>();

  constructor(name: string, options: SimulatedNetworkOptions) {
    this.#name = name;
    this.scheduler = options.scheduler;
    this.#random = options.random;
    this.#latency = options.latencyMs ?? 0;
    this.#lossRate = options.lossRate ?? 0;
    this.retransmitMs = options.retransmitMs ?? 200;
    this.windowBytes = options.windowBytes ?? 256 * 1024;
    if (this.#lossRate > 0 && !this.#random) throw new RangeError(`a ${name} with lossRate > 0 needs a random source`);
    if (!(this.#lossRate >= 0 && this.#lossRate < 1)) throw new RangeError(`lossRate must be in [0, 1), got ${this.#lossRate}`);
  }

  /** Makes the two ends of a new link, the dialer's first (`oneWay`: dialer to listener, `back`: the other way). */
  protected abstract connect(local: Endpoint, remote: Endpoint, oneWay: number, back: number): [dialer: End, acceptor: End];
  /** The listener refused the connection: send the goodbye (if any) on the accepting end and close it. */
  protected abstract refuse(acceptor: End, goodbye: Uint8Array | undefined): void;
  /** The partition healed: let what was held for `end` move again. */
  protected abstract release(end: End): void;

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

  /** Ends a partition: held traffic moves again, in order (connections that timed out meanwhile stay closed). */
  heal(): void {
    this.#partition = undefined;
    const held = [...this.#held];
    this.#held.clear();
    for (const end of held) this.release(end);
  }

  partitioned(a: string, b: string): boolean {
    if (!this.#partition) return false;
    const ga = this.#partition.get(a);
    const gb = this.#partition.get(b);
    return ga !== undefined && gb !== undefined && ga !== gb;
  }

  /** Parks a link end until the partition heals. */
  holdUntilHealed(end: End): void {
    this.#held.add(end);
  }

  /** A link end closed: nothing is held for it any more. */
  protected unhold(end: End): void {
    this.#held.delete(end);
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
        if (this.#listeners.has(key)) return Promise.reject(new Error(`${this.#name}: ${bindIp}:${port} is already in use`));
        const listener: Listening = { endpoint: { ip: bindIp, port }, onInbound };
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

  #port(map: Map<string, number>, ip: string, first: number): number {
    const p = map.get(ip) ?? first;
    map.set(ip, p >= 65535 ? first : p + 1);
    return p;
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
        const [dialer, acceptor] = this.connect(local, target, oneWay, back);
        this.stats.links++;
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
          refuse: (goodbye) => this.refuse(acceptor, goodbye),
        });
      });
    });
  }
}
