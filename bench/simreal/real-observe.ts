/**
 * What the real node did, read where it happened: pod statuses (OOMKilled, restarts, restart delays),
 * each container's memory cgroup (peak usage; the moment a resize's limit lands), and Prometheus
 * (when cAdvisor samples were stamped and when they became readable). Polled, never asserted here.
 */
import { readFileSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';
import { parseQuantity } from '../../test/e2e/harness/quantities.js';
import { agentStatus } from '../../test/e2e/harness/real-node/pods.js';
import { cgroupMemoryLimit, containerMemoryCgroup } from '../../test/e2e/harness/real-node/resize.js';
import type { SeenRequest } from '../../test/e2e/harness/api-proxy.js';

/** One pod's record over the run. */
export interface PodRecord {
  latest?: k8s.V1Pod;
  /** Wall ms of the first container start (status startedAt). */
  firstStartMs?: number;
  peakBytes: number;
  restarts: number;
  oomKills: number;
  /** Terminations already counted, by `containerID@finishedAt`. */
  readonly seenKills: Set<string>;
  readonly restartDelaysS: Array<{ kill: number; delayS: number }>;
  finished: boolean;
}

export function newPodRecord(): PodRecord {
  return { peakBytes: 0, restarts: 0, oomKills: 0, seenKills: new Set(), restartDelaysS: [], finished: false };
}

const memLimit = (p: k8s.V1Pod): number => {
  try {
    return parseQuantity(agentStatus(p)?.resources?.limits?.memory);
  } catch {
    return 0;
  }
};

/** Folds one fresh read of a pod into its record: kills, restart delays, the cgroup's peak usage. */
export function observePod(rec: PodRecord, pod: k8s.V1Pod): void {
  const st = agentStatus(pod);
  const prevLimit = rec.latest === undefined ? 0 : memLimit(rec.latest);
  rec.latest = pod;
  if (st === undefined) return;
  const started = st.state?.running?.startedAt;
  if (rec.firstStartMs === undefined && started !== undefined) rec.firstStartMs = new Date(started).getTime();
  rec.restarts = Math.max(rec.restarts, st.restartCount ?? 0);
  const term = st.lastState?.terminated;
  if (term !== undefined) {
    const key = `${term.containerID ?? ''}@${String(term.finishedAt)}`;
    if (!rec.seenKills.has(key)) {
      rec.seenKills.add(key);
      if (term.reason === 'OOMKilled') {
        rec.oomKills++;
        // The kernel killed at the limit: that is the container's peak, whatever the last read showed.
        rec.peakBytes = Math.max(rec.peakBytes, prevLimit, memLimit(pod));
      }
    }
    if (started !== undefined && term.finishedAt !== undefined) {
      const delayS = (new Date(started).getTime() - new Date(term.finishedAt).getTime()) / 1000;
      const kill = st.restartCount ?? 0;
      if (!rec.restartDelaysS.some((d) => d.kill === kill)) rec.restartDelaysS.push({ kill, delayS });
    }
  }
  const dir = containerMemoryCgroup(pod);
  if (dir === undefined) return;
  try {
    rec.peakBytes = Math.max(rec.peakBytes, Number(readFileSync(`${dir}/memory.max_usage_in_bytes`, 'utf8').trim()));
  } catch {
    /* the container just went away */
  }
}

/** The memory limit a resize PATCH body asks for, if it names one. */
export function patchedMemoryLimit(body: string | undefined): number | undefined {
  try {
    const b = JSON.parse(body ?? '') as { spec?: { containers?: Array<{ resources?: { limits?: { memory?: string } } }> } };
    const q = b.spec?.containers?.[0]?.resources?.limits?.memory;
    return q === undefined ? undefined : parseQuantity(String(q));
  } catch {
    return undefined;
  }
}

/** The pod a `.../pods/NAME/resize` path names. */
export function resizedPod(path: string): string | undefined {
  return /\/pods\/([^/?]+)\/resize(?:\?|$)/.exec(path)?.[1];
}

export interface ResizeTimings {
  readonly toCgroupMs: number[];
  readonly toStatusMs: number[];
  notApplied: number;
}

const PAGE = 4096;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Times one controller PATCH from the moment it left the proxy: the container's cgroup is read every
 * 2 ms until it shows the new limit (the kernel rounds it down to a page), the pod status every 25 ms.
 * A limit not seen within `timeoutMs` (refused below usage, or superseded) counts as not applied.
 */
export async function timeResize(api: { readonly core: k8s.CoreV1Api; readonly ns: string }, pod: k8s.V1Pod, req: SeenRequest, out: ResizeTimings): Promise<void> {
  const { core, ns } = api;
  const timeoutMs = 5000;
  const target = patchedMemoryLimit(req.body);
  const dir = containerMemoryCgroup(pod);
  const name = pod.metadata?.name ?? '';
  if (target === undefined || dir === undefined) return;
  const near = (v: number): boolean => Math.abs(v - target) < PAGE;
  let before: number;
  try {
    before = cgroupMemoryLimit(dir);
  } catch {
    return;
  }
  if (near(before)) return; // a CPU or request change: the memory cgroup has nothing to show
  const t0 = req.atMs;
  let cg: number | undefined;
  let st: number | undefined;
  const cgWatch = (async (): Promise<void> => {
    while (cg === undefined && performance.now() - t0 < timeoutMs) {
      try {
        if (near(cgroupMemoryLimit(dir))) cg = performance.now() - t0;
      } catch {
        return;
      }
      if (cg === undefined) await sleep(2);
    }
  })();
  while (st === undefined && performance.now() - t0 < timeoutMs) {
    try {
      const p = await core.readNamespacedPod({ name, namespace: ns });
      if (memLimit(p) === target) st = performance.now() - t0;
    } catch {
      /* transient */
    }
    if (st === undefined) await sleep(25);
  }
  await cgWatch;
  if (cg === undefined || st === undefined) {
    out.notApplied++;
    return;
  }
  out.toCgroupMs.push(cg);
  out.toStatusMs.push(st);
}

/** cAdvisor's cadence and lag, from Prometheus polled every second. */
export interface CadvisorWatch {
  readonly intervalsS: number[];
  readonly lagsS: number[];
}

/** One poll: the latest sample timestamp of each agent container's working set; new ones are recorded. */
export async function pollCadvisor(query: (q: string) => Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>, ns: string, last: Map<string, number>, w: CadvisorWatch): Promise<void> {
  let r: Array<{ metric: Record<string, string>; value: [number, string] }>;
  try {
    r = await query(`timestamp(container_memory_working_set_bytes{namespace="${ns}",container="agent"})`);
  } catch {
    return;
  }
  const now = Date.now() / 1000;
  for (const s of r) {
    const key = `${s.metric.pod ?? ''}/${s.metric.id ?? ''}`;
    const ts = Number(s.value[1]);
    const prev = last.get(key);
    if (prev === ts) continue;
    last.set(key, ts);
    w.lagsS.push(now - ts);
    if (prev !== undefined) w.intervalsS.push(ts - prev);
  }
}
