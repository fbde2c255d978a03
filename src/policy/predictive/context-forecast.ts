/**
 * Memory from context growth, for one pod over the forecast horizon: bytes per token (the pod's own fit
 * shrunk to its class's, the class's shrunk to the prior) times the upper band of token growth. Fits
 * are cached and re-solved only after enough new evidence (or on a periodic refit).
 */
import { bytesPerToken, contextRates, forecastContextGrowth, type ContextPrior } from '../../../models/context-growth.js';
import type { ClassModel } from '../../../models/burst-model.js';
import type { ResolvedPredictiveOptions } from './options.js';
import type { PodTrack } from './state.js';

/** Upper-band z for context growth (about the 95th percentile of a sum of steps). */
export const CONTEXT_Z = 1.645;

/** Memory implied by context growth over the horizon (expected and upper band), ≥ 0. */
export function contextMemoryGrowth(t: PodTrack, cm: ClassModel, o: ResolvedPredictiveOptions): { expected: number; upper: number; slope: number } {
  const beta = podSlope(t, cm, o);
  if (t.lastTokens === undefined || beta <= 0) return NO_GROWTH;
  const g = forecastContextGrowth(t.context, classContextPrior(cm, o), t.lastTokens, o.horizonS, CONTEXT_Z);
  return { expected: beta * g.expected, upper: beta * g.upper, slope: beta };
}

const NO_GROWTH = { expected: 0, upper: 0, slope: 0 };
/** Idle pairs a pod's own bytes-per-token fit needs before it weighs as much as its class's. */
export const POD_SLOPE_PRIOR_PAIRS = 20;

/** The class's bytes-per-token slope, refitted from its sufficient statistics only occasionally. */
function classSlope(cm: ClassModel, o: ResolvedPredictiveOptions): number {
  const n = cm.bytesPerToken.n;
  if (cm.slopeFit === undefined || n - cm.slopeFit.n >= Math.max(o.refreshEvery, 0.02 * n)) {
    cm.slopeFit = { n, slope: bytesPerToken(cm.bytesPerToken, cm.prior.memory.bytesPerToken, cm.prior.memory.bytesPerTokenWeight).slope };
  }
  return cm.slopeFit.slope;
}

/** The pod's own slope (evidence-shrunk), blended with its class's by pair counts; refitted every few pairs. */
function podSlope(t: PodTrack, cm: ClassModel, o: ResolvedPredictiveOptions): number {
  const cls = classSlope(cm, o);
  const n = t.bytesPerToken.n;
  if (n < 3) return cls;
  if (t.slopeFit === undefined || n - t.slopeFit.n >= 4 || t.slopeFit.cls !== cls) {
    t.slopeFit = { n, cls, slope: bytesPerToken(t.bytesPerToken, cls, POD_SLOPE_PRIOR_PAIRS).slope };
  }
  return t.slopeFit.slope;
}

/** The class's pooled context statistics (over its prior), as the prior a pod's own statistics shrink to. */
function classContextPrior(cm: ClassModel, o: ResolvedPredictiveOptions): ContextPrior {
  const steps = cm.context.steps;
  if (cm.contextFit === undefined || steps - cm.contextFit.steps >= Math.max(o.refreshEvery, 0.02 * steps)) {
    const r = contextRates(cm.context, cm.prior.context);
    cm.contextFit = {
      steps,
      prior: {
        tokensPerStepMean: r.mean,
        tokensPerStepSd: r.sd,
        stepIntervalS: 1 / Math.max(r.stepsPerS, 1e-9),
        windowCapTokens: r.cap,
        compactionKeepFraction: r.keep,
        weightSteps: cm.prior.context.weightSteps,
      },
    };
  }
  return cm.contextFit.prior;
}
