/**
 * The per-session arithmetic the prior fit needs: quantiles, a session's low baseline, and the peak of
 * a series over the next H seconds at every sample (a sliding-window maximum). Pure.
 */
import type { QuantileKnots } from '../headroom.js';

/** Linear-interpolated quantile of an ascending array (0 when empty). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.ceil(pos)] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Quantile of unsorted values. */
export function quantileOf(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((x, y) => x - y), q);
}

/**
 * Knots (p50, p90, p99, max) of draws; `n` is how many independent draws they are worth (at least 1).
 * Values are rounded to `unit` so the committed JSON stays readable (bytes to 1 MB, cores to 0.01).
 */
export function knotsOf(values: readonly number[], n: number, unit: number): QuantileKnots {
  const s = [...values].sort((x, y) => x - y);
  const r = (v: number): number => Math.round(v / unit) * unit;
  // Rounding keeps the order of ordered values, so the knots stay p50 <= p90 <= p99 <= max.
  return { p50: r(quantileSorted(s, 0.5)), p90: r(quantileSorted(s, 0.9)), p99: r(quantileSorted(s, 0.99)), max: r(s[s.length - 1] ?? 0), n: Math.max(1, Math.round(n)) };
}

/**
 * For every sample i, the largest value among the samples in (t_i, t_i + horizonS]; the sample's own
 * value when none follows within the horizon (the window then holds only what is known). O(n) with a
 * monotonic deque, walking from the end.
 */
export function peakAhead(ts: readonly number[], values: readonly number[], horizonS: number): number[] {
  const out = new Array<number>(ts.length);
  const deque: number[] = []; // indices j > i with decreasing values, all within the window
  let hi = ts.length - 1; // last index inside the window of the current i
  for (let i = ts.length - 1; i >= 0; i--) {
    const ti = ts[i] ?? 0;
    while (hi > i && (ts[hi] ?? 0) > ti + horizonS) {
      if (deque[0] === hi) deque.shift();
      hi--;
    }
    const best = deque.length > 0 ? (values[deque[0] as number] ?? 0) : (values[i] ?? 0);
    out[i] = best;
    // Push i for the samples before it: drop smaller values from the back.
    const vi = values[i] ?? 0;
    while (deque.length > 0 && (values[deque[deque.length - 1] as number] ?? 0) <= vi) deque.pop();
    deque.push(i);
  }
  return out;
}
