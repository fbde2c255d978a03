/**
 * The `vpa` policy: a re-implementation of the VPA recommender and its in-place updater (InPlace
 * mode), pure and driven by the engine's tick. Pods of one agentClass share one aggregate, as the
 * pods of one VPA object share one per container name. Departures from upstream: docs/vpa-fidelity.md.
 */
import type { Policy, Recommendation } from '../policy.js';
import type { AggregateConfig } from './aggregate.js';
import type { EstimatorConfig } from './estimator.js';
import { DEFAULT_VPA_OPTIONS, type VpaOptions } from './options.js';
import { runRecommender } from './recommender-loop.js';
import { newTrack, trackPods, type VpaState } from './state.js';
import { admit, runUpdater } from './updater-loop.js';
import type { UpdaterConfig } from './updater.js';

export { DEFAULT_VPA_OPTIONS, type VpaOptions } from './options.js';
export type { VpaRecommendation } from './estimator.js';
export type { VpaState } from './state.js';

/** Builds the `vpa` policy. Missing options fall back to DEFAULT_VPA_OPTIONS. */
export function createVpaPolicy(opts: VpaOptions): Policy<VpaState> {
  const o: VpaOptions = { ...DEFAULT_VPA_OPTIONS, ...opts };
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
    name: 'vpa',
    init: () => ({ aggregates: new Map(), recommendations: new Map(), pods: new Map() }),
    observe(state, samples, ctx) {
      trackPods(state, ctx.pods);
      for (const s of samples) {
        const t = state.pods.get(s.pod) ?? newTrack(state, s.pod, s.agentClass ?? 'default', s.tMs);
        if (t.latest === undefined || s.tMs >= t.latest.tMs) t.latest = s;
        t.sampled = true;
      }
      if (state.nextRecommenderMs !== undefined && ctx.nowMs < state.nextRecommenderMs) return;
      state.nextRecommenderMs = ctx.nowMs + o.recommenderIntervalS * 1000;
      runRecommender(state, ctx, aggCfg, estCfg);
    },
    recommend(state, ctx) {
      const out: Recommendation[] = o.emulateAdmission ? admit(state, ctx, updCfg) : [];
      if (state.nextUpdaterMs !== undefined && ctx.nowMs < state.nextUpdaterMs) return out;
      state.nextUpdaterMs = ctx.nowMs + o.updaterIntervalS * 1000;
      const admitted = new Set(out.map((r) => (r.kind === 'resize' ? r.pod : '')));
      return out.concat(runUpdater(state, ctx, o, updCfg).filter((r) => !admitted.has(r.pod)));
    },
    forget(state, podKey) {
      state.pods.delete(podKey);
    },
  };
}

