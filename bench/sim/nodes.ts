import type { Resources } from '../../src/core/types.js';
import { ResizePhase, type SimPod } from './pod.js';

/** A node of the elastic pool. `reqMem`/`reqCpu` sum the allocated requests of the pods bound to it. */
export class SimNode {
  readonly pods: SimPod[] = [];
  reqMem = 0;
  reqCpu = 0;
  /** Sum of the bound pods' memory usage, rebuilt every step for the node-pressure check. */
  usageMem = 0;
  /**
   * Sum of the bound pods' CPU use (each already capped at its limit), rebuilt every step. Above the
   * node's cores the pods contend: CFS gives out no more than the node has, so the excess is throttled
   * whatever the limits say (counted in cpuThrottledCoreSeconds; see cluster.ts nodeCpu).
   */
  usageCpu = 0;
  /** Requests of pending pods promised to this node while it is still being provisioned. */
  promisedMem = 0;
  promisedCpu = 0;
  emptySinceT = Number.NaN;

  constructor(
    readonly name: string,
    readonly readyAtT: number,
  ) {}

  isReady(T: number): boolean {
    return T >= this.readyAtT;
  }
}

/**
 * The elastic node pool, as a cluster autoscaler keeps it: pods are bound first-fit by requests to ready
 * nodes in creation order; pending pods that fit nowhere make the pool provision nodes of the configured
 * shape (up to maxNodes), each ready after the provisioning delay; a node empty for the removal delay is
 * removed, down to the pool's minimum size (which exists from the start, as in a cluster that has been
 * running). Nodes count from the moment they are requested (a booting VM is already billed).
 */
export class NodePool {
  readonly nodes: SimNode[] = [];
  private seq = 0;

  constructor(
    readonly allocatable: Resources,
    private readonly provisionDelayS: number,
    private readonly removeDelayS: number,
    private readonly maxNodes: number,
    private readonly minNodes: number,
  ) {
    for (let i = 0; i < Math.min(minNodes, maxNodes); i++) this.nodes.push(new SimNode(`node-${++this.seq}`, Number.NEGATIVE_INFINITY));
  }

  /** True when a pod with these requests can never fit a node of the pool's shape. */
  neverFits(reqMem: number, reqCpu: number): boolean {
    return reqMem > this.allocatable.memBytes || reqCpu > this.allocatable.cpuCores;
  }

  /**
   * The first ready node with room for these requests. The scheduler counts a pod as
   * max(desired unless Infeasible, allocated): a Deferred resize keeps its room from being taken.
   */
  findRoom(reqMem: number, reqCpu: number, T: number): SimNode | undefined {
    const cap = this.allocatable;
    for (const n of this.nodes) {
      if (!n.isReady(T) || n.reqMem + reqMem > cap.memBytes || n.reqCpu + reqCpu > cap.cpuCores) continue;
      let mem = n.reqMem + reqMem;
      let cpu = n.reqCpu + reqCpu;
      for (const p of n.pods) {
        if (p.resize !== ResizePhase.Deferred) continue;
        mem += Math.max(0, p.specReqMem - p.allocReqMem);
        cpu += Math.max(0, p.specReqCpu - p.allocReqCpu);
      }
      if (mem <= cap.memBytes && cpu <= cap.cpuCores) return n;
    }
    return undefined;
  }

  bind(pod: SimPod, node: SimNode): void {
    pod.node = node;
    node.pods.push(pod);
    node.reqMem += pod.allocReqMem;
    node.reqCpu += pod.allocReqCpu;
    node.emptySinceT = Number.NaN;
  }

  unbind(pod: SimPod, T: number): void {
    const node = pod.node;
    if (node === null) return;
    const i = node.pods.indexOf(pod);
    if (i >= 0) {
      node.pods[i] = node.pods[node.pods.length - 1] as SimPod;
      node.pods.pop();
    }
    node.reqMem -= pod.allocReqMem;
    node.reqCpu -= pod.allocReqCpu;
    node.usageMem -= pod.usageMem;
    if (node.pods.length === 0) {
      // Float sums drift; an empty node holds exactly nothing.
      node.reqMem = 0;
      node.reqCpu = 0;
      node.usageMem = 0;
      node.emptySinceT = T;
    }
    pod.node = null;
  }

  /**
   * Promises pending pods that fit no ready node to nodes being provisioned, and provisions more when
   * the promises do not cover them. Recomputed each time from the pending list, so a pod that found
   * room elsewhere releases its promise.
   */
  provisionFor(unplaced: readonly SimPod[], T: number): void {
    for (const n of this.nodes) {
      n.promisedMem = 0;
      n.promisedCpu = 0;
    }
    for (const pod of unplaced) {
      let target: SimNode | undefined;
      for (const n of this.nodes) {
        if (n.isReady(T)) continue;
        if (n.promisedMem + pod.allocReqMem <= this.allocatable.memBytes && n.promisedCpu + pod.allocReqCpu <= this.allocatable.cpuCores) {
          target = n;
          break;
        }
      }
      if (target === undefined) {
        if (this.nodes.length >= this.maxNodes) return;
        target = new SimNode(`node-${++this.seq}`, T + this.provisionDelayS);
        this.nodes.push(target);
      }
      target.promisedMem += pod.allocReqMem;
      target.promisedCpu += pod.allocReqCpu;
    }
  }

  /** Removes nodes that have been ready and empty for the removal delay, down to the pool's minimum. */
  removeIdle(T: number): void {
    let keep = 0;
    let removable = this.nodes.length - this.minNodes;
    for (const n of this.nodes) {
      const empty = n.pods.length === 0 && n.isReady(T);
      if (empty && Number.isNaN(n.emptySinceT)) n.emptySinceT = T;
      if (empty && removable > 0 && T - n.emptySinceT >= this.removeDelayS) {
        removable--;
        continue;
      }
      this.nodes[keep++] = n;
    }
    if (keep !== this.nodes.length) this.nodes.length = keep;
  }
}
