// The peer events this page has seen (history, then the live stream), newest kept, for the views to read.

import type { EventJson } from '../lib/types.js';

/** Events kept in the page; older ones fall off (the server keeps its own history). */
const CAPACITY = 5000;

export class EventLog {
  #events: EventJson[] = [];
  #version = 0;
  readonly #listeners = new Set<(e: EventJson) => void>();

  /** Replaces everything with the server's history (on load, and after the node restarted). */
  reset(history: EventJson[]): void {
    this.#events = history.slice(-CAPACITY);
    this.#version++;
  }

  /** Adds a live event; one already held (the stream replays what the history also had) is ignored. */
  add(e: EventJson): void {
    if (e.seq <= this.lastSeq) return;
    this.#events.push(e);
    if (this.#events.length > CAPACITY * 1.25) this.#events = this.#events.slice(-CAPACITY);
    this.#version++;
    for (const fn of this.#listeners) fn(e);
  }

  /** The newest sequence number held (0 when empty). */
  get lastSeq(): number {
    return this.#events.at(-1)?.seq ?? 0;
  }

  /** Changes on every add or reset: views compare it to skip redraws when nothing happened. */
  get version(): number {
    return this.#version;
  }

  /** Oldest first. */
  all(): readonly EventJson[] {
    return this.#events;
  }

  subscribe(fn: (e: EventJson) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}
