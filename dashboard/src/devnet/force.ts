// A small force-directed layout: vertices repel, edges pull like springs, a weak pull keeps the graph centred.

export interface Point {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/** How far apart two connected vertices settle by default, in CSS pixels. */
const LINK_LENGTH = 150;
/** Strength of the springs along edges. */
const LINK_STRENGTH = 0.04;
/**
 * Repulsion between every two vertices (inverse-square, like charges), in units of the link length
 * squared, so the whole picture scales with the link length.
 */
const CHARGE = 0.9;
/** Pull toward the centre, so disconnected parts do not drift off the canvas. */
const GRAVITY = 0.004;
/** Velocity kept per step: friction that lets the layout come to rest. */
const DAMPING = 0.82;
/** Below this energy the layout is at rest and the page stops animating. */
export const REST_ENERGY = 0.05;

export class ForceLayout {
  readonly points = new Map<number, Point>();
  /** The springs' rest length; the graph sets it from the canvas size so the picture fills it. */
  linkLength = LINK_LENGTH;

  /** Keeps existing positions; new vertices start on a circle, so the first layout is the same every load. */
  setVertices(keys: number[], width: number, height: number): void {
    const cx = width / 2;
    const cy = height / 2;
    const radius = Math.min(width, height) * 0.3;
    for (const k of keys) {
      if (this.points.has(k)) continue;
      const angle = (2 * Math.PI * (k - 1)) / Math.max(keys.length, 1) - Math.PI / 2;
      this.points.set(k, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle), vx: 0, vy: 0 });
    }
    for (const k of [...this.points.keys()]) if (!keys.includes(k)) this.points.delete(k);
  }

  /** One step; returns the kinetic energy left (the caller stops below REST_ENERGY). */
  step(links: [number, number][], width: number, height: number): number {
    const pts = [...this.points.values()];
    for (let i = 0; i < pts.length; i++) {
      for (let j = i + 1; j < pts.length; j++) {
        const a = pts[i]!;
        const b = pts[j]!;
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1) {
          // Two vertices on the same spot: nudge them apart deterministically.
          dx = 1;
          dy = 0;
          d2 = 1;
        }
        const d = Math.sqrt(d2);
        const f = (CHARGE * this.linkLength * this.linkLength) / d2;
        a.vx -= (f * dx) / d;
        a.vy -= (f * dy) / d;
        b.vx += (f * dx) / d;
        b.vy += (f * dy) / d;
      }
    }
    for (const [s, t] of links) {
      const a = this.points.get(s);
      const b = this.points.get(t);
      if (!a || !b) continue;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.max(1, Math.hypot(dx, dy));
      const f = (d - this.linkLength) * LINK_STRENGTH;
      a.vx += (f * dx) / d;
      a.vy += (f * dy) / d;
      b.vx -= (f * dx) / d;
      b.vy -= (f * dy) / d;
    }
    let energy = 0;
    const margin = 30;
    for (const p of pts) {
      p.vx = (p.vx + (width / 2 - p.x) * GRAVITY) * DAMPING;
      p.vy = (p.vy + (height / 2 - p.y) * GRAVITY) * DAMPING;
      p.x += p.vx;
      p.y += p.vy;
      // A vertex pushed against an edge of the canvas stops there (its speed too, so the layout can rest).
      if (p.x < margin || p.x > width - margin) {
        p.x = Math.min(width - margin, Math.max(margin, p.x));
        p.vx = 0;
      }
      if (p.y < margin || p.y > height - margin) {
        p.y = Math.min(height - margin, Math.max(margin, p.y));
        p.vy = 0;
      }
      energy += p.vx * p.vx + p.vy * p.vy;
    }
    return energy;
  }
}
