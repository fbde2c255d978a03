/**
 * Headroom calibrated to a risk budget ε.
 *
 * The limit we want is the smallest L with P(peak usage over the horizon > L) ≤ ε, where the horizon
 * is the time until the next action can land (scrape lag + tick + resize latency). We write the peak as
 * base + X, with X the excess above the pod's baseline, and get P(X > h) from two sources:
 *
 *  1. a prior: quantile knots (p50, p90, p99, max over n sessions) measured on real 1 s container data.
 *     Between knots the CDF is linear; the observed maximum of n draws is read as the 1 − 1/(n+1)
 *     quantile (never below 0.99), and the CDF reaches 1 only at max·(1 + MAX_STRETCH), because the
 *     largest of n draws under-states the support;
 *  2. the pod class's own scraped history (a LogHistogram of realized excess).
 *
 * They are mixed with weights w_prior = max(floor, n0/(n0+n)) and 1 − w_prior (shrinkage). The floor
 * exists because scraped history is a biased sample of the tail: a 1–2 s burst between two 15 s
 * scrapes is never seen, so scraped data may raise a tail but should not erase one measured at 1 s.
 *
 * Calibration (conformal): every forecast L_t is later compared with the realized scraped peak over
 * its horizon; the residuals e = peak − L_t sit in a bounded window per class. The finite-sample
 * conformal quantile is the k-th order statistic with k = ⌈(n+1)(1−ε)⌉ (Vovk et al.; Romano et al.
 * 2019 for the quantile-regression variant). It is added only when positive: scraped peaks are lower
 * bounds of true peaks, so a negative residual proves less than it seems and must not shrink a limit.
 */

/** Quantile knots of a non-negative quantity, as the priors store them. `n` is how many draws made them. */
export interface QuantileKnots {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly n: number;
}

/** How far past the observed maximum the prior CDF reaches 1 (0.25 = 25 % past the max). */
export const MAX_STRETCH = 0.25;

/** P(X > x) under the prior knots' piecewise-linear CDF. */
export function knotTail(k: QuantileKnots, x: number): number {
  if (x < 0) return 1;
  const pMax = 1 - 1 / (k.n + 1);
  const xs = [0, k.p50, k.p90, k.p99, k.max, k.max * (1 + MAX_STRETCH)];
  const fs = [0, 0.5, 0.9, 0.99, Math.max(0.99, pMax), 1];
  for (let i = 1; i < xs.length; i++) {
    const x1 = xs[i] ?? 0;
    if (x < x1) {
      const x0 = xs[i - 1] ?? 0;
      const f0 = fs[i - 1] ?? 0;
      const f1 = fs[i] ?? 1;
      const f = x1 > x0 ? f0 + ((f1 - f0) * (x - x0)) / (x1 - x0) : f1;
      return 1 - f;
    }
  }
  return 0;
}

/** The upper end of the prior's support. */
export function knotUpper(k: QuantileKnots): number {
  return k.max * (1 + MAX_STRETCH);
}

/** Shrinkage weight of a prior worth n0 samples against n observed ones, never below `floor`. */
export function priorWeight(n: number, n0: number, floor: number): number {
  if (n0 <= 0) return floor;
  return Math.max(floor, n0 / (n0 + Math.max(0, n)));
}

/**
 * The smallest h ≥ 0 with tail(h) ≤ ε, by bisection on [0, upper] (tail is non-increasing).
 * Returns `upper` when even that does not reach ε.
 */
export function solveTail(tail: (h: number) => number, eps: number, upper: number): number {
  if (tail(0) <= eps) return 0;
  if (tail(upper) > eps) return upper;
  let lo = 0;
  let hi = upper;
  for (let i = 0; i < 40 && hi - lo > upper * 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > eps) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** A bounded ring of recent forecast residuals (one per class). */
export interface ResidualWindow {
  readonly values: Float64Array;
  size: number;
  next: number;
  /** Sorted copy, rebuilt lazily after `dirty` pushes. */
  sorted: Float64Array | undefined;
  dirty: number;
}

export function newResidualWindow(capacity: number): ResidualWindow {
  return { values: new Float64Array(capacity), size: 0, next: 0, sorted: undefined, dirty: 0 };
}

/** Adds a residual, evicting the oldest when full. */
export function pushResidual(w: ResidualWindow, e: number): void {
  w.values[w.next] = e;
  w.next = (w.next + 1) % w.values.length;
  if (w.size < w.values.length) w.size++;
  w.dirty++;
}

/**
 * Split-conformal quantile at level 1 − ε: the ⌈(n+1)(1−ε)⌉-th smallest residual. When the window is
 * too small for that rank (n < 1/ε − 1) the exact answer is +∞; we return the largest residual and say
 * `finite: false`, and the caller decides how far to trust it.
 */
export function conformalQuantile(w: ResidualWindow, eps: number): { readonly q: number; readonly n: number; readonly finite: boolean } {
  const n = w.size;
  if (n === 0) return { q: 0, n, finite: false };
  if (w.sorted === undefined || w.dirty > 0) {
    w.sorted = w.values.slice(0, n).sort();
    w.dirty = 0;
  }
  const k = Math.ceil((n + 1) * (1 - eps));
  const finite = k <= n;
  return { q: w.sorted[Math.min(k, n) - 1] ?? 0, n, finite };
}

/**
 * The additive correction the calibration layer puts on top of the model's limit: the positive part
 * of the conformal quantile, shrunk by n/(n + n0) so a handful of residuals cannot swing the limit.
 */
export function conformalCorrection(w: ResidualWindow, eps: number, n0: number): number {
  const { q, n } = conformalQuantile(w, eps);
  if (n === 0 || q <= 0) return 0;
  return (q * n) / (n + n0);
}
