import type { QosClass } from '../../src/core/types.js';
import type { SimCluster } from './cluster.js';
import { oomKill } from './kubelet.js';
import type { SimNode } from './nodes.js';
import { Phase, type SimPod } from './pod.js';

/**
 * Node memory as Linux and the kubelet handle it (bench/sim/README.md cites the sources).
 *
 * A node's memory has two lines. The kubelet's eviction manager watches `memory.available` =
 * capacity − working set and evicts when it falls below the hard threshold (default 100Mi). With
 * `--enforce-node-allocatable=pods` the pods' cgroup (`kubepods`) is capped at capacity − reserved,
 * which is allocatable + the hard threshold; when the pods together pass that, the kernel OOM killer
 * acts at once inside the cgroup. With system daemons using exactly their reservation, the eviction
 * signal fires when the pods' usage passes allocatable, and the kernel kills when it passes
 * allocatable + threshold. The simulator models both lines per node.
 */

/** The pods' usage beyond which the kernel OOM killer acts: allocatable + the hard eviction threshold. */
export function kernelLimitBytes(c: SimCluster): number {
  return c.pool.allocatable.memBytes + c.sim.evictionHardBytes;
}

/**
 * oom_score_adj the kubelet gives a container (pkg/kubelet/qos/policy.go): Guaranteed −997,
 * BestEffort 1000, Burstable 1000 − 1000 · request / capacity, clamped to [3, 999] so a Burstable
 * container never ranks with Guaranteed or BestEffort. Set when the container starts: the runtime does
 * not change it for a running container, so the request at start counts, not a later resize.
 */
export function oomScoreAdj(qos: QosClass, requestAtStart: number, capacity: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = 1000 - Math.floor((1000 * requestAtStart) / capacity);
  return Math.min(999, Math.max(3, adj));
}

/** The kernel's badness of a container: its share of the memory in thousandths, plus its adj. */
export function oomBadness(pod: SimPod, capacity: number): number {
  return (1000 * pod.usageMem) / capacity + oomScoreAdj(pod.qos, pod.startReqMem, capacity);
}

/**
 * The kernel OOM killer on an exhausted node: while the pods' usage is above the kernel line, the
 * running container with the highest badness dies at once (nodeOomKills) and restarts as after any
 * OOM kill. Ties go to the pod bound first.
 */
export function kernelOomKill(c: SimCluster, node: SimNode, T: number): void {
  const limit = kernelLimitBytes(c);
  while (node.usageMem > limit) {
    let victim: SimPod | undefined;
    let worst = Number.NEGATIVE_INFINITY;
    for (const p of node.pods) {
      if (p.phase !== Phase.Running || p.usageMem <= 0) continue;
      const b = oomBadness(p, limit);
      if (b > worst) {
        worst = b;
        victim = p;
      }
    }
    if (victim === undefined) return;
    node.usageMem -= victim.usageMem;
    oomKill(c, victim, T, 'node');
  }
}

/**
 * The kubelet's eviction manager, run every `evictionIntervalS` (its housekeeping period, 10 s): on a
 * node whose pods use more than allocatable (memory.available below the hard threshold) it evicts one
 * pod per pass, ranked first by whether usage exceeds the request, then by priority (every simulated
 * pod has the same), then by usage above the request. The replacement is a new pod from the template:
 * initial resources, no restarts, the session's work from the start.
 */
export function evictUnderPressure(c: SimCluster, node: SimNode, T: number): void {
  if (node.usageMem <= c.pool.allocatable.memBytes) return;
  let victim: SimPod | undefined;
  let worstOver = false;
  let worst = Number.NEGATIVE_INFINITY;
  for (const p of node.pods) {
    const above = p.usageMem - p.allocReqMem;
    const over = above > 0;
    if ((over && !worstOver) || (over === worstOver && above > worst)) {
      victim = p;
      worstOver = over;
      worst = above;
    }
  }
  if (victim === undefined) return;
  if (c.scored(T)) {
    c.score.evictions++;
    c.score.lostWorkSeconds += victim.progress;
  }
  c.mark(victim, T, 'evicted');
  c.pool.unbind(victim, T);
  victim.resetResources(c.sim.initial);
  victim.restarts = 0;
  victim.backoffLevel = 0;
  victim.progress = 0;
  victim.usageMem = 0;
  victim.usageCpu = 0;
  victim.phase = Phase.Pending;
  c.pending.push(victim);
}
