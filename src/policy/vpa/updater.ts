import { RESOURCE_NAMES } from '../../core/resources.js';
/**
 * The VPA updater's rules for in-place updates, as pure functions (mirrors AS
 * pkg/updater/priority/update_priority_calculator.go, priority/priority_processor.go,
 * updater/restriction/pods_restriction_factory.go and pods_inplace_restriction.go, and
 * pkg/utils/vpa/limit_and_request_scaling.go for limits; written from the reference's facts).
 */
import type { Resources } from '../../core/types.js';
import type { VpaRecommendation } from './estimator.js';

const RESOURCES = RESOURCE_NAMES;

/** The updater's flags (defaults: threshold 0.1, lifetime 12 h, quick OOM 10 min, tolerance 0.5). */
export interface UpdaterConfig {
  /** `--pod-update-threshold`: minimum ResourceDiff for an update of a pod within bounds. */
  readonly podUpdateThreshold: number;
  /** `--in-recommendation-bounds-eviction-lifetime-threshold`. */
  readonly podLifetimeUpdateThresholdMs: number;
  /** `--evict-after-oom-threshold`: an OOM this soon after start is a "quick OOM". */
  readonly evictAfterOomThresholdMs: number;
}

/** What the updater knows of one pod when it decides. */
export interface PodFacts {
  readonly requests: Resources;
  readonly ageMs: number;
  /** Last termination was an OOM kill and the container had run less than the quick-OOM threshold. */
  readonly quickOom: boolean;
}

/**
 * The update priority of a pod: is a request outside the bounds, would some request grow, and how far
 * are requests from target.
 */
export interface UpdatePriority {
  readonly outsideRecommendedRange: boolean;
  readonly scaleUp: boolean;
  readonly resourceDiff: number;
}

/** Verdict with the rule that decided it, so every action can name its reason. */
export type UpdateVerdict =
  | { readonly update: true; readonly rule: 'outside-bounds' | 'quick-oom' | 'lifetime-diff'; readonly priority: UpdatePriority }
  | { readonly update: false; readonly why: string };

/**
 * Σ over resources of |request − target| / request. Resources without a request are left out, as
 * upstream leaves out resources the pod does not request.
 */
export function resourceDiff(requests: Resources, target: Resources): number {
  let diff = 0;
  for (const r of RESOURCES) {
    if (requests[r] > 0) diff += Math.abs(requests[r] - target[r]) / requests[r];
  }
  return diff;
}

/** Priority of a pod against a recommendation. */
export function updatePriority(requests: Resources, rec: VpaRecommendation): UpdatePriority {
  let outside = false;
  let scaleUp = false;
  for (const r of RESOURCES) {
    if (requests[r] > 0 && (requests[r] < rec.lower[r] || requests[r] > rec.upper[r])) outside = true;
    if (rec.target[r] > requests[r]) scaleUp = true;
  }
  return { outsideRecommendedRange: outside, scaleUp, resourceDiff: resourceDiff(requests, rec.target) };
}

/**
 * The three ways a pod qualifies for an update:
 *  (a) some request lies outside [lower, upper];
 *  (b) a quick OOM, provided the recommendation differs from the requests at all;
 *  (c) the pod has lived at least the lifetime threshold and ResourceDiff ≥ the update threshold.
 */
export function shouldUpdate(pod: PodFacts, rec: VpaRecommendation, cfg: UpdaterConfig): UpdateVerdict {
  const priority = updatePriority(pod.requests, rec);
  if (pod.quickOom && priority.resourceDiff === 0) return { update: false, why: 'quick OOM but the recommendation equals the requests' };
  if (priority.outsideRecommendedRange) return { update: true, rule: 'outside-bounds', priority };
  if (pod.quickOom) return { update: true, rule: 'quick-oom', priority };
  if (pod.ageMs < cfg.podLifetimeUpdateThresholdMs) return { update: false, why: 'requests within bounds and pod younger than the lifetime threshold' };
  if (priority.resourceDiff < cfg.podUpdateThreshold) return { update: false, why: 'requests within bounds and ResourceDiff below the update threshold' };
  return { update: true, rule: 'lifetime-diff', priority };
}

/**
 * Orders candidates as the updater does (AS v1.8.1 priority/update_priority_calculator.go PodPriority.Less):
 * pods that would grow first, so the starved are served before the generous, then by larger ResourceDiff.
 * Being outside the bounds qualifies a pod but does not order it.
 */
export function comparePriority(a: UpdatePriority, b: UpdatePriority): number {
  if (a.scaleUp !== b.scaleUp) return a.scaleUp ? -1 : 1;
  return b.resourceDiff - a.resourceDiff;
}

/**
 * A limit that keeps the original request:limit ratio: limit' = limit · request' / request. Without a
 * limit (0) there is nothing to scale; without a request the limit is kept.
 */
export function proportionalLimit(originalRequest: number, originalLimit: number, newRequest: number): number {
  if (originalLimit <= 0 || originalRequest <= 0) return originalLimit;
  return (originalLimit * newRequest) / originalRequest;
}

/**
 * Upstream InPlace mode (AS v1.8.1 restriction/pods_inplace_restriction.go CanInPlaceUpdate): once a patch
 * was sent to a pod showing Infeasible, retry only when the recommendation lowers some resource below it.
 */
export function lowersSomeResource(lastInfeasible: Resources, target: Resources): boolean {
  return RESOURCES.some((r) => target[r] < lastInfeasible[r]);
}
