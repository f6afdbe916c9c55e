// The observed node's lifecycle: its runs, restarts and listening addresses, from its server start and stop lines.
import type { Endpoint } from '../core/address/index.js';
import type { NodeStatus, ServerScope } from './types.js';

export class NodeLifecycle {
  readonly #status: NodeStatus = {
    state: 'unknown',
    generation: 0,
    restarts: 0,
    lastStartedAt: undefined,
    lastStoppedAt: undefined,
    lastRestartAt: undefined,
    listening: [],
  };
  /** Servers started in the current run (node-to-node, node-to-client). */
  readonly #startedScopes = new Set<ServerScope>();

  /** The current run: 0 before the first start seen. */
  get generation(): number {
    return this.#status.generation;
  }

  status(): NodeStatus {
    return { ...this.#status, listening: [...this.#status.listening] };
  }

  /**
   * Whether a start of `scope` begins a new run: the first start we see, a start after a stop, or a
   * second start of the same server without a stop in between (a crash leaves no Stopped line).
   */
  startsNewRun(scope: ServerScope): boolean {
    return this.#status.state !== 'running' || this.#startedScopes.has(scope);
  }

  /** Begins a new run at `at`; `restart` when an earlier run was seen (a start, or sessions before it). */
  beginRun(at: number, restart: boolean): void {
    this.#startedScopes.clear();
    this.#status.generation++;
    if (restart) {
      this.#status.restarts++;
      this.#status.lastRestartAt = at;
    }
  }

  /** A server of the current run started; the node-to-node one says where the node listens. */
  started(scope: ServerScope, addresses: Endpoint[], at: number): void {
    this.#startedScopes.add(scope);
    this.#status.state = 'running';
    this.#status.lastStartedAt = at;
    if (scope === 'n2n') this.#status.listening = addresses;
  }

  stopped(at: number): void {
    this.#startedScopes.clear();
    if (this.#status.state !== 'stopped') this.#status.lastStoppedAt = at;
    this.#status.state = 'stopped';
  }

  /** The listening address to assume as our end when a line names only the remote end (when there is one). */
  defaultLocal(remote: Endpoint): Endpoint | undefined {
    const v6 = remote.ip.includes(':');
    const candidates = this.#status.listening.filter((l) => l.ip.includes(':') === v6 && l.ip !== '0.0.0.0' && l.ip !== '::');
    return candidates.length === 1 ? candidates[0] : undefined;
  }
}
