/**
 * The predictive policy's memory: a small record per pod (bounded: a handful of numbers and at most
 * MAX_PENDING open forecasts) and a ClassModel per agent class, pooled so new pods learn from older
 * ones. `foldSample` is the per-sample work: O(1) apart from the open forecasts it closes.
 */
import type { AgentSample, Resources } from '../../core/types.js';
import { foldContext, foldRegression, newContextStats, newRegressionAcc, type ContextGrowthStats, type RegressionAcc } from '../../../models/context-growth.js';
import { foldHorizonOutcome, foldStartupPeak, newClassModel, stateHeadroom, type ClassModel, type TailOptions } from '../../../models/burst-model.js';
import { pushResidual } from '../../../models/headroom.js';
import { priorFor } from '../../../models/priors/index.js';
import { foldRetryRun, foldToolTransition, newToolCategoryStats, toolCategory } from '../../../models/tool-loop.js';
import { contextMemoryGrowth } from './context-forecast.js';
import type { ResolvedPredictiveOptions } from './options.js';
import type { ClassArrivals, ScaleHold } from './scale.js';
import { foldCpuUsage, newCpuUsageHistogram, type ClassPricing } from './effective-request.js';
import type { LogHistogram } from '../../../models/log-histogram.js';
import type { WriteAccount } from './write-budget.js';
import { foldStartupUsage, startupUsageOf, type StartupUsage } from './startup-share.js';
import { groupSize, newDesignEffectState, type DesignEffectState } from './design-effect.js';
import type { Packing } from './effective-request.js';
import { KILL_STRATUM } from './kill-evidence.js';

const MAX_PENDING = 8;
/**
 * A forecast waiting for its horizon to pass, so it can be scored, is PENDING_FIELDS numbers in
 * PodTrack.pending: its time, the baseline and the model's limit then, and the peaks since (peakMem −1
 * until a sample arrives). Flat numbers, not an object per forecast: at 10,000 pods the objects and
 * their boxed numbers were ~6 MB and ~200,000 objects of live heap for every full GC to mark.
 */
const PENDING_FIELDS = 5;
const P_TMS = 0;
const P_BASE = 1;
const P_LIMIT = 2;
const P_PEAK_MEM = 3;
const P_PEAK_CPU = 4;

/** What the policy remembers of one pod. */
export interface PodTrack {
  agentClass: string;
  samples: number;
  lastTMs: number;
  lastMem: number;
  lastCpu: number;
  lastState: string;
  lastTokens: number | undefined;
  /** Baseline memory: an EWMA that falls fast and rises slowly (bursts lift it little). */
  base: number;
  /** Usage level (EWMA), what requests aim at. */
  level: number;
  cpuLevel: number;
  /** Consecutive intervals with tool errors/retries, and the category they were in. */
  runLen: number;
  runState: string;
  /** The largest excess above baseline this pod has shown, and when (decays). */
  maxExcess: number;
  maxExcessAtMs: number;
  /** Held limits: raised at once, decaying towards the target. */
  heldMem: number;
  heldCpu: number;
  heldAtMs: number;
  heldCpuAtMs: number;
  /** Requests last seen settled (no resize pending): what the kubelet has allocated. */
  allocatedMemRequest?: number;
  allocatedCpuRequest?: number;
  /**
   * The memory limit the pod had when the policy first planned it: the template's, or what admission
   * chose (admit.ts). Decreases stop there (recommend.ts, `creationFloor`); 0 until first seen.
   */
  createdMemLimit: number;
  /** Whether a memory-limit raise was planned for the pod (short-sessions.ts counts them per class). */
  limitRaised: boolean;
  /** Kubernetes restart count last seen, to notice OOM kills. */
  restarts: number;
  lastOomAtMs: number;
  /** Open forecasts, oldest first, PENDING_FIELDS numbers each; their tool states in `pendingStates`. */
  readonly pending: number[];
  readonly pendingStates: string[];
  readonly context: ContextGrowthStats;
  /** First sample time and the peak since; folded into the class once the start-up window has passed. */
  firstTMs: number;
  startupPeak: number;
  /** The pod's own bytes-per-token evidence and its last fit. */
  readonly bytesPerToken: RegressionAcc;
  slopeFit?: { readonly n: number; readonly cls: number; readonly slope: number };
}

