// The memory transport: in-process links driven by an injected Scheduler, with latency, loss and partitions.
//
// With a VirtualClock every byte moves only when the clock advances, in a fixed order, so a
// 50-node test or a simulation replays identically from its seed. Links behave like TCP: ordered,
// reliable, with a send window (back-pressure); "loss" delays a chunk by a retransmission timeout
// (head-of-line blocking) or swallows a dial's SYN, it never corrupts the stream.

import type { Endpoint } from '../core/address/index.js';
import { MemoryLink } from './memory-link.js';
import { SimulatedNetwork, type SimulatedNetworkOptions } from './simulated-network.js';

export { MemoryLink };

export type MemoryNetworkOptions = SimulatedNetworkOptions;

/** A network of in-process nodes whose links carry bytes. Each node gets a Transport bound to its own IP with transport(ip). */
export class MemoryNetwork extends SimulatedNetwork<MemoryLink> {
  #open = new Set<MemoryLink>();

  constructor(options: MemoryNetworkOptions) {
    super('memory network', options);
  }

  protected connect(local: Endpoint, remote: Endpoint): [MemoryLink, MemoryLink] {
    const dialer = new MemoryLink(this, local, remote);
    const acceptor = new MemoryLink(this, remote, local);
    dialer.peer = acceptor;
    acceptor.peer = dialer;
    this.#open.add(dialer);
    this.#open.add(acceptor);
    return [dialer, acceptor];
  }

  protected refuse(acceptor: MemoryLink, goodbye: Uint8Array | undefined): void {
    if (goodbye) acceptor.write(goodbye);
    acceptor.end();
  }

  protected release(link: MemoryLink): void {
    link.resumeDelivery();
  }

  /** The link closed: the network stops tracking it. */
  forget(link: MemoryLink): void {
    this.unhold(link);
    this.#open.delete(link);
  }

  /** Links currently open (both ends count). */
  get openLinks(): number {
    return this.#open.size;
  }
}
