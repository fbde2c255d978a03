import { GiB } from '../../src/core/resources.js';
import type { ResizePolicyRow } from './result-types.js';

/**
 * The bench's score of one replay, accumulated as the simulator runs (shared design BENCH.md,
 * "Definitions"). Everything is counted only after the warm-up: integrals over scored pod-seconds,
 * events that happen after it.
 *
 * - memSlack = 1 - ∫memUsed / ∫memRequested over the pod-seconds a pod is bound to a node (requests are
 *   what the node reserves for it, the allocated requests); a pod waiting out a restart back-off uses
 *   nothing and still holds its request. cpuSlack likewise with CPU used after throttling.
 * - oomKills: container kills at the memory limit; evictions: node-pressure evictions;
 *   lostWorkSeconds: session time redone after a kill or an eviction; sessionsFailed: sessions that
 *   never finished (restartPolicy Never, too many restarts, or requests no node can hold).
 * - resizes: resize requests the API accepted (each one a PATCH the controller sent); resizesDeferred
 *   and resizesInfeasible: those the kubelet first answered Deferred or Infeasible. resizeErrors (extra):
 *   resizes the kubelet refused to actuate because the new memory limit was below usage.
 * - peakNodes: most nodes at once (booting ones included); nodeHours: ∫nodes dt.
 */
export class Scorer {
  memUsed = 0;
  memReq = 0;
  cpuUsed = 0;
  cpuReq = 0;
  cpuThrottled = 0;
  oomKills = 0;
  evictions = 0;
  sessionsFailed = 0;
  sessionsCompleted = 0;
  lostWorkSeconds = 0;
  resizes = 0;
  resizesDeferred = 0;
  resizesInfeasible = 0;
  resizeErrors = 0;
  peakNodes = 0;
  nodeSeconds = 0;
  podSeconds = 0;

  /** Builds the result row. `replaySeconds` is wall-clock time, the only field allowed to vary. */
  toRow(policy: string, replaySeconds: number): ResizePolicyRow {
    return {
      policy,
      oomKills: this.oomKills,
      evictions: this.evictions,
      sessionsFailed: this.sessionsFailed,
      lostWorkSeconds: round(this.lostWorkSeconds, 3),
      memSlack: round(slack(this.memUsed, this.memReq), 6),
      cpuSlack: round(slack(this.cpuUsed, this.cpuReq), 6),
      cpuThrottledCoreSeconds: round(this.cpuThrottled, 3),
      memRequestedGiBHours: round(this.memReq / GiB / 3600, 6),
      memUsedGiBHours: round(this.memUsed / GiB / 3600, 6),
      cpuRequestedCoreHours: round(this.cpuReq / 3600, 6),
      resizes: this.resizes,
      resizesDeferred: this.resizesDeferred,
      resizesInfeasible: this.resizesInfeasible,
      peakNodes: this.peakNodes,
      nodeHours: round(this.nodeSeconds / 3600, 6),
      replaySeconds: round(replaySeconds, 3),
      resizeErrors: this.resizeErrors,
      sessionsCompleted: this.sessionsCompleted,
      scoredPodSeconds: round(this.podSeconds, 3),
    };
  }
}

/** 1 - used/requested; 0 when nothing was requested (no pod-seconds scored). */
export function slack(used: number, requested: number): number {
  return requested > 0 ? 1 - used / requested : 0;
}

/** Rounds to a fixed number of decimals so the JSON is readable and stable. */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
