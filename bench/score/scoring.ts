import { GiB } from '../../src/core/resources.js';
import type { ResizePolicyRow } from './result-types.js';

/**
 * The bench's score of one replay, accumulated as the simulator runs (shared design BENCH.md,
 * "Definitions"). Everything is counted only after the warm-up: integrals over scored pod-seconds,
 * events that happen after it.
 *
 * - nodeHours: ∫ nodes dt while the trace has live sessions (pods pending, running or backing off),
 *   from the first arrival to the last session's end; a lull between sessions counts (the nodes are
 *   still paid for), the tail after the last session does not (the trace simply ended there).
 *   peakNodes: most nodes at once (booting ones included).
 * - disruptions = oomKills (container kills at the memory limit) + evictions (kubelet node-pressure
 *   evictions) + nodeOomKills (kernel OOM kills on an exhausted node); per 100 scored pod-hours in
 *   disruptionsPer100PodHours. lostWorkSeconds: session time redone after any of them.
 *   sessionsFailed: sessions that never finished (restartPolicy Never, or requests no node can hold).
 * - unreservedGiBHours = ∫ max(0, used − request): memory a pod uses that its node never reserved for
 *   it, the overcommit node pressure is made of. overRequestShare: share of pod-seconds above request.
 * - apiWrites: every write the controller would send: one resize PATCH per action it took (accepted or
 *   rejected), plus the Event writes its recorder sends for them and for the kubelet's verdicts
 *   (creates and series PATCHes, coalesced as src/adapters/kube/event-series.ts does; sim/event-writes.ts).
 * - memSlack = 1 - ∫memUsed / ∫memRequested over the pod-seconds a pod is bound to a node (requests are
 *   what the node reserves for it, the allocated requests); a pod waiting out a restart back-off uses
 *   nothing and still holds its request. cpuSlack likewise with CPU used after throttling. Diagnostics:
 *   a policy that under-requests looks good on slack and pays in disruptions.
 * - resizes: resize requests the API accepted; resizesDeferred and resizesInfeasible: those the kubelet
 *   first answered Deferred or Infeasible. resizeErrors (extra): resizes the kubelet refused to actuate
 *   because the new memory limit was below usage.
 */
export class Scorer {
  memUsed = 0;
  memReq = 0;
  cpuUsed = 0;
  cpuReq = 0;
  cpuThrottled = 0;
  /** ∫ max(0, memUsed − memRequest) dt, byte-seconds. */
  memUnreserved = 0;
  /** Pod-seconds with memory usage above the request. */
  overRequestSeconds = 0;
  oomKills = 0;
  evictions = 0;
  nodeOomKills = 0;
  sessionsFailed = 0;
  sessionsCompleted = 0;
  lostWorkSeconds = 0;
  resizes = 0;
  resizesDeferred = 0;
  resizesInfeasible = 0;
  resizeErrors = 0;
  /** Resize PATCHes sent (accepted or rejected by validation), and Event writes (set at the end of the replay). */
  apiPatches = 0;
  apiEvents = 0;
  peakNodes = 0;
  nodeSeconds = 0;
  /** Node-seconds of a lull with no live session, counted only if another session arrives. */
  private idleNodeSeconds = 0;
  /** Seconds spent at each node count while sessions are live, for p95Nodes (capacity planning). */
  private readonly secondsAtNodes = new Map<number, number>();
  /** Seconds node-hours are counted over (live time, lulls between sessions included): mean nodes = nodeHours / this. */
  liveSeconds = 0;
  private idleSeconds = 0;
  podSeconds = 0;

  /**
   * One step of the node pool: `nodes` nodes over `dt`, `live` whether any session is live. A lull's
   * node-seconds are held back until the next session arrives, so the tail after the last session
   * never counts.
   */
  countNodes(nodes: number, dt: number, live: boolean): void {
    if (nodes > this.peakNodes) this.peakNodes = nodes;
    if (!live) {
      this.idleNodeSeconds += nodes * dt;
      this.idleSeconds += dt;
      return;
    }
    this.nodeSeconds += this.idleNodeSeconds + nodes * dt;
    this.idleNodeSeconds = 0;
    this.liveSeconds += this.idleSeconds + dt;
    this.idleSeconds = 0;
    this.secondsAtNodes.set(nodes, (this.secondsAtNodes.get(nodes) ?? 0) + dt);
  }

  /** The node count the pool stays at or below for 95 % of the live time (time-weighted). */
  get p95Nodes(): number {
    const counts = [...this.secondsAtNodes.entries()].sort((a, b) => a[0] - b[0]);
    const total = counts.reduce((sum, [, s]) => sum + s, 0);
    let seen = 0;
    for (const [n, s] of counts) {
      seen += s;
      if (seen >= 0.95 * total - 1e-9) return n;
    }
    return 0;
  }

  get disruptions(): number {
    return this.oomKills + this.evictions + this.nodeOomKills;
  }

  /** Builds the result row. `replaySeconds` is wall-clock time, the only field allowed to vary. */
  toRow(policy: string, replaySeconds: number): ResizePolicyRow {
    const podHours = this.podSeconds / 3600;
    const writes = this.apiPatches + this.apiEvents;
    return {
      policy,
      nodeHours: round(this.nodeSeconds / 3600, 6),
      peakNodes: this.peakNodes,
      p95Nodes: this.p95Nodes,
      liveHours: round(this.liveSeconds / 3600, 6),
      disruptions: this.disruptions,
      disruptionsPer100PodHours: round(podHours > 0 ? (100 * this.disruptions) / podHours : 0, 6),
      oomKills: this.oomKills,
      evictions: this.evictions,
      nodeOomKills: this.nodeOomKills,
      sessionsFailed: this.sessionsFailed,
      lostWorkSeconds: round(this.lostWorkSeconds, 3),
      unreservedGiBHours: round(this.memUnreserved / GiB / 3600, 6),
      overRequestShare: round(this.podSeconds > 0 ? this.overRequestSeconds / this.podSeconds : 0, 6),
      apiWrites: writes,
      apiWritesPerPodHour: round(podHours > 0 ? writes / podHours : 0, 6),
      memSlack: round(slack(this.memUsed, this.memReq), 6),
      cpuSlack: round(slack(this.cpuUsed, this.cpuReq), 6),
      cpuThrottledCoreSeconds: round(this.cpuThrottled, 3),
      memRequestedGiBHours: round(this.memReq / GiB / 3600, 6),
      memUsedGiBHours: round(this.memUsed / GiB / 3600, 6),
      cpuRequestedCoreHours: round(this.cpuReq / 3600, 6),
      resizes: this.resizes,
      resizesDeferred: this.resizesDeferred,
      resizesInfeasible: this.resizesInfeasible,
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
