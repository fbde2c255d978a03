/** The recommender loop of the `vpa` policy (mirrors AS pkg/recommender/routines/recommender.go RunOnce). */
import type { PolicyContext } from '../policy.js';
import { addCpuSample, addMemorySample, newAggregate, recordOom, type Aggregate, type AggregateConfig } from './aggregate.js';
import { estimate, type EstimatorConfig } from './estimator.js';
import type { VpaState } from './state.js';

/**
 * One recommender loop: each pod contributes its newest sample (one CPU sample and one memory sample,
 * as a 1-minute fetch from metrics-server would), new OOM kills become bumped memory samples, and
 * every class's recommendation is recomputed.
 */
export function runRecommender(state: VpaState, ctx: PolicyContext, aggCfg: AggregateConfig, estCfg: EstimatorConfig): void {
  const touched = new Set<string>();
  for (const t of state.pods.values()) {
    const s = t.latest;
    if (!s) continue;
    t.latest = undefined;
    const agg = aggregateOf(state, t.agentClass, aggCfg);
    addCpuSample(agg, t.container, s.cpuCores, s.tMs);
    addMemorySample(agg, t.container, { bytes: s.memBytes, tMs: s.tMs, isOom: false }, aggCfg);
    touched.add(t.agentClass);
  }
  for (const p of ctx.pods) {
    const t = state.pods.get(p.key);
    if (!t || p.lastOomAtMs === undefined || (t.lastOomMs !== undefined && p.lastOomAtMs <= t.lastOomMs)) continue;
    // The run that ended in this OOM began at the previous OOM's restart or at the pod's (re)start.
    const runStart = Math.max(t.runStartMs, p.startedAtMs <= p.lastOomAtMs ? p.startedAtMs : t.runStartMs);
    t.lastOomRuntimeMs = p.lastOomAtMs - runStart;
    t.lastOomMs = p.lastOomAtMs;
    t.runStartMs = p.lastOomAtMs;
    recordOom(aggregateOf(state, t.agentClass, aggCfg), t.container, p.lastOomAtMs, p.requests.memBytes, aggCfg);
    touched.add(t.agentClass);
  }
  // Like upstream's DeleteRemovedPods: a gone pod's container state goes, its samples stay in the aggregate.
  const live = new Set(ctx.pods.map((p) => p.key));
  for (const [key, t] of state.pods) {
    if (!live.has(key) && !t.latest) state.pods.delete(key);
  }
  for (const cls of touched) {
    const agg = state.aggregates.get(cls);
    if (agg && agg.totalSamples > 0) state.recommendations.set(cls, estimate(agg, estCfg));
  }
}

function aggregateOf(state: VpaState, cls: string, cfg: AggregateConfig): Aggregate {
  let agg = state.aggregates.get(cls);
  if (!agg) state.aggregates.set(cls, (agg = newAggregate(cfg)));
  return agg;
}
