import { MiB } from '../../core/resources.js';

/**
 * Options of the `vpa` policy. Every default is upstream's default flag value (AS
 * pkg/recommender/config/config.go, model/aggregations_config.go, pkg/updater/config/config.go),
 * except `minReplicas` (see below). Times are seconds.
 */
export interface VpaOptions {
  /** Percentile of the target (0.9), lower bound (0.5) and upper bound (0.95), same for CPU and memory. */
  readonly targetPercentile: number;
  readonly lowerBoundPercentile: number;
  readonly upperBoundPercentile: number;
  /** `--recommendation-margin-fraction` (0.15). */
  readonly safetyMarginFraction: number;
  /** `--pod-recommendation-min-cpu-millicores` 25 as cores, `--pod-recommendation-min-memory-mb` 250 as bytes. */
  readonly podMinCpuCores: number;
  readonly podMinMemoryBytes: number;
  /** Histogram decay half lives (24 h each). */
  readonly cpuHistogramDecayHalfLifeS: number;
  readonly memoryHistogramDecayHalfLifeS: number;
  /** One memory peak per container per interval (24 h). */
  readonly memoryAggregationIntervalS: number;
  /** `--oom-bump-up-ratio` (1.2) and `--oom-min-bump-up-bytes` (100 Mi). */
  readonly oomBumpUpRatio: number;
  readonly oomMinBumpUpBytes: number;
  /** Recommender loop (`--recommender-interval` 1 m): it takes one metrics sample per pod per loop. */
  readonly recommenderIntervalS: number;
  /** Updater loop (`--updater-interval` 1 m). */
  readonly updaterIntervalS: number;
  /** `--pod-update-threshold` (0.1). */
  readonly podUpdateThreshold: number;
  /** `--in-recommendation-bounds-eviction-lifetime-threshold` (12 h). */
  readonly podLifetimeUpdateThresholdS: number;
  /** `--evict-after-oom-threshold` (10 m). */
  readonly evictAfterOomThresholdS: number;
  /**
   * Groups with fewer live pods are left alone. Upstream's flag defaults to 2; we default to 1, the
   * per-VPA `updatePolicy.minReplicas: 1` an operator sets for agent pools where one session may run
   * alone (otherwise VPA would never touch a lone agent pod, which is no fair anchor).
   */
  readonly minReplicas: number;
  /**
   * `--eviction-tolerance` (0.5): share of a group that may be disrupted per updater loop. Kept for the
   * ConfigMap's sake, but it binds no InPlace update: upstream's RunOnce patches pods the budget defers.
   */
  readonly evictionTolerance: number;
  /**
   * Emulate the admission controller in the bench: a pod created while its class has a recommendation
   * starts with the target (the simulator asks the policy before it schedules the pod).
   */
  readonly emulateAdmission: boolean;
}

/** Upstream defaults (see VpaOptions for the one deliberate exception, minReplicas). */
export const DEFAULT_VPA_OPTIONS: VpaOptions = {
  targetPercentile: 0.9,
  lowerBoundPercentile: 0.5,
  upperBoundPercentile: 0.95,
  safetyMarginFraction: 0.15,
  podMinCpuCores: 0.025,
  podMinMemoryBytes: 250 * MiB,
  cpuHistogramDecayHalfLifeS: 24 * 3600,
  memoryHistogramDecayHalfLifeS: 24 * 3600,
  memoryAggregationIntervalS: 24 * 3600,
  oomBumpUpRatio: 1.2,
  oomMinBumpUpBytes: 100 * MiB,
  recommenderIntervalS: 60,
  updaterIntervalS: 60,
  podUpdateThreshold: 0.1,
  podLifetimeUpdateThresholdS: 12 * 3600,
  evictAfterOomThresholdS: 600,
  minReplicas: 1,
  evictionTolerance: 0.5,
  emulateAdmission: true,
};

/**
 * Which values VPA manages (the VPA object's `controlledValues`). RequestsAndLimits scales limits with
 * requests; RequestsOnly moves requests (capped at the limits) and leaves limits alone. Not a ConfigMap
 * option: the bench offers both as the policies `vpa` and `vpa-requests-only`.
 */
export type ControlledValues = 'RequestsAndLimits' | 'RequestsOnly';

/** What a policy of this family runs with: the ConfigMap's options plus which values it controls. */
export type VpaVariant = VpaOptions & { readonly controlledValues: ControlledValues };
