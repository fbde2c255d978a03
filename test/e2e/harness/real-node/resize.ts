/**
 * In-place resizes on the real node, observed where they land: the container's cgroup (cgroup v1
 * memory.limit_in_bytes under the kubelet's kubepods tree) and the pod's status. Used to measure
 * PATCH → cgroup and PATCH → status latencies (reported, never asserted).
 */
import { existsSync, readFileSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';
import { strategicPatch } from '../kube.js';
import { AGENT_CONTAINER } from '../kubelet.js';
import { parseQuantity } from '../quantities.js';
import { agentStatus } from './pods.js';

/** cgroup v1 memory folder of the pod's agent container, if it is running. */
export function containerMemoryCgroup(pod: k8s.V1Pod): string | undefined {
  const uid = pod.metadata?.uid;
  const id = agentStatus(pod)?.containerID?.replace(/^[a-z]+:\/\//, '');
  if (uid === undefined || id === undefined) return undefined;
  const qos = (pod.status?.qosClass ?? 'Burstable').toLowerCase();
  const tier = qos === 'guaranteed' ? '' : `/${qos}`;
  const dir = `/sys/fs/cgroup/memory/kubepods${tier}/pod${uid}/${id}`;
  return existsSync(dir) ? dir : undefined;
}

export function cgroupMemoryLimit(dir: string): number {
  return Number(readFileSync(`${dir}/memory.limit_in_bytes`, 'utf8').trim());
}

/** Strategic merge patch of the agent container's resources through pods/resize (a merge patch would replace the list). */
export async function patchResize(core: k8s.CoreV1Api, namespace: string, name: string, resources: k8s.V1ResourceRequirements): Promise<k8s.V1Pod> {
  const body = { spec: { containers: [{ name: AGENT_CONTAINER, resources }] } };
  return core.patchNamespacedPodResize({ name, namespace, body }, strategicPatch);
}

export interface ResizeTiming {
  readonly toCgroupMs: number;
  readonly toStatusMs: number;
}

/**
 * PATCHes a memory limit and times when the cgroup and then the pod status show it. The cgroup is polled
 * every 2 ms from right after the PATCH is sent, the status every 20 ms.
 */
export async function timeMemoryResize(core: k8s.CoreV1Api, namespace: string, name: string, limitBytes: number, timeoutMs = 10_000): Promise<ResizeTiming> {
  const pod = await core.readNamespacedPod({ name, namespace });
  const dir = containerMemoryCgroup(pod);
  if (dir === undefined) throw new Error(`pod ${namespace}/${name} has no running agent container cgroup`);
  const t0 = performance.now();
  const patched = patchResize(core, namespace, name, { limits: { memory: `${Math.round(limitBytes / 2 ** 20)}Mi` } });
  let toCgroupMs: number | undefined;
  let toStatusMs: number | undefined;
  const cgroupWatch = (async () => {
    while (toCgroupMs === undefined && performance.now() - t0 < timeoutMs) {
      if (cgroupMemoryLimit(dir) === limitBytes) toCgroupMs = performance.now() - t0;
      else await new Promise((r) => setTimeout(r, 2));
    }
  })();
  await patched;
  while (toStatusMs === undefined && performance.now() - t0 < timeoutMs) {
    const p = await core.readNamespacedPod({ name, namespace });
    if (parseQuantity(agentStatus(p)?.resources?.limits?.memory) === limitBytes) toStatusMs = performance.now() - t0;
    else await new Promise((r) => setTimeout(r, 20));
  }
  await cgroupWatch;
  if (toCgroupMs === undefined || toStatusMs === undefined) throw new Error(`resize of ${name} to ${limitBytes} not seen within ${timeoutMs} ms (cgroup ${toCgroupMs}, status ${toStatusMs})`);
  return { toCgroupMs, toStatusMs };
}

/** min / median / p90 / max of a list, rounded to ms. */
export function summary(xs: readonly number[]): { n: number; min: number; median: number; p90: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => Math.round(s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))] ?? NaN);
  return { n: s.length, min: at(0), median: at(0.5), p90: at(0.9), max: at(1) };
}
