/**
 * What landed in the API server, watched from the test side: a timeline of every pod's spec and status
 * resources (polled, so it survives an API server restart), and the Events burstguard wrote.
 */
import type * as k8s from '@kubernetes/client-node';
import { parseQuantity, specResources, type Res } from './quantities.js';

export interface PodSnapshot {
  readonly tMs: number;
  readonly generation: number;
  readonly requests: Res;
  readonly limits: Res;
  /** What the (fake) kubelet reports as applied. */
  readonly statusLimitsMem?: number;
  readonly conditions: readonly string[];
}

export interface PodHistory {
  /** Snapshots per pod name, one per change seen (not per poll). */
  readonly byPod: Map<string, PodSnapshot[]>;
  latest(pod: string): PodSnapshot | undefined;
  stop(): Promise<void>;
}

function snapshot(p: k8s.V1Pod, tMs: number): PodSnapshot {
  const { requests, limits } = specResources(p);
  const st = p.status?.containerStatuses?.[0]?.resources?.limits?.memory;
  return {
    tMs,
    generation: p.metadata?.generation ?? 0,
    requests,
    limits,
    ...(st !== undefined ? { statusLimitsMem: parseQuantity(st) } : {}),
    conditions: (p.status?.conditions ?? []).filter((c) => c.type.startsWith('PodResize')).map((c) => `${c.type}/${c.reason ?? ''}`),
  };
}

/** Polls the namespace's pods every `everyMs` and keeps each pod's distinct states. */
export function recordPods(core: k8s.CoreV1Api, namespace: string, everyMs = 250): PodHistory {
  const byPod = new Map<string, PodSnapshot[]>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const list = await core.listNamespacedPod({ namespace });
        const now = Date.now();
        for (const p of list.items) {
          const name = p.metadata?.name ?? '';
          const s = snapshot(p, now);
          const h = byPod.get(name) ?? [];
          const last = h[h.length - 1];
          if (last === undefined || JSON.stringify({ ...last, tMs: 0 }) !== JSON.stringify({ ...s, tMs: 0 })) h.push(s);
          byPod.set(name, h);
        }
      } catch {
        /* API server away (restart scenario): try again next poll */
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    byPod,
    latest: (pod) => byPod.get(pod)?.at(-1),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Events in `namespace` about `object` (any kind) with `reason`, oldest first. */
export async function eventsFor(core: k8s.CoreV1Api, namespace: string, filter: { object?: string; reason?: string | RegExp }): Promise<k8s.CoreV1Event[]> {
  const list = await core.listNamespacedEvent({ namespace });
  return list.items.filter((e) => {
    if (filter.object !== undefined && e.involvedObject.name !== filter.object) return false;
    if (filter.reason === undefined) return true;
    return typeof filter.reason === 'string' ? e.reason === filter.reason : filter.reason.test(e.reason ?? '');
  });
}
