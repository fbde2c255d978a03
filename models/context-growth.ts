/**
 * Context growth: how an agent's context (tokens at its latest model call) grows step by step, where it
 * is capped, how compaction cuts it back (the sawtooth), and how much memory each token costs the pod.
 *
 * Maths, per pod (and pooled per agent class):
 *  - A *step* is a change in context size between two samples. Positive steps feed Welford's running
 *    mean μ and variance σ² of tokens per step; the step rate is steps / exposure seconds.
 *  - A drop of more than COMPACTION_DROP of the context is a compaction: the pre-drop size is evidence
 *    of the cap C, and after/before is the keep fraction κ.
 *  - Over a horizon H the expected number of steps is s = rate·H; growth is G = s·μ with an upper band
 *    G⁺ = s·μ + z·σ·√s (sum of s independent steps), both cut at C − tokens (beyond the cap the agent
 *    compacts, which only lowers memory).
 *  - Memory per token β comes from a least-squares line through first differences (Δmem on Δtokens)
 *    between consecutive samples with no tool in flight: differencing removes each pod's own offset
 *    and slow drift, and idle pairs keep tool bursts out of the fit. The slope is shrunk towards 0 by
 *    its evidence, β̃ = β̂ · t²/(t² + τ²) with t = β̂/se(β̂) and τ = 2, so a slope the data cannot tell
 *    from noise carries almost no weight; then β̃ is blended with the prior's slope by sample counts.
 */

/** A drop of more than this fraction of the context between samples counts as compaction. */
export const COMPACTION_DROP = 0.2;
/** Evidence scale of the slope shrinkage: a slope at t = 2 keeps half its size. */
export const SLOPE_EVIDENCE_TAU = 2;

/** Running statistics of one pod's (or one class's) context size. */
export interface ContextGrowthStats {
  steps: number;
  meanStep: number;
  m2Step: number;
  exposureS: number;
  maxTokens: number;
  compactions: number;
  keepFractionSum: number;
}

/** What an agent class's prior says about context growth. */
export interface ContextPrior {
  readonly tokensPerStepMean: number;
  readonly tokensPerStepSd: number;
  readonly stepIntervalS: number;
  readonly windowCapTokens: number;
  readonly compactionKeepFraction: number;
  /** How many steps the prior is worth when blended with observed ones. */
  readonly weightSteps: number;
}

export function newContextStats(): ContextGrowthStats {
  return { steps: 0, meanStep: 0, m2Step: 0, exposureS: 0, maxTokens: 0, compactions: 0, keepFractionSum: 0 };
}

/** Folds the move from `prev` to `tokens` tokens over `dtS` seconds. */
export function foldContext(s: ContextGrowthStats, prev: number, tokens: number, dtS: number): void {
  if (dtS > 0) s.exposureS += dtS;
  if (tokens > s.maxTokens) s.maxTokens = tokens;
  const d = tokens - prev;
  if (d === 0) return;
  if (d < 0 && -d > COMPACTION_DROP * prev) {
    s.compactions++;
    s.keepFractionSum += prev > 0 ? tokens / prev : 0;
    return;
  }
  s.steps++;
  const delta = d - s.meanStep;
  s.meanStep += delta / s.steps;
  s.m2Step += delta * (d - s.meanStep);
}

/** Tokens per step (mean, sd) and steps per second, observed data blended with the prior by counts. */
export function contextRates(s: ContextGrowthStats, p: ContextPrior): { mean: number; sd: number; stepsPerS: number; cap: number; keep: number } {
  const n = s.steps;
  const n0 = p.weightSteps;
  const mean = (n * s.meanStep + n0 * p.tokensPerStepMean) / (n + n0);
  const varData = n > 1 ? s.m2Step / (n - 1) : 0;
  const sd = Math.sqrt((n * varData + n0 * p.tokensPerStepSd ** 2) / (n + n0));
  // Rate as a Gamma–Poisson posterior: n0 prior steps over n0·interval prior seconds.
  const stepsPerS = (n + s.compactions + n0) / (s.exposureS + n0 * p.stepIntervalS);
  const cap = Math.max(p.windowCapTokens, s.maxTokens);
  const keep = s.compactions > 0 ? (s.keepFractionSum + p.compactionKeepFraction) / (s.compactions + 1) : p.compactionKeepFraction;
  return { mean, sd, stepsPerS, cap, keep };
}

/**
 * Expected and upper (z-sigma) context growth over `horizonS` from `tokens`, cut at the cap.
 * `compactionLikely` says the upper band reaches the cap within the horizon.
 */
export function forecastContextGrowth(
  s: ContextGrowthStats,
  p: ContextPrior,
  tokens: number,
  horizonS: number,
  z: number,
): { expected: number; upper: number; compactionLikely: boolean } {
  const r = contextRates(s, p);
  const steps = r.stepsPerS * horizonS;
  const room = Math.max(0, r.cap - tokens);
  const expected = Math.min(room, Math.max(0, steps * r.mean));
  const rawUpper = Math.max(0, steps * r.mean + z * r.sd * Math.sqrt(steps));
  return { expected, upper: Math.min(room, rawUpper), compactionLikely: rawUpper >= room };
}

/** Sufficient statistics of a simple linear regression y = a + b·x, foldable one pair at a time. */
export interface RegressionAcc {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
  syy: number;
}

export function newRegressionAcc(): RegressionAcc {
  return { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
}

export function foldRegression(a: RegressionAcc, x: number, y: number): void {
  a.n++;
  a.sx += x;
  a.sy += y;
  a.sxx += x * x;
  a.sxy += x * y;
  a.syy += y * y;
}

/** Least-squares slope, its standard error and t statistic (0s when the data cannot say). */
export function regressionSlope(a: RegressionAcc): { slope: number; se: number; t: number; r2: number } {
  if (a.n < 3) return { slope: 0, se: Number.POSITIVE_INFINITY, t: 0, r2: 0 };
  const cxx = a.sxx - (a.sx * a.sx) / a.n;
  const cxy = a.sxy - (a.sx * a.sy) / a.n;
  const cyy = a.syy - (a.sy * a.sy) / a.n;
  if (cxx <= 0) return { slope: 0, se: Number.POSITIVE_INFINITY, t: 0, r2: 0 };
  const slope = cxy / cxx;
  const sse = Math.max(0, cyy - slope * cxy);
  const se = Math.sqrt(sse / (a.n - 2) / cxx);
  const t = se > 0 ? slope / se : slope === 0 ? 0 : Math.sign(slope) * 1e6;
  const r2 = cyy > 0 ? (cxy * cxy) / (cxx * cyy) : 0;
  return { slope, se, t, r2 };
}

/**
 * Bytes of pod memory per context token: the data's slope shrunk by its evidence, blended with the
 * prior slope (worth `priorN` pairs). `weight` is the share of the answer the data carries.
 */
export function bytesPerToken(a: RegressionAcc, priorSlope: number, priorN: number): { slope: number; dataSlope: number; t: number; weight: number } {
  const fit = regressionSlope(a);
  const t2 = fit.t * fit.t;
  const shrunk = fit.slope * (t2 / (t2 + SLOPE_EVIDENCE_TAU * SLOPE_EVIDENCE_TAU));
  const weight = a.n / (a.n + priorN);
  return { slope: weight * shrunk + (1 - weight) * priorSlope, dataSlope: fit.slope, t: fit.t, weight };
}
