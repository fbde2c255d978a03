import type { ReplicasSettings } from './settings.js';

/** What the HPA remembers between evaluations: its recent recommendations, for scale-down stabilization. */
export interface HpaState {
  readonly recommendations: Array<{ readonly tS: number; readonly replicas: number }>;
}

export function newHpaState(): HpaState {
  return { recommendations: [] };
}

/**
 * One HPA evaluation on a KEDA external metric with an AverageValue target (replica_calculator.go):
 * desired = ceil(metric / target), skipped within the tolerance band; scale-up limited by the default
 * behavior (the larger of +4 pods and +100 % per period); scale-down to the highest recommendation of
 * the stabilization window; clamped to [minReplicas, maxReplicas]. Pure: time is an argument.
 */
export function hpaDesired(s: HpaState, o: { readonly tS: number; readonly current: number; readonly metric: number; readonly minReplicas: number; readonly cfg: ReplicasSettings }): number {
  const { tS, current, metric, minReplicas, cfg } = o;
  let desired = current;
  const ratio = current > 0 ? metric / (cfg.targetPerReplica * current) : Number.POSITIVE_INFINITY;
  if (current === 0 || Math.abs(ratio - 1) > cfg.tolerance) desired = Math.ceil(metric / cfg.targetPerReplica);
  desired = clamp(desired, minReplicas, cfg.maxReplicas);
  s.recommendations.push({ tS, replicas: desired });
  while (s.recommendations.length > 0 && (s.recommendations[0]?.tS ?? 0) <= tS - cfg.scaleDownStabilizationS) s.recommendations.shift();
  if (desired < current) {
    let highest = desired;
    for (const r of s.recommendations) if (r.replicas > highest) highest = r.replicas;
    desired = Math.min(current, highest);
  } else if (desired > current) {
    desired = Math.min(desired, Math.max(current + 4, current * 2));
  }
  return clamp(desired, minReplicas, cfg.maxReplicas);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
