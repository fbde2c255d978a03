/**
 * The estimator chain that turns an aggregate into target, lower and upper bound (mirrors AS
 * pkg/recommender/logic/estimator.go and logic/recommender.go; written from the reference's facts):
 *
 *   percentile → × (1 + margin) → × confidence multiplier (bounds only) → max(minimum)
 *
 * Each step is a small function so the tests can check each worked number on its own.
 */
import type { Resources } from '../../core/types.js';
import type { Aggregate } from './aggregate.js';
import type { VpaOptions } from './options.js';

const MS_PER_DAY = 24 * 3600 * 1000;

/** Percentiles, margin and minimums (as the policy's options hold them) plus the sampling rate behind the confidence. */
export type EstimatorConfig = Pick<
  VpaOptions,
  'targetPercentile' | 'lowerBoundPercentile' | 'upperBoundPercentile' | 'safetyMarginFraction' | 'podMinCpuCores' | 'podMinMemoryBytes'
> & {
  /** Samples one container yields per day (1440 at one fetch a minute). */
  readonly samplesPerDay: number;
};

/** One class's recommendation. `upper` may be +Infinity while there is no history (confidence 0). */
export interface VpaRecommendation {
  readonly target: Resources;
  readonly lower: Resources;
  readonly upper: Resources;
  readonly confidence: number;
}

/**
 * How much history the aggregate has, in days: the smaller of its lifespan (last − first CPU sample)
 * and its sample count expressed in days at one sample a minute. Both must be long for the bounds to
 * tighten: one pod sampled for a day, or many pods sampled for a day, not many pods for a minute.
 */
export function confidence(agg: Aggregate, samplesPerDay: number): number {
  if (agg.firstSampleMs === undefined || agg.lastSampleMs === undefined) return 0;
  const lifespanDays = (agg.lastSampleMs - agg.firstSampleMs) / MS_PER_DAY;
  return Math.min(lifespanDays, agg.totalSamples / samplesPerDay);
}

/**
 * Upper-bound multiplier (1 + 1/conf)^1: ×∞ with no history, ×3 at 12 h, ×2 at 24 h, ≈×1.14 at a week.
 * The bound starts wide and closes as evidence accumulates.
 */
export function upperMultiplier(conf: number): number {
  return conf <= 0 ? Number.POSITIVE_INFINITY : Math.pow(1 + 1 / conf, 1);
}

/**
 * Lower-bound multiplier (1 + 0.001/conf)^−2: ≈×0.6 at 5 min, ≈×0.9 at 30 min, ≈×0.95 at 60 min. The
 * lower bound is close to its percentile within an hour, so young pods that are under-provisioned get
 * raised quickly while decreases wait for the upper bound to close.
 */
export function lowerMultiplier(conf: number): number {
  return conf <= 0 ? 0 : Math.pow(1 + 0.001 / conf, -2);
}

/** Runs the chain for one aggregate. */
export function estimate(agg: Aggregate, cfg: EstimatorConfig): VpaRecommendation {
  const conf = confidence(agg, cfg.samplesPerDay);
  const margin = 1 + cfg.safetyMarginFraction;
  const at = (p: number): Resources => ({
    cpuCores: agg.cpu.percentile(p) * margin,
    memBytes: agg.memoryPeaks.percentile(p) * margin,
  });
  const floor = (r: Resources): Resources => ({
    cpuCores: Math.max(r.cpuCores, cfg.podMinCpuCores),
    memBytes: Math.max(r.memBytes, cfg.podMinMemoryBytes),
  });
  const times = (r: Resources, f: number): Resources => ({ cpuCores: mul(r.cpuCores, f), memBytes: mul(r.memBytes, f) });
  return {
    target: floor(at(cfg.targetPercentile)),
    lower: floor(times(at(cfg.lowerBoundPercentile), lowerMultiplier(conf))),
    upper: floor(times(at(cfg.upperBoundPercentile), upperMultiplier(conf))),
    confidence: conf,
  };
}

/** 0 × ∞ is an empty histogram with no confidence: that is 0, not NaN. */
function mul(v: number, f: number): number {
  return v === 0 ? 0 : v * f;
}
