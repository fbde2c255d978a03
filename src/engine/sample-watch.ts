import type { PodView } from '../core/types.js';
import type { PodMemory } from './pod-memory.js';

/**
 * Managed pods that get no samples. burstguard cannot size a pod it cannot see, and it used to say
 * nothing about it (issue 11: a kubelet started without `--containerd=<socket>` exposes cAdvisor's
 * container series with `pod=""`, which match no managed pod, and the controller silently did
 * nothing). A running pod with no sample for warnAfterTicks(tick interval) ticks in a row is reported once per
 * episode (a warning log line and Event naming the likely causes) and counted in a gauge every tick.
 */
export const NO_SAMPLE_WARN_TICKS = 4;
/**
 * ...and for at least this long: cAdvisor stamps container stats only every 10–20 s and they reach
 * Prometheus up to 5 s late (shared/reference/real-node.md), so with short ticks four empty ticks are
 * one normal gap, not a missing pod (seen on the real node with 1 s ticks: a false warning every 15 s).
 */
export const NO_SAMPLE_WARN_MIN_S = 60;

/** Empty ticks in a row before a pod is reported: NO_SAMPLE_WARN_TICKS, and NO_SAMPLE_WARN_MIN_S of them. */
export function warnAfterTicks(tickIntervalS: number): number {
  return Math.max(NO_SAMPLE_WARN_TICKS, Math.ceil(NO_SAMPLE_WARN_MIN_S / Math.max(tickIntervalS, 1e-3)));
}

/** What to check, most likely first. */
export const NO_SAMPLE_CAUSES =
  'no cAdvisor memory samples reach burstguard for these pods: check that Prometheus scrapes the kubelet\'s /metrics/cadvisor, ' +
  'that the container series carry the pod and namespace labels (a kubelet without --containerd=<containerd socket> exposes them with pod=""), ' +
  'that targets.container names the container, and prometheus.podLabel/namespaceLabel';

/** Running pods without samples this long, and those that just crossed the threshold. */
export interface SamplelessPods {
  readonly without: readonly string[];
  readonly newly: readonly string[];
}

/** Counts each running pod's ticks without samples (`sampled`: pods with samples this tick). */
export function noteSampleless(mem: ReadonlyMap<string, PodMemory>, pods: readonly PodView[], sampled: ReadonlySet<string>, warnTicks = NO_SAMPLE_WARN_TICKS): SamplelessPods {
  const without: string[] = [];
  const newly: string[] = [];
  for (const pod of pods) {
    const m = mem.get(pod.key);
    if (m === undefined) continue;
    if (sampled.has(pod.key) || !pod.running) {
      m.ticksWithoutSamples = 0;
      continue;
    }
    const n = (m.ticksWithoutSamples ?? 0) + 1;
    m.ticksWithoutSamples = n;
    if (n >= warnTicks) without.push(pod.key);
    if (n === warnTicks) newly.push(pod.key);
  }
  return { without, newly };
}
