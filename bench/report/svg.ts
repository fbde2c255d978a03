/**
 * Tiny SVG toolkit for the report: linear scales with "nice" ticks, axes, paths and escaping. Just
 * enough to draw honest charts without a library (the report must be one self-contained file).
 */

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Coordinates with one decimal: enough for a screen, and keeps the file small and stable. */
export function f1(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

/** Maps [d0, d1] onto [r0, r1]; a degenerate domain maps to the middle of the range. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const s = ((v: number): number => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0))) as Scale;
  return Object.assign(s, { domain, range });
}

/**
 * About `count` round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, the
 * spacing people read without effort.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(lo, hi, count);
  // Whole multiples of the step, printed at the step's precision: 0.6, not 0.6000000000000001.
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) out.push(atPrecisionOf(k * step, step));
  return out;
}

function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

function atPrecisionOf(v: number, step: number): number {
  return Number(v.toFixed(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)))) + 0;
}

/** A domain widened to whole tick steps on both ends, so the axis starts and ends on a labelled tick. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!(hi > lo)) return [lo, lo + 1];
  const step = niceStep(lo, hi, count);
  return [atPrecisionOf(Math.floor(lo / step + 1e-9) * step, step), atPrecisionOf(Math.ceil(hi / step - 1e-9) * step, step)];
}

/** The upper end of a nice axis that contains `max` (and starts at `min`). */
export function niceMax(max: number, min = 0): number {
  if (!(max > min)) return min + 1;
  return niceDomain(min, max, 5)[1];
}

/** The plot area inside an SVG: outer size and margins. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export function innerX(f: Frame): readonly [number, number] {
  return [f.left, f.width - f.right];
}

export function innerY(f: Frame): readonly [number, number] {
  return [f.height - f.bottom, f.top];
}

/** Gridlines and labels of both axes. `fmtX` / `fmtY` format tick values. */
export function axes(f: Frame, x: Scale, y: Scale, opts: { fmtX: (v: number) => string; fmtY: (v: number) => string; xTicks?: number; yTicks?: number; xLabel?: string; yLabel?: string; hideX?: boolean }): string {
  const parts: string[] = [];
  const [x0, x1] = innerX(f);
  const [y0, y1] = innerY(f);
  for (const v of niceTicks(y.domain[0], y.domain[1], opts.yTicks ?? 4)) {
    const py = f1(y(v));
    parts.push(`<line class="grid" x1="${f1(x0)}" x2="${f1(x1)}" y1="${py}" y2="${py}"/>`);
    parts.push(`<text class="tick" x="${f1(x0 - 6)}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(opts.fmtY(v))}</text>`);
  }
  for (const v of opts.hideX === true ? [] : niceTicks(x.domain[0], x.domain[1], opts.xTicks ?? 5)) {
    const px = f1(x(v));
    parts.push(`<line class="tickmark" x1="${px}" x2="${px}" y1="${f1(y0)}" y2="${f1(y0 + 4)}"/>`);
    parts.push(`<text class="tick" x="${px}" y="${f1(y0 + 16)}" text-anchor="middle">${esc(opts.fmtX(v))}</text>`);
  }
  parts.push(`<line class="axis" x1="${f1(x0)}" x2="${f1(x1)}" y1="${f1(y0)}" y2="${f1(y0)}"/>`);
  if (opts.xLabel !== undefined) parts.push(`<text class="label" x="${f1((x0 + x1) / 2)}" y="${f1(f.height - 4)}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel !== undefined) parts.push(`<text class="label" x="12" y="${f1((y0 + y1) / 2)}" text-anchor="middle" transform="rotate(-90 12 ${f1((y0 + y1) / 2)})">${esc(opts.yLabel)}</text>`);
  return parts.join('');
}

/** A polyline path through points. */
export function linePath(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${f1(px)} ${f1(py)}`).join('');
}

/** A step path: the value holds until the next point (how requests and limits behave). */
export function stepPath(points: ReadonlyArray<readonly [number, number]>): string {
  let d = '';
  points.forEach(([px, py], i) => {
    d += i === 0 ? `M${f1(px)} ${f1(py)}` : `H${f1(px)}V${f1(py)}`;
  });
  return d;
}

export function svgOpen(f: Frame, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
}
