import { MiB } from '../../src/core/resources.js';
import type { SimCluster } from './cluster.js';
import type { SimNode } from './nodes.js';
import { Phase, ResizePhase, type SimPod } from './pod.js';

/**
 * The simulated kubelet: resize admission and actuation, OOM kills with CrashLoopBackOff, node-pressure
 * eviction. Semantics follow the kubelet's allocation manager and the in-place resize KEP
 * (shared reference kubernetes-autoscaling.md §3).
 */

/**
 * Admits the pod's spec requests as the kubelet's canResizePod does: Infeasible when they exceed the
 * node's allocatable (never retried until the spec changes), Deferred when the other pods' allocated
 * requests leave no room (retried each step as room frees), otherwise allocated at once and actuated
 * after the resize latency. A pod not yet bound takes its spec as is.
 */
export function admitResize(c: SimCluster, pod: SimPod, T: number): ResizePhase {
  const node = pod.node;
  if (node === null) {
    pod.allocReqMem = pod.specReqMem;
    pod.allocReqCpu = pod.specReqCpu;
    pod.actLimMem = pod.specLimMem;
    pod.actLimCpu = pod.specLimCpu;
    return setResize(pod, ResizePhase.None, '');
  }
  const cap = c.pool.allocatable;
  if (pod.specReqMem > cap.memBytes || pod.specReqCpu > cap.cpuCores) {
    const what = pod.specReqMem > cap.memBytes ? `memory, requested: ${mi(pod.specReqMem)}, capacity: ${mi(cap.memBytes)}` : `cpu, requested: ${pod.specReqCpu}, capacity: ${cap.cpuCores}`;
    return setResize(pod, ResizePhase.Infeasible, `Node didn't have enough capacity: ${what}`);
  }
  const otherMem = node.reqMem - pod.allocReqMem;
  const otherCpu = node.reqCpu - pod.allocReqCpu;
  if (otherMem + pod.specReqMem > cap.memBytes || otherCpu + pod.specReqCpu > cap.cpuCores) {
    const what =
      otherMem + pod.specReqMem > cap.memBytes
        ? `memory, requested: ${mi(pod.specReqMem)}, used: ${mi(otherMem)}, capacity: ${mi(cap.memBytes)}`
        : `cpu, requested: ${pod.specReqCpu}, used: ${round3(otherCpu)}, capacity: ${cap.cpuCores}`;
    return setResize(pod, ResizePhase.Deferred, `Node didn't have enough resources: ${what}`);
  }
  node.reqMem += pod.specReqMem - pod.allocReqMem;
  node.reqCpu += pod.specReqCpu - pod.allocReqCpu;
  pod.allocReqMem = pod.specReqMem;
  pod.allocReqCpu = pod.specReqCpu;
  pod.resizeAtT = T + c.sim.resizeLatencyS;
  return setResize(pod, ResizePhase.InProgress, '');
}

/**
 * Works the list of pods with a resize in flight: actuates admitted resizes whose latency has passed,
 * retries Deferred ones (the kubelet retries when pods come and go, after other resizes, and
 * periodically) and Error ones at the kubelet's sync period.
 */
export function workResizes(c: SimCluster, T: number): void {
  const list = c.resizing;
  let keep = 0;
  for (const pod of list) {
    if (pod.phase !== Phase.Gone) {
      if (pod.resize === ResizePhase.Deferred) admitResize(c, pod, T);
      else if ((pod.resize === ResizePhase.InProgress || pod.resize === ResizePhase.Error) && T >= pod.resizeAtT) actuate(c, pod, T);
    }
    const busy = pod.phase !== Phase.Gone && (pod.resize === ResizePhase.InProgress || pod.resize === ResizePhase.Deferred || pod.resize === ResizePhase.Error);
    if (busy) list[keep++] = pod;
    else pod.inResizeList = false;
  }
  list.length = keep;
}

/**
 * Writes the new limits to the container. A memory limit below current usage is refused as the kubelet
 * does from v1.34 (best-effort check, PodResizeInProgress reason Error, limit unchanged) and retried at
 * the next sync, when usage may have dropped.
 */
function actuate(c: SimCluster, pod: SimPod, T: number): void {
  if (pod.phase === Phase.Running && pod.specLimMem < pod.actLimMem && pod.usageMem > pod.specLimMem) {
    if (pod.resize !== ResizePhase.Error && c.scored(T)) c.score.resizeErrors++;
    pod.resizeAtT = T + c.tuning.kubeletSyncS;
    setResize(pod, ResizePhase.Error, `cannot decrease memory limit to ${mi(pod.specLimMem)}: current usage ${mi(pod.usageMem)} is above it`);
    return;
  }
  pod.actLimMem = pod.specLimMem;
  pod.actLimCpu = pod.specLimCpu;
  setResize(pod, ResizePhase.None, '');
  c.mark(pod, T, 'resize');
}

/**
 * Kills the container at its memory limit; it restarts after CrashLoopBackOff (doubling per kill, reset
 * after 10 min of running) or the session fails (restartPolicy Never, more than maxRestarts).
 */
export function oomKill(c: SimCluster, pod: SimPod, T: number): void {
  if (c.scored(T)) {
    c.score.oomKills++;
    c.score.lostWorkSeconds += pod.progress;
    pod.oomKills++;
  }
  // The kubelet resets the back-off once a container has run 10 minutes without trouble.
  if (T - pod.startedT >= BACKOFF_RESET_S) pod.backoffLevel = 0;
  pod.lastOomT = T;
  pod.restarts++;
  pod.backoffLevel++;
  c.mark(pod, T, 'oom');
  pod.usageMem = 0;
  pod.usageCpu = 0;
  pod.progress = 0;
  if (c.sim.restartPolicy === 'Never' || pod.restarts > c.sim.maxRestarts) {
    c.fail(pod, T);
    return;
  }
  const b = c.sim.oomBackoffS;
  pod.phase = Phase.BackOff;
  pod.restartAtT = T + Math.min(b.max, b.initial * 2 ** (pod.backoffLevel - 1));
}

/**
 * Node-pressure eviction: while the pods' memory usage exceeds the node's allocatable, the pod furthest
 * above its request is evicted (the kubelet ranks usage above request first). Its replacement is a new
 * pod from the template: initial resources, no restarts, the session's work from the start.
 */
export function relievePressure(c: SimCluster, node: SimNode, T: number): void {
  const cap = c.pool.allocatable.memBytes;
  while (node.usageMem > cap && node.pods.length > 0) {
    let victim = node.pods[0] as SimPod;
    let worst = Number.NEGATIVE_INFINITY;
    for (const p of node.pods) {
      const over = p.usageMem - p.allocReqMem;
      if (over > worst) {
        worst = over;
        victim = p;
      }
    }
    if (c.scored(T)) {
      c.score.evictions++;
      c.score.lostWorkSeconds += victim.progress;
    }
    c.mark(victim, T, 'evicted');
    c.pool.unbind(victim, T);
    victim.resetResources(c.templateFor(victim.session.agentClass));
    victim.restarts = 0;
    victim.backoffLevel = 0;
    victim.progress = 0;
    victim.usageMem = 0;
    victim.usageCpu = 0;
    victim.phase = Phase.Pending;
    c.pending.push(victim);
  }
}

/** Run time after which the kubelet forgets earlier crashes when computing the back-off. */
const BACKOFF_RESET_S = 600;

function setResize(pod: SimPod, phase: ResizePhase, message: string): ResizePhase {
  pod.resize = phase;
  pod.resizeMessage = message;
  return phase;
}

function mi(bytes: number): string {
  return `${Math.round(bytes / MiB)}Mi`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
