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
  /**
   * Requests of the last patch sent to the pod while it showed Infeasible (updater.go
   * recordInfeasibleAttempt). Kept while the pod lives, as upstream keeps it until the pod is gone.
   */
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
  };
  state.pods.set(key, t);
  return t;
}

/** Registers pods on first sight (spec, start). */
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
    }
  }
}
