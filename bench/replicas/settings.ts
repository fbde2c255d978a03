/**
 * The `replicas` scenario's knobs: agent sessions are tasks queued for a pool of worker replicas that a
 * KEDA ScaledObject scales with the HPA formula (shared reference kubernetes-autoscaling.md §4–5).
 */
export interface ReplicasSettings {
  /** Seconds from a replica's creation to its readiness (image pull, start, warm-up): a cold start. */
  readonly coldStartS: number;
  /** KEDA's pollingInterval: how often the metric is read and the HPA formula applied. */
  readonly pollingIntervalS: number;
  /** HPA tolerance: no change while |metric / (target × replicas) − 1| ≤ this. */
  readonly tolerance: number;
  /** HPA scale-down stabilization: scale down to the highest recommendation of this window. */
  readonly scaleDownStabilizationS: number;
  /** AverageValue target: sessions in the system (queued + running) per replica. */
  readonly targetPerReplica: number;
  /** Sessions one replica runs at once. */
  readonly sessionsPerReplica: number;
  /** The ScaledObject's minReplicaCount as deployed (burstguard may raise it ahead of a burst). */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Replicas of the `static` policy: a fixed pool, no autoscaling. */
  readonly staticReplicas: number;
  /** A session that waits longer than this in the queue gives up (sessionsFailed). */
  readonly maxQueueWaitS: number;
}

/**
 * Defaults: KEDA's pollingInterval (30 s) and the HPA's tolerance (0.1) and scale-down stabilization
 * (300 s); one session per replica and a target of one session per replica (a queue-length scaler);
 * a 30 s cold start (pull a cached image, start the agent runtime); minReplicaCount 1 (the HPA floor
 * when KEDA's is 0); sessions give up after 30 min in the queue.
 */
export const DEFAULT_REPLICAS_SETTINGS: ReplicasSettings = {
  coldStartS: 30,
  pollingIntervalS: 30,
  tolerance: 0.1,
  scaleDownStabilizationS: 300,
  targetPerReplica: 1,
  sessionsPerReplica: 1,
  minReplicas: 1,
  maxReplicas: 100,
  staticReplicas: 10,
  maxQueueWaitS: 1800,
};
