// Remembers each peer's score as the page sees it change, so a peer's panel can chart its score over time.

/** Changes kept per peer: enough for an hour of a busy peer, small enough for thousands of peers. */
const POINTS_PER_PEER = 240;
/** Peers not seen for this long are forgotten. */
const FORGET_AFTER_MS = 60 * 60 * 1000;

export class ScoreTracker {
  readonly #points = new Map<string, { at: number; score: number }[]>();
  readonly #lastSeen = new Map<string, number>();

  /** Records a score reading; only a change (or the first reading) adds a point. */
  observe(id: string, score: number, at: number): void {
    this.#lastSeen.set(id, at);
    let list = this.#points.get(id);
    if (!list) this.#points.set(id, (list = []));
    const last = list.at(-1);
    if (last && last.score === score) return;
    list.push({ at, score });
    if (list.length > POINTS_PER_PEER) list.shift();
  }

  points(id: string): readonly { at: number; score: number }[] {
    return this.#points.get(id) ?? [];
  }

  /** Drops peers gone for an hour. */
  prune(now: number): void {
    for (const [id, seen] of this.#lastSeen) {
      if (now - seen > FORGET_AFTER_MS) {
        this.#lastSeen.delete(id);
        this.#points.delete(id);
      }
    }
  }
}
