import { GiB, MiB } from '../../src/core/resources.js';
import { DEFAULT_STATIC_OPTIONS } from '../../src/policy/static.js';
import type { SimSettings } from '../replay/replay-types.js';

/**
 * The simulated cluster's default knobs, each the value a stock cluster has (bench/sim/README.md
 * repeats the reasoning):
 * - scrapes every 15 s (the Prometheus / metrics-server interval most clusters run);
 * - 10 s scrape lag: the kubelet's cAdvisor refreshes container stats every 10 s (housekeeping
 *   interval), so a scraped value is on average that old before Prometheus even stores it;
 * - 0.16 s resize latency, measured on a real node (kubelet v1.36.3, containerd 1.6, cgroup v1): the
 *   p90 from the controller's PATCH to the container's memory cgroup over 24 resizes, median 85 ms,
 *   max 306 ms (bench/simreal/fixtures/sim-vs-real-2026-12-04.json); the pod status follows in
 *   190 ms median. In the simulator it means "in force at the next 1 s step";
 * - a 4 vCPU / 16 GiB node with the allocatable a managed node reports after system reservations;
 * - 90 s to provision a node (cloud VM boot and kubelet join) and 10 min before an empty node is removed
 *   (the cluster autoscaler's scale-down-unneeded-time);
 * - restart at once after the first OOM kill, then CrashLoopBackOff of 11 s doubling to 5 min, no cap
 *   (restartPolicy Always). Measured on the same node over 22 restarts: the first after 0–1 s (status
 *   times have 1 s resolution), the k-th after 11–13, 20–29, 42–59, 80–90 s for k = 2..5; 11 s is the
 *   least-squares fit of initial·2^(k−2) (the kubelet's constant is 10 s; its pod worker sees the
 *   back-off end a little late);
 * - the kubelet's hard eviction threshold memory.available<100Mi, checked every 10 s (its defaults);
 * - pods start at the `static` policy's default sizes (the pod template a deployment ships with, and
 *   what `static` then keeps).
 */
export const DEFAULT_SIM_SETTINGS: SimSettings = {
  scrapeIntervalS: 15,
  scrapeLagS: 10,
  resizeLatencyS: 0.16,
  nodeAllocatable: { memBytes: 14 * GiB, cpuCores: 3.9 },
  nodeProvisionDelayS: 90,
  nodeRemoveDelayS: 600,
  maxNodes: 200,
  oomBackoffS: { initial: 11, max: 300 },
  restartPolicy: 'Always',
  evictionHardBytes: 100 * MiB,
  evictionIntervalS: 10,
  throttleStretches: false,
  initial: { requests: DEFAULT_STATIC_OPTIONS.requests, limits: DEFAULT_STATIC_OPTIONS.limits },
};

/** Internals of the simulator that are not part of the bench contract; tests and the perf script tune them. */
export interface SimTuning {
  /** The simulator's time step: the resolution of usage, OOM and throttling. */
  readonly stepS: number;
  /**
   * How far ahead of the simulated time the trace is read. Bounds memory, feeds the oracle's lookahead,
   * and decides session ends: a session with no sample for this long has ended, and a later sample of
   * the same session starts a new session (`name#2`).
   */
  readonly lookaheadS: number;
  /** How far behind the newest sample a sample may arrive (bounded reorder buffer). */
  readonly reorderWindowS: number;
  /** The kubelet retries a resize that failed with Error (memory limit below usage) at this period. */
  readonly kubeletSyncS: number;
  /** One timeline point per this many seconds for the kept sessions (events are always kept). */
  readonly timelineEveryS: number;
  /** How many example actions the outcome keeps. */
  readonly sampleActions: number;
  /** Nodes the pool starts with and never shrinks below (a cluster autoscaler node group's min size). */
  readonly minNodes: number;
  /**
   * How long after the trace's last sample the replay goes on for pods still running or crash-looping.
   * Kubernetes restarts a killed container without end (restartPolicy Always), so a session sized below
   * its own demand never finishes; when this much time has passed the replay stops and counts such
   * sessions as failed. Their nodes count until then, as a crash-looping pod holds its node.
   */
  readonly drainS: number;
}

export const DEFAULT_SIM_TUNING: SimTuning = {
  stepS: 1,
  lookaheadS: 300,
  reorderWindowS: 60,
  kubeletSyncS: 60,
  timelineEveryS: 10,
  sampleActions: 40,
  minNodes: 1,
  drainS: 3600,
};

/** Virtual time 0 of every replay (trace t = 0) as epoch ms: fixed so that runs are byte-identical. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);
