/**
 * The trend of a pod's own memory usage, for pods that export no agent series (no context tokens, no
 * tool in flight): the only forecast left is the pod's recent slope.
 *
 * Why Theil–Sen: the slope is the median of the slopes of every pair of recent samples. One burst (or
 * one sample that landed late) moves a least-squares line a lot and the median hardly at all, and a
 * steady ramp, the case that kills (issue 11: a 4 MB/s ramp OOM-killed twice), gives every pair the
 * same slope. Its uncertainty comes from the same pairs: the upper quantile of the pairwise slopes
 * (for n samples there are n(n−1)/2, so a handful of samples already gives a usable spread). Pairs
 * closer than MIN_PAIR_SPACING_MS are left out: a slope over milliseconds is noise.
 *
 * A trend counts as a ramp only when most pairs agree it rises (RAMP_AGREEMENT): an idle pod's noise has
 * a positive upper quantile too, and sizing every pod for the upper edge of its noise would cost slack
 * without saving anyone.
 */
import { medianSorted, quantileSorted } from 'simple-statistics';

/** A (time, bytes) point of a pod's memory. */
export interface MemoryPoint {
  readonly tMs: number;
  readonly memBytes: number;
}

/** A fitted trend, bytes per second. */
export interface MemoryTrend {
  /** Theil–Sen slope (median of pairwise slopes). */
  readonly slope: number;
  /** Upper quantile of the pairwise slopes: the slope a forecast at risk should assume. */
  readonly upper: number;
  /** Share of pairs with a positive slope. */
  readonly rising: number;
  /** Points used. */
  readonly n: number;
}

/** Points a trend needs (3 points give 3 pairs). */
export const MIN_TREND_POINTS = 3;
/** Pairs closer in time than this carry no slope. */
export const MIN_PAIR_SPACING_MS = 1000;
/** Share of rising pairs from which a trend is a ramp. */
export const RAMP_AGREEMENT = 0.75;
/** Quantile of the pairwise slopes taken as the trend's upper edge. */
export const UPPER_QUANTILE = 0.9;

const FLAT: MemoryTrend = { slope: 0, upper: 0, rising: 0, n: 0 };

/** Theil–Sen over the points (any order); FLAT when there are too few usable pairs. */
export function memoryTrend(points: readonly MemoryPoint[]): MemoryTrend {
  const flat: number[] = [];
  for (const p of points) flat.push(p.tMs, p.memBytes);
  return memoryTrendFlat(flat);
}

/**
 * memoryTrend over points stored flat, `[t0, mem0, t1, mem1, …]`: how the engine keeps each pod's
 * recent points (one array of unboxed numbers per pod instead of an object and a boxed time per point:
 * at 10,000 pods that is ~6 MB and ~240,000 objects less for every full GC to mark).
 */
export function memoryTrendFlat(flat: readonly number[]): MemoryTrend {
  const n = flat.length >> 1;
  if (n < MIN_TREND_POINTS) return { ...FLAT, n };
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = flat[2 * i] ?? 0;
    const am = flat[2 * i + 1] ?? 0;
    for (let j = i + 1; j < n; j++) {
      const dt = (flat[2 * j] ?? 0) - at;
      if (Math.abs(dt) < MIN_PAIR_SPACING_MS) continue;
      slopes.push((((flat[2 * j + 1] ?? 0) - am) / dt) * 1000);
    }
  }
  if (slopes.length < MIN_TREND_POINTS) return { ...FLAT, n };
  slopes.sort((x, y) => x - y);
  const rising = slopes.filter((s) => s > 0).length / slopes.length;
  return { slope: medianSorted(slopes), upper: quantileSorted(slopes, UPPER_QUANTILE), rising, n };
}

/**
 * Bytes a pod may have grown by over `seconds` on its trend: the upper slope times the time, when the
 * trend is a ramp (most pairs rising and the median slope positive); 0 otherwise.
 */
export function rampGrowth(t: MemoryTrend, seconds: number): number {
  if (t.slope <= 0 || t.rising < RAMP_AGREEMENT || seconds <= 0) return 0;
  return Math.max(t.slope, t.upper) * seconds;
}
