/**
 * The guards' hard bounds, applied to what a policy's `admit()` answers. Every resize the loop sends
 * passes the guards (guards.ts: requests and limits within `minResources`/`maxResources`), but an
 * admitted pod is created with admit()'s numbers directly: on a cold class they come from the prior's
 * tails (a 3.5Gi memory limit and a 14.3-core CPU limit for a template limited to 1Gi and 1 core, seen in
 * the admission e2e test), which can exceed the node and the bounds a user set. So the admission webhook
 * (runtime/main.ts) and the bench (bench/replay/replay.ts) clamp the answer here, as the tick's guards
 * would: each value within [min, max], and requests never above limits. Pure.
 */
import type { Resources } from '../core/types.js';
import type { AdmissionResponse } from '../policy/policy.js';
import type { GuardConfig } from './engine-config.js';

const RES = ['memBytes', 'cpuCores'] as const;

/** `a` with every request and limit within the guards' bounds (requests ≤ limits); the reason says what was clamped. */
export function clampAdmission(a: AdmissionResponse, g: Pick<GuardConfig, 'minResources' | 'maxResources'>): AdmissionResponse {
  const limits: Record<keyof Resources, number> = { memBytes: 0, cpuCores: 0 };
  const requests: Record<keyof Resources, number> = { memBytes: 0, cpuCores: 0 };
  const notes: string[] = [];
  for (const r of RES) {
    const lo = g.minResources[r];
    const hi = g.maxResources[r];
    limits[r] = clamp(a.limits[r], lo, hi);
    requests[r] = Math.min(clamp(a.requests[r], lo, hi), limits[r]);
    if (limits[r] !== a.limits[r]) notes.push(`${name(r)} limit ${a.limits[r] > hi ? 'capped at the max' : 'raised to the min'} bound ${fmt(r, limits[r])}`);
    if (requests[r] !== a.requests[r]) notes.push(`${name(r)} request ${fmt(r, requests[r])} (bounds and limit)`);
  }
  if (notes.length === 0) return a;
  return { requests, limits, reason: `${a.reason}; guards: ${notes.join(', ')}` };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function name(r: keyof Resources): string {
  return r === 'memBytes' ? 'memory' : 'cpu';
}

function fmt(r: keyof Resources, v: number): string {
  return r === 'memBytes' ? `${Math.round(v / 2 ** 20)}Mi` : `${Math.round(v * 1000)}m`;
}
