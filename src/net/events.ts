// Typed events of the connection layer and a minimal typed emitter that isolates listener failures.

import type { Endpoint } from '../core/address/index.js';
import type { Offence } from '../core/reputation/penalties.js';
import type { AddrEntry } from '../wire/control-codec.js';
import type { Connection } from './connection.js';
import type { CloseInfo, CloseReason, ResponseStatusName } from './close-info.js';

export type { CloseInfo, CloseReason, ResponseStatusName } from './close-info.js';

export interface ConnectionManagerEvents {
  /** A connection passed the handshake (and survived the one-per-node-id rule). */
  established: { connection: Connection };
  /** An established connection ended (emitted once, as soon as it stops being live). */
  closed: { connection: Connection } & CloseInfo;
  message: { connection: Connection; topic: string; payload: Uint8Array };
  /** Answer with reply(); each request must be answered once (a second reply is ignored). */
  request: {
    connection: Connection;
    requestId: number;
    topic: string;
    payload: Uint8Array;
    reply: (payload: Uint8Array, status?: ResponseStatusName) => boolean;
  };
  /** `bytes`: the message's size on the wire, length prefix included. */
  addr: { connection: Connection; entries: AddrEntry[]; bytes: number };
  getaddr: { connection: Connection };
  /**
   * An offence, for the reputation system, named from the penalty table (which alone says how bad
   * it is). `peer` is the node id when the peer is authenticated, undefined before (then only
   * `endpoint` can be held responsible).
   */
  misbehaviour: { connection: Connection; peer: string | undefined; endpoint: Endpoint; offence: Offence; detail: string };
  /**
   * An inbound attempt that never became a connection: refused at accept time ('accept', before
   * any handshake work) or during the handshake ('handshake', by us or by the peer).
   */
  rejected: {
    remote: Endpoint;
    /**
     * 'accept': refused as the socket arrived, before any handshake work; 'handshake': it failed,
     * timed out or was evicted from the pending pool while handshaking; 'admission': it
     * authenticated (`peer` is its node id) but found no inbound slot.
     */
    stage: 'accept' | 'handshake' | 'admission';
    reason: CloseReason;
    by: 'local' | 'remote';
    detail: string;
    peer?: string;
  };
}

type Listener<T> = (event: T) => void;

/**
 * A tiny typed emitter. A listener that throws does not disturb the connection that emitted the
 * event (its error would otherwise look like a protocol error): the error is rethrown from a
 * microtask, where it surfaces as an uncaught exception like any application bug.
 */
export class TypedEmitter<E extends object> {
  #listeners: { [K in keyof E]?: Listener<E[K]>[] } = {};

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    (this.#listeners[name] ??= []).push(listener);
    return () => this.off(name, listener);
  }

  /** Adds a listener that runs for the next event only. */
  once<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    const off = this.on(name, (event) => {
      off();
      listener(event);
    });
    return off;
  }

  off<K extends keyof E>(name: K, listener: Listener<E[K]>): void {
    const list = this.#listeners[name];
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  listenerCount(name: keyof E): number {
    return this.#listeners[name]?.length ?? 0;
  }

  emit<K extends keyof E>(name: K, event: E[K]): void {
    const list = this.#listeners[name];
    if (!list) return;
    if (list.length === 1) {
      call(list[0]!, event);
      return;
    }
    for (const listener of [...list]) call(listener, event);
  }
}

function call<T>(listener: Listener<T>, event: T): void {
  try {
    listener(event);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
