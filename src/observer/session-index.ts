// The index of sessions: open ones by connection id and by remote endpoint, and a bounded pool of recently closed ones.
import { parseEndpoint, type Endpoint } from '../core/address/index.js';
import { connectionIdText, endpointText, UNKNOWN_LOCAL } from './endpoint-text.js';
import type { Session } from './session.js';

export class SessionIndex {
  readonly #closedLimit: number;
  readonly #open = new Map<string, Session>();
  /** Remote endpoint text → ids of open sessions to it (lines that name only the remote end). */
  readonly #byRemote = new Map<string, Set<string>>();
  /** Recently closed sessions, oldest first (Map keeps insertion order). */
  readonly #closed = new Map<string, Session>();

  /** `closedLimit`: closed sessions kept for lookups (0: none). */
  constructor(closedLimit: number) {
    this.#closedLimit = closedLimit;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Open sessions, oldest first. */
  open(): IterableIterator<Session> {
    return this.#open.values();
  }

  /** Recently closed sessions, oldest first. */
  closed(): IterableIterator<Session> {
    return this.#closed.values();
  }

  /** An open session by id. */
  get(id: string): Session | undefined {
    return this.#open.get(id);
  }

  /**
   * The open session a log line names. With our end: that connection, or one opened from a line
   * without our end (which then takes it). Without: the most recently seen session to `remote`.
   */
  find(local: Endpoint | undefined, remote: Endpoint): Session | undefined {
    const remoteText = endpointText(remote);
    if (local) {
      const exact = this.#open.get(`${endpointText(local)}-${remoteText}`);
      if (exact) return exact;
      // A session opened from a line without our end: now we know it.
      const anonymous = this.#open.get(`${UNKNOWN_LOCAL}-${remoteText}`);
      if (anonymous) this.#rekey(anonymous, local);
      return anonymous;
    }
    const ids = this.#byRemote.get(remoteText);
    if (!ids) return undefined;
    let best: Session | undefined;
    for (const id of ids) {
      const s = this.#open.get(id)!;
      if (!best || s.lastSeen > best.lastSeen) best = s;
    }
    return best;
  }

  /**
   * A session by id (`local-remote`), by the node's `"local remote"` form, or by the remote endpoint
   * alone (the most recently seen session to it). Open sessions first, then recently closed ones.
   */
  lookup(key: string): Session | undefined {
    const k = canonicalKey(key);
    const hit = this.#open.get(k) ?? this.#closed.get(k);
    if (hit) return hit;
    // The remote endpoint alone: the most recently seen session to it, open ones first.
    let best: Session | undefined;
    for (const pool of [this.#open, this.#closed]) {
      for (const s of pool.values()) if (s.remoteText === k && (!best || s.lastSeen > best.lastSeen)) best = s;
      if (best) return best;
    }
    return undefined;
  }

  /** Takes a closed session out of the pool, so a reopened connection keeps its history. */
  takeClosed(id: string): Session | undefined {
    const s = this.#closed.get(id);
    if (s) this.#closed.delete(id);
    return s;
  }

  /** Indexes a new open session. */
  add(s: Session): void {
    this.#open.set(s.id, s);
    let ids = this.#byRemote.get(s.remoteText);
    if (!ids) this.#byRemote.set(s.remoteText, (ids = new Set()));
    ids.add(s.id);
  }

  /** Removes an open session (closing it, or before it changes id). */
  remove(s: Session): void {
    this.#open.delete(s.id);
    const ids = this.#byRemote.get(s.remoteText);
    ids?.delete(s.id);
    if (ids?.size === 0) this.#byRemote.delete(s.remoteText);
  }

  /** Keeps a closed session for lookups, dropping the oldest beyond the limit. */
  keepClosed(s: Session): void {
    if (this.#closedLimit === 0) return;
    this.#closed.set(s.id, s);
    if (this.#closed.size > this.#closedLimit) this.#closed.delete(this.#closed.keys().next().value!);
  }

  #rekey(s: Session, local: Endpoint): void {
    this.remove(s);
    s.local = local;
    s.id = connectionIdText(local, s.remote);
    this.add(s);
  }
}

/** Accepts `local-remote`, `"local remote"` or a remote endpoint, in any valid spelling. */
function canonicalKey(key: string): string {
  const k = key.trim().replace(' ', '-');
  try {
    const dash = k.indexOf('-');
    if (dash < 0) return endpointText(parseEndpoint(k));
    const local = k.slice(0, dash);
    const remote = endpointText(parseEndpoint(k.slice(dash + 1)));
    return `${local === UNKNOWN_LOCAL ? local : endpointText(parseEndpoint(local))}-${remote}`;
  } catch {
    return k;
  }
}
