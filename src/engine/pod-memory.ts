import type { AgentSample, Resources } from '../core/types.js';

/**
 * What the engine remembers of each pod between ticks, apart from the policy's own state: recent peak
 * usage (for the never-below-usage floor), when it last changed the pod, and Deferred/Infeasible
 * outcomes. Bounded: one small ring of per-tick peaks per pod.
 */
export interface PodMemory {
  /** Per-tick usage peaks, oldest first, kept for GuardConfig.usageWindowS. */
  peaks: Array<{ tMs: number; memBytes: number; cpuCores: number }>;
  lastSampleMs?: number;
  /** When the engine last changed the pod (any direction). */
  lastChangeMs?: number;
  /** When the engine last raised any request or limit of the pod: decreases wait a cooldown after it. */
  lastRaiseMs?: number;
  deferredUntilMs?: number;
  deferredBackoffS?: number;
  /** Requests the kubelet called Infeasible: never ask for this much again. */
  infeasibleRequests?: Resources;
}

export function newPodMemory(): PodMemory {
  return { peaks: [] };
}

/** Folds one tick's samples of a pod into its memory and drops peaks older than the window. */
export function rememberUsage(m: PodMemory, samples: readonly AgentSample[], nowMs: number, windowS: number): void {
  if (samples.length > 0) {
    let memBytes = 0;
    let cpuCores = 0;
    let last = m.lastSampleMs ?? 0;
    for (const s of samples) {
      if (s.memBytes > memBytes) memBytes = s.memBytes;
      if (s.cpuCores > cpuCores) cpuCores = s.cpuCores;
      if (s.tMs > last) last = s.tMs;
    }
    m.peaks.push({ tMs: nowMs, memBytes, cpuCores });
    m.lastSampleMs = last;
  }
  const horizon = nowMs - windowS * 1000;
  while (m.peaks.length > 0 && (m.peaks[0]?.tMs ?? 0) < horizon) m.peaks.shift();
}

/** The largest usage seen in the window. */
export function recentPeak(m: PodMemory): Resources {
  let memBytes = 0;
  let cpuCores = 0;
  for (const p of m.peaks) {
    if (p.memBytes > memBytes) memBytes = p.memBytes;
    if (p.cpuCores > cpuCores) cpuCores = p.cpuCores;
  }
  return { memBytes, cpuCores };
}
