// The last hour of samples kept in the page, and the rates and stacks the charts draw from them (no DOM here).

import type { SampleJson } from './types.js';

/** The charts show one hour, as the server keeps. */
export const WINDOW_MS = 60 * 60 * 1000;

/**
 * Samples in time order. The server's answer ends with a sample taken at the moment of the request
 * (not kept by the server); it is shown as a provisional tail and replaced by the next answer.
 */
export class SampleStore {
  #kept: SampleJson[] = [];
  #tail: SampleJson | undefined;

  /** Merges one answer of GET /api/v1/series; returns true when something new arrived. */
  merge(samples: SampleJson[]): boolean {
    if (samples.length === 0) return false;
    const recorded = samples.slice(0, -1);
    const lastKept = this.#kept.at(-1)?.at ?? -Infinity;
    let changed = false;
    for (const s of recorded) {
      if (s.at > lastKept) {
        this.#kept.push(s);
        changed = true;
      }
    }
    const tail = samples.at(-1)!;
    if (tail.at > (this.#kept.at(-1)?.at ?? -Infinity)) {
      changed ||= this.#tail?.at !== tail.at;
      this.#tail = tail;
    } else {
      this.#tail = undefined;
    }
    const cutoff = (this.#tail ?? this.#kept.at(-1)!).at - WINDOW_MS;
    while (this.#kept.length > 0 && this.#kept[0]!.at < cutoff) this.#kept.shift();
    return changed;
  }

  /** The newest recorded sample's time: ask the server only for what came after it. */
  get lastRecordedAt(): number | undefined {
    return this.#kept.at(-1)?.at;
  }

  samples(): SampleJson[] {
    return this.#tail ? [...this.#kept, this.#tail] : [...this.#kept];
  }
}

export type Values = (number | null)[];

/** Seconds since the epoch, uPlot's x values. */
export const timesOf = (samples: SampleJson[]): number[] => samples.map((s) => s.at / 1000);

/**
 * Peer counts stacked bottom-up (outbound hot, outbound warm, inbound hot, inbound warm): each value
 * is the running sum, so filled areas drawn top layer first read as a stacked chart.
 */
export function stackedPeers(samples: SampleJson[]): { label: string; values: number[] }[] {
  const layers: [string, (s: SampleJson) => number][] = [
    ['outbound hot', (s) => s.peers.outbound.hot],
    ['outbound warm', (s) => s.peers.outbound.warm],
    ['inbound hot', (s) => s.peers.inbound.hot],
    ['inbound warm', (s) => s.peers.inbound.warm],
  ];
  const sums = samples.map(() => 0);
  return layers.map(([label, get]) => ({
    label,
    values: samples.map((s, i) => (sums[i] = sums[i]! + get(s))),
  }));
}

/**
 * Change per `perMs` between consecutive samples of a cumulative counter. The first sample has no
 * rate; a counter that went down means the node restarted, so that interval is left blank.
 */
export function rates(samples: SampleJson[], get: (s: SampleJson) => number, perMs = 1000): Values {
  return samples.map((s, i) => {
    if (i === 0) return null;
    const prev = samples[i - 1]!;
    const dt = s.at - prev.at;
    const dv = get(s) - get(prev);
    if (dt <= 0 || dv < 0) return null;
    return (dv * perMs) / dt;
  });
}

/** Every key that appears in a per-sample record (dial outcomes, penalty reasons), sorted. */
export function keysOf(samples: SampleJson[], pick: (s: SampleJson) => Record<string, number>): string[] {
  const keys = new Set<string>();
  for (const s of samples) for (const k of Object.keys(pick(s))) keys.add(k);
  return [...keys].sort();
}

/** Per-minute rates of each key of a cumulative record. */
export function keyedRates(samples: SampleJson[], pick: (s: SampleJson) => Record<string, number>): { key: string; values: Values }[] {
  return keysOf(samples, pick).map((key) => ({ key, values: rates(samples, (s) => pick(s)[key] ?? 0, 60_000) }));
}
