// Inbound refusals as `peer:refused` events, aggregated so a flood of connections makes a bounded number of events.

import { formatEndpoint, type Endpoint } from '../core/address/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import type { PeerEvent } from './types.js';

/**
 * One event per address and reason per window: the first refusal is announced at once (an operator
 * sees it as it happens), the rest of the window's are summed into one event at its end.
 */
export const REFUSAL_WINDOW_MS = 60_000;
/**
 * Addresses tracked at once. Past this, refusals are summed per reason only ("from N addresses"),
 * so an attacker with a whole IPv6 /64 cannot make the node keep one record per address.
 */
export const MAX_REFUSAL_KEYS = 1024;

interface Window {
  reason: string;
  /** The address, or undefined for the overflow record of a reason. */
  ip: string | undefined;
  /** Refusals since the last event, and the addresses they came from (overflow record only). */
  count: number;
  ips: Set<string> | undefined;
  lastEndpoint: string;
  lastDetail: string;
  peer: string | undefined;
}

/**
 * Turns the connection manager's refusals into `peer:refused` events. Metrics count every refusal
 * (NodeCounters.rejected); events, which are stored in the history, are aggregated.
 */
export class RefusalLog {
  #scheduler: Scheduler;
  #publish: (e: PeerEvent) => void;
  #windows = new Map<string, Window>();
  #timer: Timer | undefined;
  #stopped = false;

  constructor(scheduler: Scheduler, publish: (e: PeerEvent) => void) {
    this.#scheduler = scheduler;
    this.#publish = publish;
  }

  /** Windows open now (for tests and stats). */
  get tracked(): number {
    return this.#windows.size;
  }

  /** We refused an inbound connection from `remote` for `reason`. */
  refused(remote: Endpoint, reason: string, detail: string, peer?: string): void {
    if (this.#stopped) return;
    const endpoint = formatEndpoint(remote);
    const exact = `${reason} ${remote.ip}`;
    let w = this.#windows.get(exact);
    if (!w && this.#windows.size >= MAX_REFUSAL_KEYS) {
      const overflow = `${reason} *`;
      w = this.#windows.get(overflow);
      if (!w) {
        w = { reason, ip: undefined, count: 0, ips: new Set(), lastEndpoint: endpoint, lastDetail: detail, peer: undefined };
        this.#windows.set(overflow, w);
      }
      w.count++;
      if (w.ips!.size < MAX_REFUSAL_KEYS) w.ips!.add(remote.ip);
      w.lastEndpoint = endpoint;
      w.lastDetail = detail;
      this.#arm();
      return;
    }
    if (w) {
      w.count++;
      w.lastEndpoint = endpoint;
      w.lastDetail = detail;
      if (peer !== undefined) w.peer = peer;
      return;
    }
    // The first refusal of this address and reason in a window: announced now, the window opens.
    this.#windows.set(exact, { reason, ip: remote.ip, count: 0, ips: undefined, lastEndpoint: endpoint, lastDetail: detail, peer });
    this.#emit(endpoint, reason, detail, 1, peer);
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = this.#scheduler.after(REFUSAL_WINDOW_MS, () => {
      this.#timer = undefined;
      this.#closeWindows();
    });
  }

  /** Ends every window: one summary event for each with refusals since its first, and a fresh start. */
  #closeWindows(): void {
    const windows = [...this.#windows.values()];
    this.#windows.clear();
    for (const w of windows) {
      if (w.count === 0) continue;
      const from = w.ips ? ` from ${w.ips.size}${w.ips.size >= MAX_REFUSAL_KEYS ? '+' : ''} addresses` : '';
      this.#emit(w.lastEndpoint, w.reason, `${w.count} more in the last ${REFUSAL_WINDOW_MS / 1000} s${from} (latest: ${w.lastDetail})`, w.count, w.peer, w.ips?.size);
    }
  }

  #emit(endpoint: string, reason: string, detail: string, count: number, peer: string | undefined, addresses?: number): void {
    const data: Record<string, string | number | boolean> = { count, reason };
    if (addresses !== undefined) data.addresses = addresses;
    this.#publish({
      type: 'peer:refused',
      at: this.#scheduler.now(),
      ...(peer !== undefined ? { id: peer } : {}),
      endpoint,
      direction: 'inbound',
      reason: `${reason}: ${detail}`,
      data,
    });
  }
}
