// The node-wide send budget: what all outbound queues together may hold, and who is dropped when it is spent.

/** Default node-wide budget: 64 MiB is ~0.5 MiB for each of 125 peers, far above what honest peers leave queued. */
export const DEFAULT_SEND_BUDGET_BYTES = 64 * 1024 * 1024;

/** What the budget knows of a queue: whose it is, its charge now, and how to make that figure current. */
export interface BudgetedQueue<S = unknown> {
  readonly subject: S;
  readonly chargedBytes: number;
  refresh(): void;
}

/**
 * Sums what every outbound queue holds on behalf of its peer (see OutboundQueue.chargedBytes).
 * The per-peer high-water mark stops one peer from holding much; this stops many peers from holding
 * a little each: 125 non-reading peers at 8 MiB each would be 1 GiB.
 *
 * When the sum passes the limit, `onExceeded` runs once, after the current synchronous work (a
 * microtask: never from inside a queue call, so it may close connections freely). It is told the
 * queues holding most first and drops them until the budget is met again.
 */
export class SendBudget<S = unknown> {
  readonly limitBytes: number;
  #used = 0;
  #queues = new Map<BudgetedQueue<S>, number>();
  #scheduled = false;
  #onExceeded: (queues: BudgetedQueue<S>[], excessBytes: number) => void;
  /** How many times the budget was exceeded (each time someone was dropped, or it settled by itself). */
  exceeded = 0;

  constructor(limitBytes: number, onExceeded: (queuesByChargeDesc: BudgetedQueue<S>[], excessBytes: number) => void) {
    if (!(Number.isFinite(limitBytes) && limitBytes > 0)) throw new RangeError(`the send budget must be a positive number of bytes, got ${String(limitBytes)}`);
    this.limitBytes = limitBytes;
    this.#onExceeded = onExceeded;
  }

  /** Bytes charged now, over all queues. */
  get usedBytes(): number {
    return this.#used;
  }

  /** A queue's charge changed by `delta` bytes (it reports every change; a queue at 0 is forgotten). */
  adjust(queue: BudgetedQueue<S>, delta: number): void {
    this.#used += delta;
    const charge = (this.#queues.get(queue) ?? 0) + delta;
    if (charge <= 0) this.#queues.delete(queue);
    else this.#queues.set(queue, charge);
    if (this.#used > this.limitBytes && !this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#enforce());
    }
  }

  #enforce(): void {
    this.#scheduled = false;
    if (this.#used <= this.limitBytes) return;
    // Links drain without telling us (below their own high-water mark): bring every charge up to date first.
    for (const q of [...this.#queues.keys()]) q.refresh();
    if (this.#used <= this.limitBytes) return;
    this.exceeded++;
    const biggestFirst = [...this.#queues.keys()].sort((a, b) => b.chargedBytes - a.chargedBytes);
    this.#onExceeded(biggestFirst, this.#used - this.limitBytes);
  }
}
