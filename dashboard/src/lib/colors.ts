// The dashboard's colours in one place: canvases cannot read CSS variables cheaply, so both use these.

export const COLORS = {
  text: '#d7dde6',
  muted: '#8b96a5',
  grid: 'rgba(255,255,255,0.07)',
  panel: '#151b24',
  empty: '#1d2531',
  hot: '#f06b3f',
  warm: '#f2b33d',
  inboundHot: '#3d9be9',
  inboundWarm: '#8fc8f2',
  healthy: '#3fb97a',
  degraded: '#f2b33d',
  isolated: '#e5484d',
  down: '#5b6573',
  in: '#3d9be9',
  out: '#f06b3f',
};

/** Distinct series colours for keys only known at run time (dial outcomes, penalty reasons). */
export const PALETTE = ['#3d9be9', '#f06b3f', '#3fb97a', '#b48cf2', '#f2b33d', '#e5484d', '#4fd1c5', '#f78fb3', '#a3b18a', '#c0c8d4'];

export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** `#rrggbb` with an alpha, for fills under lines. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
