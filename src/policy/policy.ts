import type { ActionInputs, AgentSample, ObjRef, PodView, Resources, ScaledObjectView } from '../core/types.js';

/**
 * A policy's opinion on one pod: the requests and limits it wants, why, and the numbers behind it.
 * The engine's guards (src/engine/guards.ts) turn it into an Action or into nothing.
 */
export interface ResizeRecommendation {
  readonly kind: 'resize';
  readonly pod: string;
  readonly requests: Resources;
  readonly limits: Resources;
  readonly reason: string;
  readonly inputs: ActionInputs;
}

/** A policy's opinion on a KEDA ScaledObject's minReplicaCount (replicas scenario, pre-warm). */
export interface ScaleRecommendation {
  readonly kind: 'scale';
  readonly scaledObject: ObjRef;
  readonly minReplicas: number;
  readonly reason: string;
  readonly inputs: ActionInputs;
}

export type Recommendation = ResizeRecommendation | ScaleRecommendation;

/** What a policy sees when it recommends: the present and the pods, never the future. */
export interface PolicyContext {
  readonly nowMs: number;
  readonly pods: readonly PodView[];
  readonly scaledObjects: readonly ScaledObjectView[];
}

/**
 * A recommender. Pure in the sense that matters: no I/O, no clock, no randomness that is not seeded
 * from its options; the same samples in the same order give the same recommendations. For speed,
 * `observe` may update its state object in place: the engine owns that object and never shares it.
 */
export interface Policy<S = unknown> {
  readonly name: string;
  /** Fresh state for a run (or for a controller start). */
  init(): S;
  /** Folds newly scraped samples into the state. Samples of one pod arrive in increasing tMs. */
  observe(state: S, samples: readonly AgentSample[], ctx: PolicyContext): void;
  /** Targets for the pods (and ScaledObjects) the policy has an opinion on this tick. */
  recommend(state: S, ctx: PolicyContext): Recommendation[];
  /** Called when a pod is gone, so its state can be dropped (bounded memory). */
  forget?(state: S, podKey: string): void;
  /**
   * A mutating admission webhook the policy stands for (VPA's admission controller), run by the bench's
   * simulator when it creates a pod, before the pod is scheduled: the resources to create the pod with,
   * or undefined to keep the template's. Optional; burstguard's controller is no webhook and never calls it.
   */
  admit?(state: S, pod: AdmissionRequest, nowMs: number): AdmissionResponse | undefined;
  /**
   * Periodic refit (the controller's `schedules.modelRefit` cron): re-solve whatever the policy caches
   * between folds, so a quiet class does not forecast from stale fits. Optional; `nowMs` is the time.
   */
  refit?(state: S, nowMs: number): RefitReport;
}

/** A pod as the admission webhook sees it at creation: its template's resources, not yet scheduled. */
export interface AdmissionRequest {
  readonly key: string;
  readonly agentClass: string;
  readonly requests: Resources;
  readonly limits: Resources;
}

/** The resources a webhook writes into the pod it admits, with its reason. */
export interface AdmissionResponse {
  readonly requests: Resources;
  readonly limits: Resources;
  readonly reason: string;
}

/** What a refit did, for the log line. */
export interface RefitReport {
  readonly classes: number;
  readonly pods: number;
}
