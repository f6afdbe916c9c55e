// Draws an address-book table as a heat map on a canvas: one column per bucket, one row per slot.

import { COLORS } from './colors.js';
import { h } from './dom.js';
import { heatColor, heatOf, slotsPerGroup, typicalCount } from './heat.js';
import type { OccupancyJson } from './types.js';

export interface HeatMap {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  /** Draws the table; with `highlight`, that group's slots keep their colour and the rest fade. */
  draw(o: OccupancyJson, highlight?: string): void;
}

function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Creates the canvas with a hover read-out naming the bucket, slot and net group under the pointer. */
export function createHeatMap(label: string): HeatMap {
  const canvas = h('canvas', { class: 'heatmap', role: 'img', 'aria-label': label });
  const readout = h('div', { class: 'heatmap-readout muted' }, 'Point at a slot to see its net group.');
  const el = h('div', { class: 'heatmap-wrap' }, canvas, readout);
  let current: OccupancyJson | undefined;
  let counts: Uint32Array = new Uint32Array(0);

  canvas.addEventListener('mousemove', (e) => {
    if (!current) return;
    const rect = canvas.getBoundingClientRect();
    const bucket = Math.floor(((e.clientX - rect.left) / rect.width) * current.buckets);
    const slot = Math.floor(((e.clientY - rect.top) / rect.height) * current.slotsPerBucket);
    const g = current.cells[bucket * current.slotsPerBucket + slot];
    readout.textContent =
      g === undefined || g < 0
        ? `bucket ${bucket}, slot ${slot}: empty`
        : `bucket ${bucket}, slot ${slot}: ${current.groups[g]} — holds ${counts[g]} slots of this table`;
  });

  return {
    el,
    canvas,
    draw(o, highlight) {
      current = o;
      const lit = highlight === undefined ? -1 : o.groups.indexOf(highlight);
      counts = slotsPerGroup(o.cells, o.groups.length);
      const typical = typicalCount(counts);
      // One pixel per slot; CSS scales it up with crisp edges.
      canvas.width = o.buckets;
      canvas.height = o.slotsPerBucket;
      const ctx = canvas.getContext('2d')!;
      const image = ctx.createImageData(o.buckets, o.slotsPerBucket);
      const empty = rgbOf(COLORS.empty);
      const colorOfGroup = Array.from(counts, (c) => heatColor(heatOf(c, typical)));
      for (let bucket = 0; bucket < o.buckets; bucket++) {
        for (let slot = 0; slot < o.slotsPerBucket; slot++) {
          const g = o.cells[bucket * o.slotsPerBucket + slot]!;
          let [r, gr, b] = g >= 0 ? colorOfGroup[g]! : empty;
          if (lit >= 0 && g !== lit) [r, gr, b] = [(r + 2 * empty[0]) / 3, (gr + 2 * empty[1]) / 3, (b + 2 * empty[2]) / 3];
          const p = (slot * o.buckets + bucket) * 4;
          image.data[p] = r;
          image.data[p + 1] = gr;
          image.data[p + 2] = b;
          image.data[p + 3] = 255;
        }
      }
      ctx.putImageData(image, 0, 0);
      canvas.dataset.drawn = String(o.cells.length);
      if (lit >= 0) canvas.dataset.highlight = o.groups[lit]!;
      else delete canvas.dataset.highlight;
    },
  };
}
