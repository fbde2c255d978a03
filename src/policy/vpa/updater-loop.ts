/**
 * The updater loop of the `vpa` policy in InPlace mode, plus the emulated admission webhook (mirrors
 * AS pkg/updater/logic/updater.go RunOnce and pkg/admission-controller; rules in ./updater.ts).
 */
import { MiB } from '../../core/resources.js';
import type { PodView, Resources } from '../../core/types.js';
import type { PolicyContext, ResizeRecommendation } from '../policy.js';
import type { VpaRecommendation } from './estimator.js';
import type { VpaOptions } from './options.js';
import type { PodTrack, VpaState } from './state.js';
import { comparePriority, GroupBudget, lowersSomeResource, proportionalLimit, resourceDiff, shouldUpdate, type UpdatePriority, type UpdaterConfig } from './updater.js';

/**
 * Emulated admission: a pod first seen while its class had a recommendation is asked to take the
 * target. The engine guards hold decreases until a pod has fresh metrics and step them down, so the
 * request is repeated (from the pod's first sample on, for at most ADMISSION_WINDOW_MS) until the pod's
 * requests are within the update threshold of the target; the webhook would have set them at creation.
 */
export function admit(state: VpaState, ctx: PolicyContext, cfg: UpdaterConfig): ResizeRecommendation[] {
  const out: ResizeRecommendation[] = [];
  for (const p of ctx.pods) {
    const t = state.pods.get(p.key);
    if (!t || t.admission === 'done') continue;
    const rec = state.recommendations.get(t.agentClass);
    if (!rec || ctx.nowMs > t.admissionUntilMs || resourceDiff(p.requests, rec.target) < cfg.podUpdateThreshold) {
      t.admission = 'done';
      continue;
    }
    if (!t.sampled || !p.running || p.resize.phase !== 'none') continue;
    const resized = toResize(p, t, rec, 'admission: new pod gets the current target', { outsideRecommendedRange: false, resourceDiff: resourceDiff(p.requests, rec.target) });
    if (resized) out.push(resized);
  }
  return out;
}

interface Candidate {
  readonly pod: PodView;
  readonly track: PodTrack;
  readonly rec: VpaRecommendation;
  readonly rule: string;
  readonly priority: UpdatePriority;
}

/** One updater loop over every class: qualify pods, order them, and spend each group's budget. */
export function runUpdater(state: VpaState, ctx: PolicyContext, o: VpaOptions, cfg: UpdaterConfig): ResizeRecommendation[] {
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
    const budget = new GroupBudget(pods.length, pods.filter((p) => p.running).length, o.evictionTolerance);
    const candidates = qualify(state, pods, rec, ctx.nowMs, cfg);
    candidates.sort((a, b) => comparePriority(a.priority, b.priority) || (a.pod.key < b.pod.key ? -1 : 1));
    for (const c of candidates) {
      if (!budget.isDisruptable()) break;
      const r = toResize(c.pod, c.track, c.rec, c.rule, c.priority);
      if (!r) continue;
      out.push(r);
      budget.initiate();
    }
  }
  return out;
}

function qualify(state: VpaState, pods: readonly PodView[], rec: VpaRecommendation, nowMs: number, cfg: UpdaterConfig): Candidate[] {
  const out: Candidate[] = [];
  for (const pod of pods) {
    const track = state.pods.get(pod.key);
    // Pending pods and pods with a resize in flight wait for the next loop (InPlace never evicts).
    if (!track || !pod.running || pod.resize.phase === 'in-progress' || pod.resize.phase === 'deferred') continue;
    if (track.lastInfeasible && !lowersSomeResource(track.lastInfeasible, rec.target)) continue;
    const quickOom = track.lastOomRuntimeMs !== undefined && track.lastOomRuntimeMs < cfg.evictAfterOomThresholdMs;
    const v = shouldUpdate({ requests: pod.requests, ageMs: nowMs - track.podStartMs, quickOom }, rec, cfg);
    if (v.update) out.push({ pod, track, rec, rule: describeRule(v.rule), priority: v.priority });
  }
  return out;
}

function describeRule(rule: 'outside-bounds' | 'quick-oom' | 'lifetime-diff'): string {
  switch (rule) {
    case 'outside-bounds':
      return 'a request is outside the recommended [lower, upper] bounds';
    case 'quick-oom':
      return 'OOM-killed within the quick-OOM threshold of starting';
    case 'lifetime-diff':
      return 'pod older than the lifetime threshold and requests differ from target by at least the update threshold';
  }
}

/** Requests = target for both resources; limits keep the pod's original request:limit ratio. */
function toResize(pod: PodView, t: PodTrack, rec: VpaRecommendation, why: string, priority: UpdatePriority): ResizeRecommendation | undefined {
  const requests = rec.target;
  if (requests.memBytes === pod.requests.memBytes && requests.cpuCores === pod.requests.cpuCores) return undefined;
  const limits: Resources = {
    memBytes: proportionalLimit(t.originalRequests.memBytes, t.originalLimits.memBytes, requests.memBytes),
    cpuCores: proportionalLimit(t.originalRequests.cpuCores, t.originalLimits.cpuCores, requests.cpuCores),
  };
  return {
    kind: 'resize',
    pod: pod.key,
    requests,
    limits,
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