/** The whole policy state. */
export interface PredictiveState {
  readonly pods: Map<string, PodTrack>;
  readonly classes: Map<string, ClassModel>;
  /** Restart counts of pods killed before their first sample (no track yet). */
  readonly unsampledRestarts: Map<string, number>;
  /** Session arrivals per agent class and pre-warm holds per ScaledObject (KEDA pre-warm, scale.ts). */
  readonly arrivals: Map<string, ClassArrivals>;
  readonly scaleHolds: Map<string, ScaleHold>;
  /** Scraped CPU usage per agent class, and each class's request pricing per node size (effective-request.ts). */
  readonly cpuUsage: Map<string, LogHistogram>;
  readonly pricing: Map<string, ClassPricing>;
  /** Each pod's write account (write-budget.ts). */
  readonly writes: Map<string, WriteAccount>;
  /** The allocatable of the nodes pods were last seen on: the node size admission prices for (admit.ts). */
  readonly nodeShape: { last?: Resources };
  /** Per class: usage in the start-up window and its share of samples; how the pods of a node move together. */
  readonly startupUsage: Map<string, StartupUsage>;
  readonly correlation: DesignEffectState;
  /** Per class: lengths (s) of its most recent ended sessions (short-sessions.ts). */
  readonly sessions: Map<string, number[]>;
  /** Per class: ended pods, and how many of them needed a memory-limit raise (short-sessions.ts). */
  readonly raisedSessions: Map<string, { ended: number; raised: number }>;
}

export function newPredictiveState(): PredictiveState {
  return {
    pods: new Map(),
    classes: new Map(),
    unsampledRestarts: new Map(),
    arrivals: new Map(),
    scaleHolds: new Map(),
    cpuUsage: new Map(),
    pricing: new Map(),
    writes: new Map(),
    nodeShape: {},
    startupUsage: new Map(),
    correlation: newDesignEffectState(),
    sessions: new Map(),
    raisedSessions: new Map(),
  };
}

/** What the class's node pricing adds to independent steady-state pods (effective-request.ts Packing). */
export function classPacking(st: PredictiveState, agentClass: string): Packing {
  const startup = st.startupUsage.get(agentClass);
  return { ...(startup ? { startup } : {}), groupSize: groupSize(st.correlation, agentClass) };
}

/** How long after its first sample a pod counts as starting (its peak then is a start-up peak). */
export const STARTUP_WINDOW_MS = 60_000;

/** The class model, created from its prior on first use. */
export function classModel(st: PredictiveState, agentClass: string, o: ResolvedPredictiveOptions): ClassModel {
  let cm = st.classes.get(agentClass);
  if (!cm) {
    cm = newClassModel(priorFor(agentClass, o.priors), { residualWindow: o.residualWindow, maxHistogramWeight: maxWeight(o) });
    st.classes.set(agentClass, cm);
  }
  return cm;
}

export function maxWeight(o: ResolvedPredictiveOptions): number {
  // Enough history for the ε-tail to be resolvable (≈ 10/ε outcomes), never unbounded.
  return Math.min(20000, Math.max(1000, 10 / o.riskBudget));
}

function newTrack(agentClass: string, s: AgentSample, priorBase: number): PodTrack {
  // A container's first sample is often taken while it starts (tens of MB); starting the baseline at
  // the class prior keeps requests from dipping and bouncing back. It falls fast if the pod is smaller.
  const base = Math.max(s.memBytes, priorBase);
  return {
    agentClass,
    samples: 0,
    lastTMs: s.tMs,
    lastMem: s.memBytes,
    lastCpu: s.cpuCores,
    lastState: 'idle',
    lastTokens: undefined,
    base,
    level: base,
    cpuLevel: s.cpuCores,
    runLen: 0,
    runState: 'idle',
    maxExcess: 0,
    maxExcessAtMs: s.tMs,
    heldMem: 0,
    heldCpu: 0,
    heldAtMs: s.tMs,
    heldCpuAtMs: s.tMs,
    createdMemLimit: 0,
    limitRaised: false,
    restarts: -1,
    lastOomAtMs: 0,
    pending: [],
    pendingStates: [],
    context: newContextStats(),
    firstTMs: s.tMs,
    startupPeak: -1,
    bytesPerToken: newRegressionAcc(),
  };
}

