import type { AgentSample, Resources } from '../core/types.js';
import type { AwaitedResize } from './verdict.js';

/**
 * What the engine remembers of each pod between ticks, apart from the policy's own state: recent peak
 * usage (for the never-below-usage floor), when it last changed the pod, and Deferred/Infeasible
 * outcomes. Bounded: the per-tick peaks no later peak covers, per pod.
 */
export interface PodMemory {
  /**
   * Per-tick usage peaks, oldest first, kept for GuardConfig.usageWindowS; a peak a later one matches
   * in both values is dropped (keepPeak), as it can no longer be the window's maximum.
   */
  peaks: Array<{ tMs: number; memBytes: number; cpuCores: number }>;
  /**
   * The newest samples' memory (at most TREND_POINTS, none older than TREND_WINDOW_MS): the pod's own
   * trend, stored flat as `[tMs, memBytes, tMs, memBytes, …]`, oldest first (memoryTrendFlat).
   */
  recent?: number[];
  /** Typical spacing of the pod's sample timestamps (EWMA), seconds: what "stale" is measured against. */
  gapS?: number;
  lastSampleMs?: number;
  /** When the engine last changed the pod (any direction). */
  lastChangeMs?: number;
  /**
   * When the engine last raised each value of the pod. A decrease of a value waits a cooldown after
   * that value's own raise: raising the memory limit for a burst must not pin the memory request.
   */
  raisedAtMs?: Partial<Record<ResourceField, number>>;
  deferredUntilMs?: number;
  deferredBackoffS?: number;
  /** Consecutive ticks this running pod had no sample (sample-watch.ts). */
  ticksWithoutSamples?: number;
  /** The last resize sent whose kubelet verdict is not in yet. */
  awaiting?: AwaitedResize;
  /** Requests the kubelet called Infeasible: never ask for this much again. */
  infeasibleRequests?: Resources;
}

/** One of the four values a resize sets. */
export type ResourceField = 'memBytes.limit' | 'memBytes.request' | 'cpuCores.limit' | 'cpuCores.request';

/** The values that `next` raises above `current`. */
export function raisedFields(current: { requests: Resources; limits: Resources }, next: { requests: Resources; limits: Resources }): ResourceField[] {
  const out: ResourceField[] = [];
  for (const r of ['memBytes', 'cpuCores'] as const) {
    if (next.limits[r] > current.limits[r]) out.push(`${r}.limit`);
    if (next.requests[r] > current.requests[r]) out.push(`${r}.request`);
  }
  return out;
}

export function newPodMemory(): PodMemory {
  return { peaks: [], recent: [] };
}

/** Samples kept for the trend, and how far back. */
export const TREND_POINTS = 12;
export const TREND_WINDOW_MS = 5 * 60_000;

/** Folds one tick's samples of a pod into its memory and drops peaks older than the window. */
export function rememberUsage(m: PodMemory, samples: readonly AgentSample[], nowMs: number, windowS: number): void {
  if (samples.length > 0) {
    let memBytes = 0;
    let cpuCores = 0;
    let last = m.lastSampleMs ?? 0;
    for (const s of samples) {
      if (s.memBytes > memBytes) memBytes = s.memBytes;
      if (s.cpuCores > cpuCores) cpuCores = s.cpuCores;
      if (s.tMs > last) last = noteNewSample(m, s, last);
    }
    keepPeak(m.peaks, { tMs: nowMs, memBytes, cpuCores });
    m.lastSampleMs = last;
  }
  const horizon = nowMs - windowS * 1000;
  while (m.peaks.length > 0 && (m.peaks[0]?.tMs ?? 0) < horizon) m.peaks.shift();
}

/**
 * Appends a tick's peak and drops the older peaks it matches or exceeds in both values. A dropped peak
 * can never be a window's maximum again (the new one is in every window the old one is in, and at
 * least as large), so `recentPeak` is unchanged; what it saves is memory: a pod's ring holds the few
 * peaks no later one covers (a handful) instead of one per tick of the window (60 at the defaults,
 * 10,000 pods ≈ 20 MB of live heap that every full GC marks).
 */
function keepPeak(peaks: Array<{ tMs: number; memBytes: number; cpuCores: number }>, p: { tMs: number; memBytes: number; cpuCores: number }): void {
  let kept = 0;
  for (const q of peaks) if (q.memBytes > p.memBytes || q.cpuCores > p.cpuCores) peaks[kept++] = q;
  peaks.length = kept;
  peaks.push(p);
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

/** Folds a sample newer than the pod's newest into its spacing EWMA and its trend points; returns its time. */
function noteNewSample(m: PodMemory, s: AgentSample, last: number): number {
  if (last > 0) {
    const gapS = (s.tMs - last) / 1000;
    m.gapS = m.gapS === undefined ? gapS : m.gapS + 0.2 * (gapS - m.gapS);
  }
  const recent = (m.recent ??= []);
  recent.push(s.tMs, s.memBytes);
  let drop = 0;
  while (recent.length - drop > 2 * TREND_POINTS || (recent[drop] ?? s.tMs) < s.tMs - TREND_WINDOW_MS) drop += 2;
  if (drop > 0) recent.splice(0, drop);
  return s.tMs;
}
