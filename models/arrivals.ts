/**
 * An online model of session arrivals for one agent class, and a forecast of how many sessions start
 * within a horizon at an upper quantile (the risk budget of a pre-warm).
 *
 * Rate. Arrivals at times t_i give two exponentially weighted rate estimates (a kernel estimate),
 *     r_τ(t) = (1/τ) Σ_{t_i ≤ t} exp(−(t − t_i)/τ),
 * one fast (τ ≈ a minute: follows a burst as it starts) and one slow (τ ≈ a quarter of an hour: the
 * long-run rate). For a constant rate λ observed since t₀, E[r_τ(t)] = λ (1 − exp(−(t − t₀)/τ)); we
 * divide by that factor (the warm-up correction), so a young model is unbiased instead of low.
 *
 * Burstiness. Arrivals are counted in buckets of `bucketS` (a controller sees them once per scrape, so
 * finer buckets carry no information). The bucket counts c_k get an exponentially weighted mean m and
 * variance v (West's incremental form, weight α = 1 − exp(−bucketS/τ_slow)); the index of dispersion
 * D = v/m is 1 for a Poisson process and grows with clustering (the Azure LLM code trace reads about 13
 * at 1 s). With few buckets D is shrunk towards 1: D' = (n·D + n₀)/(n + n₀). D at bucket scale is a
 * lower bound of the dispersion over a longer horizon when counts are positively correlated, which is
 * why the rate used for the forecast also takes the fast estimate (below).
 *
 * Forecast. The count N over a horizon H has mean μ = λ̂·H with λ̂ = max(r_fast, r_slow): a rising
 * rate shows in the fast estimate first, a lull does not talk the forecast below the long-run rate.
 * N is modelled as negative binomial with mean μ and variance D'·μ (a Poisson–gamma mixture: a rate
 * that itself varies), Poisson when D' = 1, and the upper forecast is its q-quantile, summed exactly
 * from the pmf recursion (a normal approximation only past μ = 600, where the pmf underflows).
 * The burst index r_fast / r_slow says how far the present runs above the long-run rate.
 *
 * Pure: time is an argument (epoch milliseconds, non-decreasing).
 */

/** Time scales of the model. */
export interface ArrivalModelOptions {
  /** Time constant of the fast rate (seconds). */
  readonly fastTauS: number;
  /** Time constant of the slow rate and of the dispersion moments (seconds). */
  readonly slowTauS: number;
  /** Width of a counting bucket (seconds): the scrape interval. */
  readonly bucketS: number;
}

export const DEFAULT_ARRIVAL_MODEL_OPTIONS: ArrivalModelOptions = { fastTauS: 60, slowTauS: 900, bucketS: 15 };

/** Pseudo-count of buckets that shrinks the dispersion towards Poisson while evidence is thin. */
export const DISPERSION_PRIOR_BUCKETS = 8;
/** Dispersion is capped: a handful of huge buckets must not make every forecast absurd. */
export const MAX_DISPERSION = 50;

/** The mutable state of one class's arrival model. */
export interface ArrivalStats {
  /** When the model started (warm-up correction). */
  readonly startMs: number;
  /** Time the rates are decayed to. */
  atMs: number;
  /** Kernel sums Σ exp(−(t − t_i)/τ) (divide by τ for a rate). */
  fastSum: number;
  slowSum: number;
  /** The open bucket: its start and its count so far. */
  bucketStartMs: number;
  bucketCount: number;
  /** Exponentially weighted mean and variance of closed bucket counts, and how many were closed. */
  mean: number;
  variance: number;
  buckets: number;
  /** Arrivals folded in total. */
  arrivals: number;
}

export function newArrivalStats(nowMs: number): ArrivalStats {
  return { startMs: nowMs, atMs: nowMs, fastSum: 0, slowSum: 0, bucketStartMs: nowMs, bucketCount: 0, mean: 0, variance: 0, buckets: 0, arrivals: 0 };
}

/** Decays the rates to `tMs` and closes every bucket that ended by then (empty ones count as zeros). */
export function advanceArrivals(s: ArrivalStats, tMs: number, o: ArrivalModelOptions = DEFAULT_ARRIVAL_MODEL_OPTIONS): void {
  if (tMs > s.atMs) {
    const dtS = (tMs - s.atMs) / 1000;
    s.fastSum *= Math.exp(-dtS / o.fastTauS);
    s.slowSum *= Math.exp(-dtS / o.slowTauS);
    s.atMs = tMs;
  }
  const bucketMs = o.bucketS * 1000;
  const alpha = 1 - Math.exp(-o.bucketS / o.slowTauS);
  let closed = 0;
  while (tMs >= s.bucketStartMs + bucketMs) {
    foldBucket(s, s.bucketCount, alpha);
    s.bucketCount = 0;
    s.bucketStartMs += bucketMs;
    // A long silence is many empty buckets; past a few slow time constants their effect is converged.
    if (++closed > (5 * o.slowTauS) / o.bucketS) {
      s.bucketStartMs += Math.floor((tMs - s.bucketStartMs) / bucketMs) * bucketMs;
      break;
    }
  }
}

