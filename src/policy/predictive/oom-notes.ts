/**
 * OOM kills, read from the cluster view: what a kill proves about the pod, its class and the
 * calibration of the model (the evidence itself is in kill-evidence.ts and oom-share.ts).
 */
import type { PodView } from '../../core/types.js';
import { foldStartupPeak } from '../../../models/burst-model.js';
import { pushResidual } from '../../../models/headroom.js';
import { killPeakBound, nodeNeighbours } from './kill-evidence.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { classModel, decayed, maxWeight, modelMemLimit, scoreKilledHorizons, type PredictiveState } from './state.js';

/** After an OOM kill the limit rises by at least this factor (VPA's bump). */
export const OOM_BUMP = 1.2;
/** How long a class remembers an OOM-proven excess (half-life). */
export const OOM_MEMORY_HALF_LIFE_S = 6 * 3600;

/**
 * Notices OOM kills from the cluster view (a newer lastOomAtMs; other restarts do not count). An OOM proves the
 * usage passed the limit in force: the class remembers an excess of at least limit × 1.2 − baseline
 * (the VPA-style bump), of which the killed pod carries all and its siblings a bounded share
 * (oom-share.ts), and the calibration window gets the proven residual (limit at the kill − model).
 */
export function noteOoms(st: PredictiveState, pods: readonly PodView[], nowMs: number, o: ResolvedPredictiveOptions): void {
  for (const pod of pods) {
    const t = st.pods.get(pod.key);
    if (!t) {
      noteUnsampledOom(st, pod, o);
      continue;
    }
    // Only a real OOM kill (lastState.terminated.reason OOMKilled) counts: a restart for any other
    // reason (a SIGKILL with reason Error, a crash) says nothing about the memory limit.
    const oomAt = pod.lastOomAtMs ?? 0;
    const oom = oomAt > t.lastOomAtMs;
    t.restarts = pod.restarts;
    if (!oom) continue;
    t.lastOomAtMs = Math.max(oomAt, nowMs);
    const cm = classModel(st, t.agentClass, o);
    const limitAtKill = Math.max(pod.limits.memBytes, pod.actualLimits?.memBytes ?? 0);
    scoreKilledHorizons(t, cm, killPeakBound(limitAtKill, pod.nodeAllocatable?.memBytes, nodeNeighbours(pods, st.pods, pod)), oomAt, maxWeight(o));
    const excess = limitAtKill * OOM_BUMP - t.base;
    if (excess > decayed(cm.oomExcessBytes, cm.oomAtMs, nowMs, OOM_MEMORY_HALF_LIFE_S)) {
      cm.oomExcessBytes = excess;
      cm.oomAtMs = nowMs;
      cm.oomBaseBytes = t.base;
    }
    // The kill proves the peak passed the limit in force: that, not the ×1.2 bump (a policy choice,
    // not evidence), is the residual the whole class calibrates on.
    pushResidual(cm.residuals, limitAtKill - modelMemLimit(t, cm, o));
    t.heldMem = Math.max(t.heldMem, limitAtKill * OOM_BUMP);
    t.heldAtMs = nowMs;
  }
}

/**
 * A pod killed before its first sample: its start-up needed more than its limit, so the class's
 * start-up evidence gets the bumped limit (a censored lower bound) and new pods of the class start
 * bigger.
 */
function noteUnsampledOom(st: PredictiveState, pod: PodView, o: ResolvedPredictiveOptions): void {
  const seen = st.unsampledRestarts.get(pod.key) ?? 0;
  if (pod.restarts <= seen || pod.lastOomAtMs === undefined) return;
  st.unsampledRestarts.set(pod.key, pod.restarts);
  const limitAtKill = Math.max(pod.limits.memBytes, pod.actualLimits?.memBytes ?? 0);
  foldStartupPeak(classModel(st, pod.agentClass, o), limitAtKill * OOM_BUMP);
}
