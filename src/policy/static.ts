/**
 * The `static` policy: fixed requests and limits, which is what most agent deployments do today. It
 * is the baseline the others must beat on slack without losing on OOM kills.
 */
import { GiB, MiB } from '../core/resources.js';
import type { Resources } from '../core/types.js';
import type { Policy, Recommendation } from './policy.js';

/** Options of the `static` policy: fixed requests and limits. */
export interface StaticOptions {
  readonly requests: Resources;
  readonly limits: Resources;
}

/** 512Mi / 250m requested, 2Gi / 1 core limit: a typical hand-sized agent pod (Burstable). */
export const DEFAULT_STATIC_OPTIONS: StaticOptions = {
  requests: { memBytes: 512 * MiB, cpuCores: 0.25 },
  limits: { memBytes: 2 * GiB, cpuCores: 1 },
};

/** The pods the policy has already spoken to: it asks each pod once and then stays quiet. */
export interface StaticState {
  readonly asked: Set<string>;
}

/**
 * Builds the `static` policy. Each pod whose spec differs from the configured sizes gets one
 * recommendation to adopt them; the policy never revisits a pod, whatever its usage does.
 */
export function createStaticPolicy(opts: StaticOptions): Policy<StaticState> {
  const { requests, limits } = { ...DEFAULT_STATIC_OPTIONS, ...opts };
  const reason = `static: fixed requests ${formatResources(requests)}, limits ${formatResources(limits)}`;
  const inputs = { requestMemBytes: requests.memBytes, requestCpuCores: requests.cpuCores, limitMemBytes: limits.memBytes, limitCpuCores: limits.cpuCores };
  return {
    name: 'static',
    init: () => ({ asked: new Set() }),
    observe: () => undefined,
    recommend(state, ctx) {
      const out: Recommendation[] = [];
      for (const p of ctx.pods) {
        if (state.asked.has(p.key)) continue;
        state.asked.add(p.key);
        if (sameResources(p.requests, requests) && sameResources(p.limits, limits)) continue;
        out.push({ kind: 'resize', pod: p.key, requests, limits, reason, inputs });
      }
      // Keep the set bounded by the live pods; prune only when it has clearly outgrown them.
      if (state.asked.size > 2 * ctx.pods.length + 64) {
        const live = new Set(ctx.pods.map((p) => p.key));
        for (const k of state.asked) if (!live.has(k)) state.asked.delete(k);
      }
      return out;
    },
    forget(state, podKey) {
      state.asked.delete(podKey);
    },
  };
}

/** True when two sizes are exactly equal (what a pod already has needs no resize). */
export function sameResources(a: Resources, b: Resources): boolean {
  return a.memBytes === b.memBytes && a.cpuCores === b.cpuCores;
}

/** `512Mi/250m`: a size as the reasons print it. */
export function formatResources(r: Resources): string {
  return `${Math.round(r.memBytes / MiB)}Mi/${Math.round(r.cpuCores * 1000)}m`;
}
