/** The `vpa` policy's state: per-class aggregates and recommendations, per-pod tracks, loop clocks. */
import type { PodView, AgentSample, Resources } from '../../core/types.js';
import { newContainerState, type Aggregate, type ContainerState } from './aggregate.js';
import type { VpaRecommendation } from './estimator.js';

/** What the policy remembers of one pod. */
export interface PodTrack {
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

/** A pod known so far only from its samples; its spec fills in when the cluster view shows it. */
export function newTrack(state: VpaState, key: string, agentClass: string, startMs: number): PodTrack {
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
export function trackPods(state: VpaState, pods: readonly PodView[]): void {
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
    // Once a later spec was accepted (the condition cleared), the cached attempt no longer applies.
    else if (p.resize.phase === 'none') t.lastInfeasible = undefined;
  }
}

/** How long after a pod's start the emulated admission keeps asking for the target. */
export const ADMISSION_WINDOW_MS = 30 * 60 * 1000;
