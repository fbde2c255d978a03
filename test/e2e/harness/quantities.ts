/**
 * Resource quantities for the tests' own reading of pods. Kept apart from the product's parser on purpose:
 * the end-to-end assertions must not share a bug with the code they check.
 */
import type * as k8s from '@kubernetes/client-node';

/** Memory in bytes and CPU in cores. */
export interface Res {
  readonly memBytes: number;
  readonly cpuCores: number;
}

export const Mi = 2 ** 20;
export const Gi = 2 ** 30;

const FACTORS: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, n: 1e-9, u: 1e-6,
};

/** "1536Mi" → bytes, "250m" → 0.25; throws on anything else (a test should stop on a surprise). */
export function parseQuantity(q: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(?:e(\d+))?([a-zA-Z]*)$/.exec(q ?? '');
  const f = m ? FACTORS[m[3] ?? ''] : undefined;
  if (!m || f === undefined) throw new Error(`unexpected quantity ${JSON.stringify(q)}`);
  return Number(m[1]) * (m[2] !== undefined ? 10 ** Number(m[2]) : 1) * f;
}

export function formatCpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

export function formatMemory(bytes: number): string {
  return bytes % Mi === 0 ? `${bytes / Mi}Mi` : String(Math.round(bytes));
}

/** The spec requests and limits of a pod's first (agent) container. */
export function specResources(pod: k8s.V1Pod): { requests: Res; limits: Res } {
  const r = pod.spec?.containers[0]?.resources;
  return {
    requests: { memBytes: parseQuantity(r?.requests?.memory), cpuCores: parseQuantity(r?.requests?.cpu) },
    limits: { memBytes: parseQuantity(r?.limits?.memory), cpuCores: parseQuantity(r?.limits?.cpu) },
  };
}
