// Draws the devnet as a live graph on a canvas: node size by peers, edge colour by each end's direction × temperature.

import { COLORS } from '../lib/colors.js';
import { h } from '../lib/dom.js';
import { ForceLayout, REST_ENERGY } from './force.js';
import type { Edge, EndView, Vertex } from './topology.js';

const HEIGHT = 460;

export function endColor(view: EndView | undefined): string {
  if (!view) return COLORS.down;
  if (view.direction === 'outbound') return view.temperature === 'hot' ? COLORS.hot : COLORS.warm;
  return view.temperature === 'hot' ? COLORS.inboundHot : COLORS.inboundWarm;
}

function healthColor(health: string): string {
  return health === 'healthy' ? COLORS.healthy : health === 'degraded' ? COLORS.degraded : health === 'isolated' ? COLORS.isolated : COLORS.down;
}

/** Radius grows with the square root of the peer count, so area tracks peers. */
export const radiusOf = (peers: number) => 12 + 4 * Math.sqrt(peers);

export interface Graph {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  update(vertices: Vertex[], edges: Edge[]): void;
}

export function createGraph(): Graph {
  const canvas = h('canvas', { class: 'graph', role: 'img', 'aria-label': 'devnet graph' });
  const el = h('div', { class: 'graph-wrap' }, canvas);
  const layout = new ForceLayout();
  let vertices: Vertex[] = [];
  let edges: Edge[] = [];
  let frame = 0;
  let hover: number | undefined;

  const size = () => ({ width: Math.max(300, el.clientWidth), height: HEIGHT });

  const vertexAt = (x: number, y: number): Vertex | undefined =>
    vertices.find((v) => {
      const p = layout.points.get(v.index);
      return p !== undefined && Math.hypot(p.x - x, p.y - y) <= radiusOf(v.peers) + 2;
    });

  const draw = () => {
    const { width, height } = size();
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = COLORS.panel;
    ctx.fillRect(0, 0, width, height);

    for (const e of edges) {
      const a = layout.points.get(e.from);
      const b = layout.points.get(e.to);
      if (!a || !b) continue;
      // Two connections between the same pair bend apart; otherwise a straight line.
      const mx = (a.x + b.x) / 2;
      const my = (a.y + b.y) / 2;
      const len = Math.max(1, Math.hypot(b.x - a.x, b.y - a.y));
      const bend = e.paired ? 22 : 0;
      const cx = mx + (-(b.y - a.y) / len) * bend;
      const cy = my + ((b.x - a.x) / len) * bend;
      ctx.lineWidth = 3;
      // The dialler's half in its colour (outbound), the acceptor's half in its own (inbound).
      ctx.strokeStyle = endColor(e.fromView);
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.quadraticCurveTo((a.x + cx) / 2, (a.y + cy) / 2, cx, cy);
      ctx.stroke();
      ctx.strokeStyle = endColor(e.toView);
      ctx.beginPath();
      ctx.moveTo(cx, cy);
      ctx.quadraticCurveTo((b.x + cx) / 2, (b.y + cy) / 2, b.x, b.y);
      ctx.stroke();
      // An arrowhead at the middle, pointing from the dialler to the acceptor.
      const angle = Math.atan2(b.y - a.y, b.x - a.x);
      ctx.fillStyle = endColor(e.toView ?? e.fromView);
      ctx.beginPath();
      ctx.moveTo(cx + 7 * Math.cos(angle), cy + 7 * Math.sin(angle));
      ctx.lineTo(cx + 7 * Math.cos(angle + 2.5), cy + 7 * Math.sin(angle + 2.5));
      ctx.lineTo(cx + 7 * Math.cos(angle - 2.5), cy + 7 * Math.sin(angle - 2.5));
      ctx.fill();
    }

    const positions: { index: number; x: number; y: number; r: number }[] = [];
    for (const v of vertices) {
      const p = layout.points.get(v.index);
      if (!p) continue;
      const r = radiusOf(v.peers);
      positions.push({ index: v.index, x: Math.round(p.x), y: Math.round(p.y), r });
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.fillStyle = healthColor(v.health);
      ctx.fill();
      ctx.lineWidth = hover === v.index ? 3 : 1.5;
      ctx.strokeStyle = hover === v.index ? COLORS.text : COLORS.panel;
      ctx.stroke();
      ctx.fillStyle = '#0b0f14';
      ctx.font = 'bold 13px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(String(v.index), p.x, p.y);
      // The label with a halo in the background colour, so edges under it do not hide it.
      const label = `${v.ip} · ${v.peers} peers`;
      ctx.font = '11px system-ui, sans-serif';
      ctx.lineWidth = 4;
      ctx.strokeStyle = COLORS.panel;
      ctx.strokeText(label, p.x, p.y + r + 11);
      ctx.fillStyle = COLORS.muted;
      ctx.fillText(label, p.x, p.y + r + 11);
    }
    // What the canvas shows, for tools and tests that cannot read a picture.
    canvas.dataset.nodes = String(positions.length);
    canvas.dataset.edges = String(edges.length);
    canvas.dataset.positions = JSON.stringify(positions);
  };

  const animate = () => {
    frame = 0;
    const { width, height } = size();
    // Springs a third of the canvas's size for a handful of nodes, shorter as nodes get many, so all fit.
    layout.linkLength = Math.max(40, Math.min(height * 0.6, 0.35 * Math.sqrt(width * height) * Math.sqrt(4 / Math.max(4, vertices.length))));
    const energy = layout.step(
      edges.map((e) => [e.from, e.to]),
      width,
      height,
    );
    draw();
    if (energy > REST_ENERGY) frame = requestAnimationFrame(animate);
    else canvas.dataset.settled = 'true';
  };
  const wake = () => {
    delete canvas.dataset.settled;
    if (!frame) frame = requestAnimationFrame(animate);
  };

  canvas.addEventListener('mousemove', (e) => {
    const rect = canvas.getBoundingClientRect();
    const v = vertexAt(e.clientX - rect.left, e.clientY - rect.top);
    canvas.style.cursor = v ? 'pointer' : 'default';
    canvas.title = v ? `node ${v.index} (${v.ip}): ${v.health}, ${v.peers} peers — click to open its dashboard` : '';
    if (hover !== v?.index) {
      hover = v?.index;
      draw();
    }
  });
  canvas.addEventListener('click', (e) => {
    const rect = canvas.getBoundingClientRect();
    const v = vertexAt(e.clientX - rect.left, e.clientY - rect.top);
    if (v) window.open(`${v.apiUrl}/`, '_blank', 'noopener');
  });
  new ResizeObserver(() => (frame ? undefined : draw())).observe(el);

  return {
    el,
    canvas,
    update(nextVertices, nextEdges) {
      const changed =
        nextVertices.length !== vertices.length ||
        nextEdges.map((e) => e.key).join() !== edges.map((e) => e.key).join() ||
        nextVertices.some((v, i) => v.peers !== vertices[i]?.peers);
      vertices = nextVertices;
      edges = nextEdges;
      const { width, height } = size();
      layout.setVertices(
        vertices.map((v) => v.index),
        width,
        height,
      );
      if (changed) wake();
      else if (!frame) draw();
    },
  };
}