/** Halves `v` every `halfLifeS` seconds since `sinceMs`. */
export function decayed(v: number, sinceMs: number, nowMs: number, halfLifeS: number): number {
  if (halfLifeS <= 0) return 0;
  return v * 2 ** (-Math.max(0, nowMs - sinceMs) / (halfLifeS * 1000));
}

/** The model's memory limit for a pod in its current state (before calibration and floors). */
export function modelMemLimit(t: PodTrack, cm: ClassModel, o: ResolvedPredictiveOptions): number {
  const h = stateHeadroom(cm, t.lastState, tailOptions(o)).memExcess;
  return t.base + contextMemoryGrowth(t, cm, o).upper + h;
}

const tailOptionsCache = new WeakMap<ResolvedPredictiveOptions, TailOptions>();

/** The tail-solve options of a policy's options (one object per policy, not per call). */
export function tailOptions(o: ResolvedPredictiveOptions): TailOptions {
  let t = tailOptionsCache.get(o);
  if (!t) tailOptionsCache.set(o, (t = { eps: o.riskBudget, cpuEps: o.cpuRiskBudget, priorFloor: o.priorFloorWeight, refreshEvery: o.refreshEvery }));
  return t;
}

/** Folds one sample into its pod's track and its class model. */
export function foldSample(st: PredictiveState, s: AgentSample, podClass: (key: string) => string | undefined, o: ResolvedPredictiveOptions): void {
  let t = st.pods.get(s.pod);
  if (!t) {
    const agentClass = s.agentClass ?? podClass(s.pod) ?? 'default';
    t = newTrack(agentClass, s, classModel(st, agentClass, o).prior.memory.baselineBytes);
    st.pods.set(s.pod, t);
  } else if (s.tMs <= t.lastTMs && t.samples > 0) {
    return; // a repeated or out-of-order sample carries no new information
  }
  const cm = classModel(st, t.agentClass, o);
  const state = toolCategory(s.tool);
  closeForecasts(t, cm, s, o);
  if (t.samples > 0) {
    const dtS = (s.tMs - t.lastTMs) / 1000;
    foldToolLoop(t, cm, s, state, dtS);
    foldContextSample(t, cm, s, state, dtS);
    // Baseline falls fast (a burst ended) and rises slowly, more slowly still while a tool runs.
    const a = s.memBytes < t.base ? 0.5 : state === 'idle' ? 0.2 : 0.05;
    t.base += a * (s.memBytes - t.base);
    t.level += 0.3 * (s.memBytes - t.level);
    t.cpuLevel += 0.3 * (s.cpuCores - t.cpuLevel);
  }
  foldStartup(t, cm, s);
  foldStartupUsage(startupUsageOf(st.startupUsage, t.agentClass, maxWeight(o)), s.memBytes, s.tMs - t.firstTMs <= STARTUP_WINDOW_MS);
  let cpu = st.cpuUsage.get(t.agentClass);
  if (!cpu) st.cpuUsage.set(t.agentClass, (cpu = newCpuUsageHistogram(maxWeight(o))));
  foldCpuUsage(cpu, s.cpuCores);
  const excess = s.memBytes - t.base;
  if (excess > 0 && (excess >= t.maxExcess || excess >= decayed(t.maxExcess, t.maxExcessAtMs, s.tMs, o.limitHoldHalfLifeS))) {
    t.maxExcess = excess;
    t.maxExcessAtMs = s.tMs;
  }
  t.samples++;
  t.lastTMs = s.tMs;
  t.lastMem = s.memBytes;
  t.lastCpu = s.cpuCores;
  t.lastState = state;
  if (s.contextTokens !== undefined) t.lastTokens = s.contextTokens;
  if (t.pendingStates.length >= MAX_PENDING) {
    t.pending.splice(0, PENDING_FIELDS);
    t.pendingStates.shift();
  }
  t.pending.push(s.tMs, t.base, modelMemLimit(t, cm, o), -1, 0);
  t.pendingStates.push(state);
}

