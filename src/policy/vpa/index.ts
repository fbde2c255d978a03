/**
 * The `vpa` and `vpa-requests-only` policies: a re-implementation of the VPA recommender, its in-place
 * updater (InPlace mode) and its admission controller, pure and driven by the engine's tick. Pods of one
 * agentClass share one aggregate, as the pods of one VPA object share one per container name.
 * Departures from upstream, and the differential test against it: docs/vpa-fidelity.md.
 */
import type { Policy, Recommendation } from '../policy.js';
import { admitPod } from './admission.js';
import type { AggregateConfig } from './aggregate.js';
import type { EstimatorConfig } from './estimator.js';
import { DEFAULT_VPA_OPTIONS, type ControlledValues, type VpaOptions, type VpaVariant } from './options.js';
import { runRecommender } from './recommender-loop.js';
import { newTrack, trackPods, type VpaState } from './state.js';
import { runUpdater } from './updater-loop.js';
import type { UpdaterConfig } from './updater.js';

export { DEFAULT_VPA_OPTIONS, type ControlledValues, type VpaOptions } from './options.js';
export type { VpaRecommendation } from './estimator.js';
export type { VpaState } from './state.js';

/**
 * Builds the policy. Missing options fall back to DEFAULT_VPA_OPTIONS. `controlledValues` is the VPA
 * object's: RequestsAndLimits (the default, named `vpa`) or RequestsOnly (named `vpa-requests-only`).
 */
export function createVpaPolicy(opts: VpaOptions, controlledValues: ControlledValues = 'RequestsAndLimits'): Policy<VpaState> {
  const o: VpaVariant = { ...DEFAULT_VPA_OPTIONS, ...opts, controlledValues };
  const aggCfg: AggregateConfig = {
    cpuHalfLifeMs: o.cpuHistogramDecayHalfLifeS * 1000,
    memoryHalfLifeMs: o.memoryHistogramDecayHalfLifeS * 1000,
    memoryAggregationIntervalMs: o.memoryAggregationIntervalS * 1000,
    oomBumpUpRatio: o.oomBumpUpRatio,
    oomMinBumpUpBytes: o.oomMinBumpUpBytes,
  };
  const estCfg: EstimatorConfig = { ...o, samplesPerDay: (24 * 3600) / o.recommenderIntervalS };
  const updCfg: UpdaterConfig = {
    podUpdateThreshold: o.podUpdateThreshold,
    podLifetimeUpdateThresholdMs: o.podLifetimeUpdateThresholdS * 1000,
    evictAfterOomThresholdMs: o.evictAfterOomThresholdS * 1000,
  };
  return {
    name: controlledValues === 'RequestsOnly' ? 'vpa-requests-only' : 'vpa',
    init: () => ({ aggregates: new Map(), recommendations: new Map(), pods: new Map() }),
    observe(state, samples, ctx) {
      trackPods(state, ctx.pods);
      for (const s of samples) {
        const t = state.pods.get(s.pod) ?? newTrack(state, s.pod, s.agentClass ?? 'default', s.tMs);
        if (t.latest === undefined || s.tMs >= t.latest.tMs) t.latest = s;
      }
      if (state.nextRecommenderMs !== undefined && ctx.nowMs < state.nextRecommenderMs) return;
      state.nextRecommenderMs = ctx.nowMs + o.recommenderIntervalS * 1000;
      runRecommender(state, ctx, aggCfg, estCfg);
    },
    recommend(state, ctx) {
      if (state.nextUpdaterMs !== undefined && ctx.nowMs < state.nextUpdaterMs) return [];
      state.nextUpdaterMs = ctx.nowMs + o.updaterIntervalS * 1000;
      const out: Recommendation[] = runUpdater(state, ctx, o, updCfg);
      return out;
    },
    admit: (state, pod) => (o.emulateAdmission ? admitPod(state, pod, o) : undefined),
    forget(state, podKey) {
      state.pods.delete(podKey);
    },
  };
}
