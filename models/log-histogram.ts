/**
 * A bounded, decaying histogram on a logarithmic grid, for non-negative quantities whose tails matter
 * (memory excess in bytes, CPU in cores). O(1) to add, O(bins) to read a tail, fixed memory.
 *
 * Bin 0 holds [0, min); bin i ≥ 1 holds [min·r^(i−1), min·r^i) with r = 2^(1/binsPerOctave); the last
 * bin also takes everything above the grid. Within a bin mass is spread linearly, so tail readings are
 * continuous. When the total weight passes `maxWeight` every count is halved: old evidence fades at a
 * rate set by the data's arrival, and a quantile is never pinned by stale history.
 */
export interface LogHistogram {
  readonly min: number;
  readonly binsPerOctave: number;
  readonly counts: Float64Array;
  /** edges[i] is the lower edge of bin i (edges[0] = 0), edges[bins] the top of the grid. */
  readonly edges: Float64Array;
  total: number;
  readonly maxWeight: number;
}

/** A histogram covering [0, max) with resolution `binsPerOctave` above `min`. */
export function newLogHistogram(min: number, max: number, binsPerOctave: number, maxWeight: number): LogHistogram {
  const bins = 2 + Math.ceil(Math.log2(max / min) * binsPerOctave);
  const edges = new Float64Array(bins + 1);
  for (let i = 1; i <= bins; i++) edges[i] = min * 2 ** ((i - 1) / binsPerOctave);
  return { min, binsPerOctave, counts: new Float64Array(bins), edges, total: 0, maxWeight };
}

/** The bin a value falls in. */
export function binOf(h: LogHistogram, x: number): number {
  if (!(x >= h.min)) return 0;
  const i = 1 + Math.floor(Math.log2(x / h.min) * h.binsPerOctave);
  return i >= h.counts.length ? h.counts.length - 1 : i;
}

/** Lower edge of bin i. */
export function binLow(h: LogHistogram, i: number): number {
  return h.edges[i] ?? 0;
}

/** Upper edge of bin i. */
export function binHigh(h: LogHistogram, i: number): number {
  return h.edges[i + 1] ?? h.min * 2 ** (i / h.binsPerOctave);
}

/** Adds one observation (weight 1 unless told). */
export function addToHistogram(h: LogHistogram, x: number, weight = 1): void {
  const i = binOf(h, Math.max(0, x));
  h.counts[i] = (h.counts[i] ?? 0) + weight;
  h.total += weight;
  if (h.total > h.maxWeight) {
    for (let j = 0; j < h.counts.length; j++) h.counts[j] = (h.counts[j] ?? 0) * 0.5;
    h.total *= 0.5;
  }
}

/**
 * Upper-tail mass P(X > x) under the histogram (0 when empty), with mass spread linearly inside the
 * bin that contains x.
 */
export function histogramTail(h: LogHistogram, x: number): number {
  if (h.total <= 0) return 0;
  if (x < 0) return 1;
  const i = binOf(h, x);
  let above = 0;
  for (let j = i + 1; j < h.counts.length; j++) above += h.counts[j] ?? 0;
  const lo = binLow(h, i);
  const hi = binHigh(h, i);
  const inBin = h.counts[i] ?? 0;
  const frac = x >= hi ? 0 : (hi - x) / (hi - lo);
  return (above + inBin * frac) / h.total;
}

/** The largest value the histogram can hold evidence of (upper edge of the highest non-empty bin). */
export function histogramUpper(h: LogHistogram): number {
  for (let j = h.counts.length - 1; j >= 0; j--) if ((h.counts[j] ?? 0) > 0) return binHigh(h, j);
  return 0;
}