/** Call durations (did the last category survive the gap?) and retry runs. */
function foldToolLoop(t: PodTrack, cm: ClassModel, s: AgentSample, state: string, dtS: number): void {
  if (t.lastState !== 'idle') {
    let ts = cm.tools.get(t.lastState);
    if (!ts) cm.tools.set(t.lastState, (ts = newToolCategoryStats()));
    foldToolTransition(ts, state === t.lastState, dtS);
  }
  const failing = (s.toolErrors ?? 0) > 0 || (s.toolRetries ?? 0) > 0;
  if (t.runLen > 0) foldRetryRun(cm.retry, failing);
  if (failing) {
    t.runLen++;
    t.runState = state !== 'idle' ? state : t.lastState;
  } else t.runLen = 0;
}

/** Context steps, and idle-to-idle (Δtokens, Δmem) pairs for the bytes-per-token fits. */
function foldContextSample(t: PodTrack, cm: ClassModel, s: AgentSample, state: string, dtS: number): void {
  if (s.contextTokens === undefined || t.lastTokens === undefined) return;
  foldContext(t.context, t.lastTokens, s.contextTokens, dtS);
  foldContext(cm.context, t.lastTokens, s.contextTokens, dtS);
  if (state === 'idle' && t.lastState === 'idle' && s.contextTokens !== t.lastTokens) {
    foldRegression(cm.bytesPerToken, s.contextTokens - t.lastTokens, s.memBytes - t.lastMem);
    foldRegression(t.bytesPerToken, s.contextTokens - t.lastTokens, s.memBytes - t.lastMem);
  }
}

/** The peak over a pod's first STARTUP_WINDOW_MS of samples, folded into its class once the window has passed. */
function foldStartup(t: PodTrack, cm: ClassModel, s: AgentSample): void {
  if (t.startupPeak < 0 && t.samples > 0) return;
  if (s.tMs - t.firstTMs <= STARTUP_WINDOW_MS) t.startupPeak = Math.max(t.startupPeak, s.memBytes);
  else {
    foldStartupPeak(cm, t.startupPeak);
    t.startupPeak = -1;
  }
}

/** Adds the sample to open forecasts; scores and drops those whose horizon has passed. */
function closeForecasts(t: PodTrack, cm: ClassModel, s: AgentSample, o: ResolvedPredictiveOptions): void {
  const horizonMs = o.horizonS * 1000;
  const hist = maxWeight(o);
  const p = t.pending;
  let drop = 0;
  for (let i = 0; i < t.pendingStates.length; i++) {
    const at = i * PENDING_FIELDS;
    const peakMem = p[at + P_PEAK_MEM] ?? -1;
    const peakCpu = p[at + P_PEAK_CPU] ?? 0;
    if (s.tMs <= (p[at + P_TMS] ?? 0) + horizonMs) {
      if (s.memBytes > peakMem) p[at + P_PEAK_MEM] = s.memBytes;
      if (s.cpuCores > peakCpu) p[at + P_PEAK_CPU] = s.cpuCores;
    } else {
      if (peakMem >= 0) {
        foldHorizonOutcome(cm, t.pendingStates[i] ?? 'idle', peakMem - (p[at + P_BASE] ?? 0), peakCpu, hist);
        pushResidual(cm.residuals, peakMem - (p[at + P_LIMIT] ?? 0));
      }
      drop++;
    }
  }
  if (drop > 0) {
    p.splice(0, drop * PENDING_FIELDS);
    t.pendingStates.splice(0, drop);
  }
}

/**
 * A kill proved the pod's peak reached `peakBytes`: every horizon open at the kill is scored now, with at
 * least that peak, into the class's KILL_STRATUM (kill-evidence.ts), instead of later on the restart's samples.
 */
export function scoreKilledHorizons(t: PodTrack, cm: ClassModel, peakBytes: number, killAtMs: number, hist: number): void {
  const p = t.pending;
  let n = 0;
  while (n < t.pendingStates.length && (p[n * PENDING_FIELDS + P_TMS] ?? 0) <= killAtMs) {
    const at = n * PENDING_FIELDS;
    foldHorizonOutcome(cm, KILL_STRATUM, Math.max(p[at + P_PEAK_MEM] ?? -1, peakBytes) - (p[at + P_BASE] ?? 0), p[at + P_PEAK_CPU] ?? 0, hist);
    n++;
  }
  p.splice(0, n * PENDING_FIELDS);
  t.pendingStates.splice(0, n);
}
