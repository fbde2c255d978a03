import { MiB } from '../core/resources.js';
import type { PodView, Resources } from '../core/types.js';
import type { ResizeRecommendation } from '../policy/policy.js';
import type { GuardConfig } from './engine-config.js';
import { recentPeak, type PodMemory } from './pod-memory.js';

/** The outcome of guarding one recommendation: new targets with the notes that explain changes, or a skip. */
export type Guarded =
  | { readonly kind: 'resize'; readonly requests: Resources; readonly limits: Resources; readonly notes: readonly string[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'skip'; readonly reason: string };

type Res = keyof Resources;
const RESOURCES: readonly Res[] = ['memBytes', 'cpuCores'];

/**
 * Applies the safety rails to one recommendation. Pure: the pod, its memory and `nowMs` are inputs.
 *
 * Order matters and is the order a careful operator would reason in: first what may not be touched at
 * all (QoS, resize in flight, Deferred back-off), then the hard floors and ceilings (bounds, recent
 * usage, Infeasible), then the soft rules that slow decreases (staleness, cooldown, step size), then
 * hysteresis, and last the QoS shape (requests ≤ limits, or equal for Guaranteed).
 */
export function guardResize(
  rec: ResizeRecommendation,
  pod: PodView,
  mem: PodMemory,
  cfg: GuardConfig,
  ctx: { readonly nowMs: number; readonly staleAfterS: number },
): Guarded {
  if (pod.qos === 'BestEffort') return { kind: 'skip', reason: 'BestEffort pod: setting requests would change its QoS class' };
  if (pod.resize.phase === 'in-progress') return { kind: 'skip', reason: 'a resize is still in progress' };
  if (mem.deferredUntilMs !== undefined && ctx.nowMs < mem.deferredUntilMs) {
    return { kind: 'skip', reason: `last resize Deferred; retrying after back-off at ${new Date(mem.deferredUntilMs).toISOString()}` };
  }
  const notes: string[] = [];
  const peak = recentPeak(mem);
  const stale = mem.lastSampleMs === undefined || ctx.nowMs - mem.lastSampleMs > ctx.staleAfterS * 1000;
  const cooling = mem.lastChangeMs !== undefined && ctx.nowMs - mem.lastChangeMs < cfg.downscaleCooldownS * 1000;
  const limits: Record<Res, number> = { ...rec.limits };
  const requests: Record<Res, number> = { ...rec.requests };

  for (const r of RESOURCES) {
    const floor = Math.max(cfg.minResources[r], peak[r] * (1 + cfg.usageMarginFraction));
    if (limits[r] < floor) {
      notes.push(`${r} limit raised to the floor ${fmt(r, floor)} (recent peak ${fmt(r, peak[r])} + margin, min bound)`);
      limits[r] = floor;
    }
    if (limits[r] > cfg.maxResources[r]) {
      notes.push(`${r} limit capped at bound ${fmt(r, cfg.maxResources[r])}`);
      limits[r] = cfg.maxResources[r];
    }
    requests[r] = clamp(requests[r], cfg.minResources[r], cfg.maxResources[r]);
    const ceiling = requestCeiling(r, pod, mem);
    if (ceiling !== undefined && requests[r] > ceiling) {
      notes.push(`${r} request held at ${fmt(r, ceiling)}: the node cannot fit more (Infeasible)`);
      requests[r] = ceiling;
    }
    for (const [target, current, what] of [
      [limits, pod.limits[r], 'limit'],
      [requests, pod.requests[r], 'request'],
    ] as const) {
      if (target[r] >= current) continue;
      if (stale) {
        notes.push(`${r} ${what} not lowered: metrics are stale`);
        target[r] = current;
      } else if (cooling) {
        target[r] = current;
      } else {
        const lowest = current * (1 - cfg.maxDecreaseFraction);
        if (target[r] < lowest) target[r] = lowest;
      }
    }
  }
  shapeForQos(pod, requests, limits);
  const rounded = { requests: round(requests), limits: round(limits) };
  if (!worthChanging(pod, rounded, cfg.minChangeFraction)) return { kind: 'unchanged' };
  return { kind: 'resize', ...rounded, notes };
}

function requestCeiling(r: Res, pod: PodView, mem: PodMemory): number | undefined {
  const infeasible = mem.infeasibleRequests?.[r];
  const node = pod.nodeAllocatable?.[r];
  if (infeasible === undefined) return undefined;
  // Infeasible means "more than the node can ever give"; fall back to the largest size that fits.
  return Math.min(infeasible * 0.95, node ?? Number.POSITIVE_INFINITY);
}

/** Keeps the QoS class: Guaranteed moves requests and limits together; Burstable keeps requests ≤ limits. */
function shapeForQos(pod: PodView, requests: Record<Res, number>, limits: Record<Res, number>): void {
  for (const r of RESOURCES) {
    if (pod.qos === 'Guaranteed') {
      const v = Math.max(requests[r], limits[r]);
      requests[r] = v;
      limits[r] = v;
    } else {
      if (requests[r] > limits[r]) requests[r] = limits[r];
      // A request or limit that exists may not be removed, and 0 would read as removal.
      if (requests[r] <= 0 && pod.requests[r] > 0) requests[r] = Math.min(pod.requests[r], limits[r]);
    }
  }
  // Burstable must stay Burstable: if the result would be requests == limits on both, keep a gap.
  if (pod.qos === 'Burstable' && requests.memBytes === limits.memBytes && requests.cpuCores === limits.cpuCores) {
    requests.cpuCores = Math.max(0.001, limits.cpuCores - 0.001);
  }
}

function worthChanging(pod: PodView, next: { requests: Resources; limits: Resources }, minChange: number): boolean {
  for (const r of RESOURCES) {
    for (const [a, b] of [
      [next.limits[r], pod.limits[r]],
      [next.requests[r], pod.requests[r]],
    ] as const) {
      if (b === 0 ? a !== 0 : Math.abs(a - b) / b >= minChange) return true;
    }
  }
  return false;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round(r: Record<Res, number>): Resources {
  return { memBytes: Math.ceil(r.memBytes / MiB) * MiB, cpuCores: Math.ceil(r.cpuCores * 1000 - 1e-9) / 1000 };
}

function fmt(r: Res, v: number): string {
  return r === 'memBytes' ? `${Math.round(v / MiB)}Mi` : `${Math.round(v * 1000)}m`;
}
