/**
 * The updater loop of the `vpa` policy in InPlace mode (mirrors AS v1.8.1 pkg/updater/logic/updater.go
 * RunOnce; rules in ./updater.ts). The admission webhook lives in ./admission.ts.
 */
import { MiB } from '../../core/resources.js';
import type { PodView, Resources } from '../../core/types.js';
import type { PolicyContext, ResizeRecommendation } from '../policy.js';
import type { VpaRecommendation } from './estimator.js';
import type { VpaVariant } from './options.js';
import type { PodTrack, VpaState } from './state.js';
import { comparePriority, lowersSomeResource, proportionalLimit, shouldUpdate, type UpdatePriority, type UpdaterConfig } from './updater.js';

interface Candidate {
  readonly pod: PodView;
  readonly track: PodTrack;
  readonly rec: VpaRecommendation;
  readonly rule: string;
  readonly priority: UpdatePriority;
}

/**
 * One updater loop over every class: qualify pods, order them, patch them. In InPlace mode upstream
 * patches every qualified pod of a group that has at least minReplicas live pods: when the disruption
 * budget is spent, or a resize is Deferred, InProgress or Error, CanInPlaceUpdate answers InPlaceDeferred
 * and RunOnce falls through to the patch (only InPlaceOrRecreate skips it). A pod whose last patch met
 * Infeasible is retried only once the target lowers some resource below that attempt.
 */
export function runUpdater(state: VpaState, ctx: PolicyContext, o: VpaVariant, cfg: UpdaterConfig): ResizeRecommendation[] {
  const byClass = new Map<string, PodView[]>();
  for (const p of ctx.pods) {
    const list = byClass.get(p.agentClass);
    if (list) list.push(p);
    else byClass.set(p.agentClass, [p]);
  }
  const out: ResizeRecommendation[] = [];
  for (const [cls, pods] of byClass) {
    const rec = state.recommendations.get(cls);
    if (!rec || pods.length < o.minReplicas) continue;
    const candidates = qualify(state, pods, rec, { nowMs: ctx.nowMs, cfg, o });
    // Stable: equal priorities keep the cluster view's order, as upstream's sort keeps the lister's.
    candidates.sort((a, b) => comparePriority(a.priority, b.priority));
    for (const c of candidates) {
      const r = toResize(c, processed(c.rec, c.pod, o), o);
      if (!r) continue;
      // updater.go recordInfeasibleAttempt: the attempt sent to a pod showing Infeasible is remembered.
      if (c.pod.resize.phase === 'infeasible') c.track.lastInfeasible = r.requests;
      out.push(r);
    }
  }
  return out;
}

function qualify(state: VpaState, pods: readonly PodView[], rec: VpaRecommendation, at: { nowMs: number; cfg: UpdaterConfig; o: VpaVariant }): Candidate[] {
  const { nowMs, cfg, o } = at;
  const out: Candidate[] = [];
  for (const pod of pods) {
    const track = state.pods.get(pod.key);
    // Pending pods wait (departure: upstream patches them too; the simulator only resizes bound pods).
    if (!track || !pod.running) continue;
    const r = processed(rec, pod, o);
    if (track.lastInfeasible && !lowersSomeResource(track.lastInfeasible, r.target)) continue;
    const v = shouldUpdate({ requests: pod.requests, ageMs: nowMs - track.podStartMs, quickOom: quickOom(track, nowMs, cfg) }, r, cfg);
    if (v.update) out.push({ pod, track, rec, rule: describeRule(v.rule), priority: v.priority });
  }
  return out;
}

/**
 * A quick OOM (update_priority_calculator.go AddPod): the last run ended in an OOM kill after running
 * less than the threshold, and that kill is itself less than the threshold old. An old quick OOM no
 * longer says anything about the pod's present requests.
 */
export function quickOom(t: PodTrack, nowMs: number, cfg: UpdaterConfig): boolean {
  return t.lastOomRuntimeMs !== undefined && t.lastOomMs !== undefined && t.lastOomRuntimeMs < cfg.evictAfterOomThresholdMs && nowMs - t.lastOomMs < cfg.evictAfterOomThresholdMs;
}

/**
 * The recommendation as upstream's capping processor hands it to the updater and the webhook
 * (AS pkg/utils/vpa/capping.go getCappedRecommendationForContainer): with controlledValues
 * RequestsOnly, target and bounds are capped at the container's limits, which VPA will not move.
 */
export function processed(rec: VpaRecommendation, pod: { readonly limits: Resources }, o: Pick<VpaVariant, 'controlledValues'>): VpaRecommendation {
  if (o.controlledValues !== 'RequestsOnly') return rec;
  const cap = (r: Resources): Resources => ({
    memBytes: pod.limits.memBytes > 0 ? Math.min(r.memBytes, pod.limits.memBytes) : r.memBytes,
    cpuCores: pod.limits.cpuCores > 0 ? Math.min(r.cpuCores, pod.limits.cpuCores) : r.cpuCores,
  });
  return { ...rec, target: cap(rec.target), lower: cap(rec.lower), upper: cap(rec.upper) };
}

function describeRule(rule: 'outside-bounds' | 'quick-oom' | 'lifetime-diff'): string {
  switch (rule) {
    case 'outside-bounds':
      return 'a request is outside the recommended [lower, upper] bounds';
    case 'quick-oom':
      return 'OOM-killed within the quick-OOM threshold of starting, less than that threshold ago';
    case 'lifetime-diff':
      return 'pod older than the lifetime threshold and requests differ from target by at least the update threshold';
  }
}

/**
 * The resources VPA sets: requests = target for both resources; limits keep the pod's original
 * request:limit ratio (RequestsAndLimits) or stay as they are (RequestsOnly).
 */
export function vpaResources(t: Pick<PodTrack, 'originalRequests' | 'originalLimits'>, current: Resources, target: Resources, o: Pick<VpaVariant, 'controlledValues'>): Resources {
  if (o.controlledValues === 'RequestsOnly') return current;
  return {
    memBytes: proportionalLimit(t.originalRequests.memBytes, t.originalLimits.memBytes, target.memBytes),
    cpuCores: proportionalLimit(t.originalRequests.cpuCores, t.originalLimits.cpuCores, target.cpuCores),
  };
}

function toResize(c: Candidate, rec: VpaRecommendation, o: VpaVariant): ResizeRecommendation | undefined {
  const { pod, track: t, rule: why, priority } = c;
  const requests = rec.target;
  if (requests.memBytes === pod.requests.memBytes && requests.cpuCores === pod.requests.cpuCores) return undefined;
  return {
    kind: 'resize',
    pod: pod.key,
    requests,
    limits: vpaResources(t, pod.limits, requests, o),
    reason: `vpa: ${why} (target ${Math.round(requests.memBytes / MiB)}Mi/${Math.round(requests.cpuCores * 1000)}m, confidence ${rec.confidence.toFixed(3)} d)`,
    inputs: {
      targetMemBytes: rec.target.memBytes,
      lowerMemBytes: rec.lower.memBytes,
      upperMemBytes: finite(rec.upper.memBytes),
      targetCpuCores: rec.target.cpuCores,
      lowerCpuCores: rec.lower.cpuCores,
      upperCpuCores: finite(rec.upper.cpuCores),
      confidenceDays: rec.confidence,
      resourceDiff: priority.resourceDiff,
    },
  };
}

/** Action inputs are JSON: an unbounded upper bound is written as the string "inf". */
function finite(v: number): number | string {
  return Number.isFinite(v) ? v : 'inf';
}
