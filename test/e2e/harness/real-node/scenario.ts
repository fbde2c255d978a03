/**
 * Small helpers the real-node scenarios share: reading the agent container's state, waiting for it to
 * run, killing its process (a container restart the kubelet did not ask for), and deleting a scene's pods.
 */
import { readFileSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';
import { waitFor } from '../proc.js';
import { agentStatus } from './pods.js';
import { containerMemoryCgroup } from './resize.js';

export async function readPod(core: k8s.CoreV1Api, ns: string, name: string): Promise<k8s.V1Pod> {
  return core.readNamespacedPod({ name, namespace: ns });
}

/** Waits until the agent container runs (and its cgroup exists). */
export async function waitRunning(core: k8s.CoreV1Api, ns: string, name: string, timeoutMs = 60_000): Promise<k8s.V1Pod> {
  return waitFor(`${ns}/${name} running`, async () => {
    const p = await readPod(core, ns, name);
    return agentStatus(p)?.state?.running !== undefined && containerMemoryCgroup(p) !== undefined ? p : undefined;
  }, timeoutMs, 250);
}

/** SIGKILLs the agent container's processes by PID (from its cgroup): the kubelet restarts it. */
export function killAgentProcesses(pod: k8s.V1Pod): number[] {
  const dir = containerMemoryCgroup(pod);
  if (dir === undefined) throw new Error(`${pod.metadata?.name ?? '?'} has no running agent container`);
  const pids = readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter((l) => l !== '').map(Number);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids;
}

/** A resize condition of a pod with its message, e.g. "PodResizeInProgress/Error: cannot decrease ...". */
export function resizeConditions(pod: k8s.V1Pod): string[] {
  return (pod.status?.conditions ?? []).filter((c) => c.type.startsWith('PodResize')).map((c) => `${c.type}/${c.reason ?? ''}: ${c.message ?? ''}`);
}

/** Deletes the scene's pods and waits until the kubelet has stopped them (frees the node's room). */
export async function deletePods(core: k8s.CoreV1Api, ns: string): Promise<void> {
  for (const p of (await core.listNamespacedPod({ namespace: ns })).items) {
    await core.deleteNamespacedPod({ name: p.metadata?.name ?? '', namespace: ns, gracePeriodSeconds: 1 }).catch(() => undefined);
  }
  await waitFor(`pods of ${ns} gone`, async () => ((await core.listNamespacedPod({ namespace: ns })).items.length === 0 ? true : undefined), 60_000, 500);
}
