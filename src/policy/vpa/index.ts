/**
 * The `vpa` policy: a re-implementation of the VPA recommender and its in-place updater (InPlace
 * mode), pure and driven by the engine's tick. Pods of one agentClass share one aggregate, as the
 * pods of one VPA object share one per container name. Departures from upstream: docs/vpa-fidelity.md.
 */
import { MiB } from '../../core/resources.js';
import type { AgentSample, PodView, Resources } from '../../core/types.js';
import type { Policy, PolicyContext, Recommendation, ResizeRecommendation } from '../policy.js';
import { addCpuSample, addMemorySample, newAggregate, newContainerState, recordOom, type Aggregate, type AggregateConfig, type ContainerState } from './aggregate.js';
import { estimate, type EstimatorConfig, type VpaRecommendation } from './estimator.js';
import { DEFAULT_VPA_OPTIONS, type VpaOptions } from './options.js';
import { comparePriority, GroupBudget, lowersSomeResource, proportionalLimit, resourceDiff, shouldUpdate, type UpdatePriority, type UpdaterConfig } from './updater.js';

export { DEFAULT_VPA_OPTIONS, type VpaOptions } from './options.js';
export type { VpaRecommendation } from './estimator.js';

/** What the policy remembers of one pod. */
interface PodTrack {
  agentClass: string;
  /** False while the pod is known only from its samples (its spec not yet seen). */
  seenInView: boolean;
  readonly container: ContainerState;
  /** Newest sample not yet taken by a recommender loop. */
  latest?: AgentSample;
  /** Pod start (the updater's pod age) and the start of the container's current run (quick OOM). */
  podStartMs: number;
  runStartMs: number;
  lastOomMs?: number;
  lastOomRuntimeMs?: number;
  /** The request:limit ratio is taken from the spec the pod was first seen with. */
  originalRequests: Resources;
  originalLimits: Resources;
  admission: 'pending' | 'done';
  /** Admission is retried until this time (see admit). */
  admissionUntilMs: number;
  /** Whether any sample of the pod has arrived yet. */
  sampled: boolean;
  /** Requests of the last resize the kubelet called Infeasible (InPlace mode's cache). */
  lastInfeasible?: Resources;
}

/** The policy's state: aggregates and recommendations per class, tracks per pod, loop clocks. */
export interface VpaState {
  readonly aggregates: Map<string, Aggregate>;
  readonly recommendations: Map<string, VpaRecommendation>;
  readonly pods: Map<string, PodTrack>;
  nextRecommenderMs?: number;
  nextUpdaterMs?: number;
}

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

/** A pod known so far only from its samples; its spec fills in when the cluster view shows it. */
function newTrack(state: VpaState, key: string, agentClass: string, startMs: number): PodTrack {
  const zero = { memBytes: 0, cpuCores: 0 };
  const t: PodTrack = {
    agentClass,
    seenInView: false,
    container: newContainerState(),
    podStartMs: startMs,
    runStartMs: startMs,
    originalRequests: zero,
    originalLimits: zero,
    admission: 'done',
    admissionUntilMs: 0,
    sampled: false,
  };
  state.pods.set(key, t);
  return t;
}

/** Registers pods on first sight (spec, start, admission) and notes Infeasible outcomes. */
function trackPods(state: VpaState, pods: readonly PodView[]): void {
  for (const p of pods) {
    const t = state.pods.get(p.key) ?? newTrack(state, p.key, p.agentClass, p.startedAtMs);
    if (!t.seenInView) {
      t.seenInView = true;
      t.agentClass = p.agentClass;
      t.podStartMs = p.startedAtMs;
      t.runStartMs = p.startedAtMs;
      t.originalRequests = p.requests;
      t.originalLimits = p.limits;
      // The webhook can only have acted if the class had a recommendation when the pod appeared.
      t.admission = state.recommendations.has(p.agentClass) ? 'pending' : 'done';
      t.admissionUntilMs = p.startedAtMs + ADMISSION_WINDOW_MS;
    }
    if (p.resize.phase === 'infeasible' || p.resize.phase === 'error') t.lastInfeasible = p.requests;
  }
}

/**
 * One recommender loop: each pod contributes its newest sample (one CPU sample and one memory sample,
 * as a 1-minute fetch from metrics-server would), new OOM kills become bumped memory samples, and
 * every class's recommendation is recomputed.
 */
function runRecommender(state: VpaState, ctx: PolicyContext, aggCfg: AggregateConfig, estCfg: EstimatorConfig): void {
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

/** How long after a pod's start the emulated admission keeps asking for the target. */
const ADMISSION_WINDOW_MS = 30 * 60 * 1000;

/**
 * Emulated admission: a pod first seen while its class had a recommendation is asked to take the
 * target. The engine guards hold decreases until a pod has fresh metrics and step them down, so the
 * request is repeated (from the pod's first sample on, for at most ADMISSION_WINDOW_MS) until the pod's
 * requests are within the update threshold of the target; the webhook would have set them at creation.
 */
function admit(state: VpaState, ctx: PolicyContext, cfg: UpdaterConfig): ResizeRecommendation[] {
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
function runUpdater(state: VpaState, ctx: PolicyContext, o: VpaOptions, cfg: UpdaterConfig): ResizeRecommendation[] {
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