function foldBucket(s: ArrivalStats, c: number, alpha: number): void {
  if (s.buckets === 0) {
    s.mean = c;
    s.variance = 0;
  } else {
    const d = c - s.mean;
    s.mean += alpha * d;
    s.variance = (1 - alpha) * (s.variance + alpha * d * d);
  }
  s.buckets++;
}

/** Folds `n` arrivals seen at `tMs` (not before the model's last update). */
export function foldArrivals(s: ArrivalStats, n: number, tMs: number, o: ArrivalModelOptions = DEFAULT_ARRIVAL_MODEL_OPTIONS): void {
  advanceArrivals(s, tMs, o);
  if (n <= 0) return;
  s.fastSum += n;
  s.slowSum += n;
  s.bucketCount += n;
  s.arrivals += n;
}

/** The model's reading at `nowMs`: rates (per second), dispersion and burst index. */
export interface ArrivalReading {
  readonly fastRate: number;
  readonly slowRate: number;
  /** λ̂ = max(fast, slow), the rate the forecast uses. */
  readonly rate: number;
  /** Index of dispersion of bucket counts, shrunk towards 1, never below 1. */
  readonly dispersion: number;
  /** fast / slow: above 1 while arrivals run ahead of the long-run rate. */
  readonly burstIndex: number;
}

/** Reads the model at `nowMs` without changing it. */
export function readArrivals(s: ArrivalStats, nowMs: number, o: ArrivalModelOptions = DEFAULT_ARRIVAL_MODEL_OPTIONS): ArrivalReading {
  const dtS = Math.max(0, (nowMs - s.atMs) / 1000);
  const ageS = Math.max(0, (nowMs - s.startMs) / 1000);
  const rate = (sum: number, tau: number): number => {
    const warm = 1 - Math.exp(-ageS / tau);
    return warm > 1e-9 ? (sum * Math.exp(-dtS / tau)) / tau / warm : 0;
  };
  const fastRate = rate(s.fastSum, o.fastTauS);
  const slowRate = rate(s.slowSum, o.slowTauS);
  const raw = s.buckets > 1 && s.mean > 1e-9 ? s.variance / s.mean : 1;
  const shrunk = (s.buckets * raw + DISPERSION_PRIOR_BUCKETS) / (s.buckets + DISPERSION_PRIOR_BUCKETS);
  const dispersion = Math.min(MAX_DISPERSION, Math.max(1, shrunk));
  const burstIndex = slowRate > 1e-12 ? fastRate / slowRate : fastRate > 0 ? Number.POSITIVE_INFINITY : 1;
  return { fastRate, slowRate, rate: Math.max(fastRate, slowRate), dispersion, burstIndex };
}

/** The forecast of arrivals within a horizon. */
export interface ArrivalForecast extends ArrivalReading {
  readonly horizonS: number;
  /** Expected arrivals within the horizon. */
  readonly mean: number;
  /** The q-quantile of arrivals within the horizon. */
  readonly upper: number;
}

/** Sessions expected to start within `horizonS` of `nowMs`, and the q-quantile of that count. */
export function forecastArrivals(s: ArrivalStats, nowMs: number, horizonS: number, q: number, o: ArrivalModelOptions = DEFAULT_ARRIVAL_MODEL_OPTIONS): ArrivalForecast {
  const r = readArrivals(s, nowMs, o);
  const mean = r.rate * Math.max(0, horizonS);
  return { ...r, horizonS, mean, upper: countQuantile(mean, r.dispersion, q) };
}

/**
 * The q-quantile of a count with mean μ and variance D·μ: negative binomial (r = μ/(D−1), success
 * probability p = 1/D) when D > 1, Poisson when D = 1. Summed from the pmf recursion
 * P(k+1) = P(k)·(k + r)/(k + 1)·(1 − p) (Poisson: P(k)·μ/(k + 1)).
 */
export function countQuantile(mean: number, dispersion: number, q: number): number {
  if (!(mean > 0)) return 0;
  const d = Math.max(1, dispersion);
  if (mean > 600) return Math.ceil(mean + normalQuantile(q) * Math.sqrt(d * mean));
  const poisson = d < 1 + 1e-9;
  const r = poisson ? 0 : mean / (d - 1);
  let pmf = poisson ? Math.exp(-mean) : Math.exp(-mean * (Math.log(d) / (d - 1)));
  let cdf = pmf;
  const limit = Math.ceil(mean + 40 * Math.sqrt(d * mean) + 40);
  let k = 0;
  while (cdf < q && k < limit) {
    pmf *= poisson ? mean / (k + 1) : ((k + r) / (k + 1)) * (1 - 1 / d);
    cdf += pmf;
    k++;
  }
  return k;
}

/** Standard normal quantile (Abramowitz & Stegun 26.2.23, error < 4.5e-4), for large means only. */
export function normalQuantile(q: number): number {
  if (q <= 0) return Number.NEGATIVE_INFINITY;
  if (q >= 1) return Number.POSITIVE_INFINITY;
  const p = q < 0.5 ? q : 1 - q;
  const t = Math.sqrt(-2 * Math.log(p));
  const z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return q < 0.5 ? -z : z;
}
