import { MiB } from '../../src/core/resources.js';
import type { SimCluster } from './cluster.js';
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
    if (pod.resize !== ResizePhase.Deferred) pod.deferredSinceT = T;
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
 * Works the list of pods with a resize in flight: actuates admitted resizes whose latency has passed
 * and Error ones at the kubelet's sync period, then retries Deferred ones (the kubelet retries when
 * pods come and go, after other resizes, and periodically) in the KEP's order: priority (equal for
 * every simulated pod), then QoS class (Guaranteed first), then the longest waiting.
 */
export function workResizes(c: SimCluster, T: number): void {
  const list = c.resizing;
  const deferred = c.deferredScratch;
  deferred.length = 0;
  for (const pod of list) {
    if (pod.phase === Phase.Gone) continue;
    if (pod.resize === ResizePhase.Deferred) deferred.push(pod);
    else if ((pod.resize === ResizePhase.InProgress || pod.resize === ResizePhase.Error) && T >= pod.resizeAtT) actuate(c, pod, T);
  }
  if (deferred.length > 1) deferred.sort(retryOrder);
  for (const pod of deferred) admitResize(c, pod, T);
  deferred.length = 0;
  let keep = 0;
  for (const pod of list) {
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

/** Why a container died of memory: its own limit (oomKills) or the node running out (nodeOomKills). */
export type OomCause = 'limit' | 'node';

/**
 * An OOM kill of the container, at its memory limit or by the kernel on an exhausted node. Under
 * restartPolicy Always the kubelet restarts it at once after the first kill, then with CrashLoopBackOff
 * (10 s doubling to 5 min, reset once the container has run 10 min); there is no restart cap. Under
 * restartPolicy Never the session fails. Either way the session redoes its work from the start.
 */
export function oomKill(c: SimCluster, pod: SimPod, T: number, cause: OomCause = 'limit'): void {
  if (c.scored(T)) {
    if (cause === 'limit') c.score.oomKills++;
    else c.score.nodeOomKills++;
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
  if (c.sim.restartPolicy === 'Never') {
    c.fail(pod, T);
    return;
  }
  pod.phase = Phase.BackOff;
  pod.restartAtT = T + restartDelayS(c.sim.oomBackoffS, pod.backoffLevel);
}

/**
 * CrashLoopBackOff: the first crash restarts at once (the kubelet has no back-off entry yet), each
 * later one waits initial × 2^(k−2) seconds, capped at max.
 */
export function restartDelayS(b: { readonly initial: number; readonly max: number }, level: number): number {
  return level <= 1 ? 0 : Math.min(b.max, b.initial * 2 ** (level - 2));
}

const QOS_RANK: Readonly<Record<string, number>> = { Guaranteed: 0, Burstable: 1, BestEffort: 2 };

/** Deferred resizes retry by QoS class (Guaranteed first), then by how long they have waited. */
function retryOrder(a: SimPod, b: SimPod): number {
  return (QOS_RANK[a.qos] ?? 1) - (QOS_RANK[b.qos] ?? 1) || a.deferredSinceT - b.deferredSinceT;
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
