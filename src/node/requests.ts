// Requests: topic handlers that answer REQUESTs (a throw answers status 1), and timed outgoing requests.

import type { Scheduler } from '../core/clock.js';
import { PeerGoneError, RemoteError, RequestTimeoutError } from '../core/requests/errors.js';
import type { Connection, ConnectionManagerEvents } from '../net/index.js';
import { frameSizes, type NodeCounters } from './counters.js';
import type { PeerInfo, RequestCompletedEvent } from './types.js';

/** Answers a request: the response payload, or a throw (the peer gets status 1 with the error's message). */
export type RequestHandler = (payload: Uint8Array, peer: PeerInfo) => Uint8Array | Promise<Uint8Array>;

/** The longest error text sent back to a peer: enough to diagnose, not a way to leak a stack. */
const MAX_ERROR_TEXT = 512;

/**
 * The handlers of a node, by topic. Owned by the Node (handlers registered before start() or
 * across restarts stay), read by each run's RequestService.
 */
export class HandlerRegistry {
  #handlers = new Map<string, RequestHandler>();

  /** Registers the handler of `topic` (replacing any earlier one); returns a function that removes it. */
  set(topic: string, fn: RequestHandler): () => void {
    if (typeof topic !== 'string' || topic.length === 0 || Buffer.byteLength(topic) > 255) {
      throw new TypeError(`a topic is 1-255 bytes of UTF-8, got ${JSON.stringify(topic)}`);
    }
    if (typeof fn !== 'function') throw new TypeError('handle(topic, fn): fn must be a function');
    this.#handlers.set(topic, fn);
    return () => {
      if (this.#handlers.get(topic) === fn) this.#handlers.delete(topic);
    };
  }

  get(topic: string): RequestHandler | undefined {
    return this.#handlers.get(topic);
  }

  /** The topics with a handler, sorted (for status pages). */
  topics(): string[] {
    return [...this.#handlers.keys()].sort();
  }
}

export interface RequestServiceOptions {
  handlers: HandlerRegistry;
  scheduler: Scheduler;
  counters: NodeCounters;
  completed(e: RequestCompletedEvent): void;
}

function outcomeOf(err: unknown): RequestCompletedEvent['outcome'] {
  if (err instanceof RequestTimeoutError) return 'timeout';
  if (err instanceof PeerGoneError) return 'gone';
  if (err instanceof RemoteError) return err.status === 'unknown-topic' ? 'unknown-topic' : 'error';
  return 'refused';
}

export class RequestService {
  #o: RequestServiceOptions;
  constructor(options: RequestServiceOptions) {
    this.#o = options;
  }

  /** Answers an incoming REQUEST with its topic's handler. */
  onRequest(e: ConnectionManagerEvents['request'], peer: () => PeerInfo): void {
    const { counters, scheduler } = this.#o;
    counters.message('in', 'request', frameSizes.request(e.topic, e.payload));
    const started = scheduler.now();
    const finish = (payload: Uint8Array, status: 'ok' | 'error' | 'unknown-topic') => {
      e.reply(payload, status);
      counters.message('out', 'response', frameSizes.response(payload));
      counters.request('inbound', status);
      this.#o.completed({ direction: 'inbound', peer: e.connection.remoteId!, topic: e.topic, durationMs: scheduler.now() - started, outcome: status });
    };
    const fn = this.#o.handlers.get(e.topic);
    if (!fn) return finish(new Uint8Array(0), 'unknown-topic');
    const fail = (err: unknown) => finish(Buffer.from(String(err instanceof Error ? err.message : err).slice(0, MAX_ERROR_TEXT), 'utf8'), 'error');
    let result: Uint8Array | Promise<Uint8Array>;
    try {
      result = fn(e.payload, peer());
    } catch (err) {
      return fail(err);
    }
    Promise.resolve(result).then((payload) => {
      if (!(payload instanceof Uint8Array)) return fail(new TypeError(`the handler of "${e.topic}" must return a Uint8Array`));
      finish(payload, 'ok');
    }, fail);
  }

  /** Sends a request on `connection`, counting it and reporting its duration and outcome. */
  async request(connection: Connection, topic: string, payload: Uint8Array, timeoutMs: number | undefined): Promise<Uint8Array> {
    const { counters, scheduler } = this.#o;
    const started = scheduler.now();
    const peer = connection.remoteId ?? '';
    counters.message('out', 'request', frameSizes.request(topic, payload));
    try {
      const response = await connection.request(topic, payload, timeoutMs !== undefined ? { timeoutMs } : {});
      counters.message('in', 'response', frameSizes.response(response));
      counters.request('outbound', 'ok');
      this.#o.completed({ direction: 'outbound', peer, topic, durationMs: scheduler.now() - started, outcome: 'ok' });
      return response;
    } catch (err) {
      const outcome = outcomeOf(err);
      if (err instanceof RemoteError) counters.message('in', 'response', frameSizes.response(err.payload));
      counters.request('outbound', outcome);
      this.#o.completed({ direction: 'outbound', peer, topic, durationMs: scheduler.now() - started, outcome });
      throw err;
    }
  }
}
