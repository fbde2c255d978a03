import { MiB, qosOf, RESOURCE_NAMES, type ResourceName } from '../core/resources.js';
import type { PodView, Resources } from '../core/types.js';
import type { ResizeRecommendation } from '../policy/policy.js';
import type { GuardConfig } from './engine-config.js';
import { recentPeak, type PodMemory, type ResourceField } from './pod-memory.js';
import { memoryTrendFlat, rampGrowth } from '../../models/memory-trend.js';
import { MISSING_USAGE_QUIRK } from './verdict.js';

/** The outcome of guarding one recommendation: new targets with the notes that explain changes, or a skip. */
export type Guarded =
  | { readonly kind: 'resize'; readonly requests: Resources; readonly limits: Resources; readonly notes: readonly string[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'skip'; readonly reason: string };

type Res = ResourceName;
const RESOURCES = RESOURCE_NAMES;

/**
 * Applies the safety rails to one recommendation. Pure: the pod, its memory and `nowMs` are inputs.
 *
 * Order matters and is the order a careful operator would reason in: first what may not be touched at
 * all (QoS, resize in flight, Deferred back-off), then the hard floors and ceilings (bounds, recent
 * usage, Infeasible), then the soft rules that slow decreases (staleness, cooldown, step size), then
 * the hard bounds once more (they win over the soft rules), the QoS shape (requests ≤ limits, or equal
 * for Guaranteed; a Burstable pod keeps a gap after rounding), and last hysteresis, which never blocks
 * a raise back to the usage floor nor a way off an Infeasible request.
 */
export function guardResize(
  recommended: ResizeRecommendation,
  pod: PodView,
  mem: PodMemory,
  cfg: GuardConfig,
  ctx: { readonly nowMs: number; readonly staleAfterS: number },
): Guarded {
  if (pod.qos === 'BestEffort') return { kind: 'skip', reason: 'BestEffort pod: setting requests would change its QoS class' };
  const busy = busyResize(recommended, pod);
  if (busy.skip !== undefined) return { kind: 'skip', reason: busy.skip };
  const rec = busy.rec ?? recommended;
  if (mem.deferredUntilMs !== undefined && ctx.nowMs < mem.deferredUntilMs) {
    return { kind: 'skip', reason: `last resize Deferred; retrying after back-off at ${new Date(mem.deferredUntilMs).toISOString()}` };
  }
  const notes: string[] = busy.note !== undefined ? [busy.note] : [];
  const peak = recentPeak(mem);
  const { ageS, stale, grownBytes } = freshness(mem, ctx);
  const sinceChange = mem.lastChangeMs === undefined ? Infinity : ctx.nowMs - mem.lastChangeMs;
  const spacing = sinceChange < cfg.decreaseIntervalS * 1000;
  const cooling = (field: ResourceField): boolean => {
    const raisedAt = mem.raisedAtMs?.[field];
    return spacing || (raisedAt !== undefined && ctx.nowMs - raisedAt < cfg.downscaleCooldownS * 1000);
  };
  const limits: Record<Res, number> = { memBytes: 0, cpuCores: 0 };
  const requests: Record<Res, number> = { memBytes: 0, cpuCores: 0 };
  const floors: Record<Res, number> = { memBytes: 0, cpuCores: 0 };
  const slow = { stale, ageS, staleAfterS: ctx.staleAfterS, hold: busy.hold, cooling, maxDecreaseFraction: cfg.maxDecreaseFraction, notes };

  for (const r of RESOURCES) {
    const g = guardOne(r, { rec, pod, mem, cfg, peak: peak[r], grown: r === 'memBytes' ? grownBytes : noGrowth }, slow);
    limits[r] = g.limit;
    requests[r] = g.request;
    floors[r] = g.floor;
  }
  shapeForQos(pod, requests, limits);
  const rounded = { requests: round(requests, cfg.maxResources), limits: round(limits, cfg.maxResources) };
  keepBurstable(pod, rounded, cfg);
  // Memory is what kills: when the pod runs close to its memory limit, any raise of it goes out,
  // however small. With room to spare, small raises wait like any other change (no PATCH per tick).
  const thin = pod.limits.memBytes < peak.memBytes * (1 + 2 * cfg.usageMarginFraction);
  const urgent =
    (thin && rounded.limits.memBytes > pod.limits.memBytes) ||
    busy.hold !== undefined ||
    restoresFloor(pod, rounded.limits, floors) ||
    leavesInfeasible(pod, rounded.requests);
  if (!urgent && !worthChanging(pod, rounded, cfg.minChangeFraction)) return { kind: 'unchanged' };
  return { kind: 'resize', ...rounded, notes };
}

/**
 * How old the pod's newest sample is, whether that is stale, and what the pod may have grown by since
 * on its own recent trend: a decrease is judged against usage now, not usage then (issue 11: a ramp
 * lowered below what it really used).
 */
function freshness(mem: PodMemory, ctx: { readonly nowMs: number; readonly staleAfterS: number }): { ageS: number; stale: boolean; grownBytes: () => number } {
  const ageS = mem.lastSampleMs === undefined ? Infinity : (ctx.nowMs - mem.lastSampleMs) / 1000;
  const stale = ageS > ctx.staleAfterS;
  // Fitted only when a memory limit would come down (floorDecreaseByGrowth): the fit is the pairwise
  // slopes of a pod's points, sorted, and most ticks lower no pod's limit.
  let grown: number | undefined;
  return { ageS, stale, grownBytes: () => (grown ??= stale ? 0 : rampGrowth(memoryTrendFlat(mem.recent ?? []), ageS)) };
}

const noGrowth = (): number => 0;

/**
 * A resize the kubelet has not finished. PodResizeInProgress (no reason) makes the pod wait, except
 * for a needed memory-limit raise: that supersedes the pending (or refused) decrease at once, with
 * every decrease held (issue 11: an urgent raise waited 12–15 s behind a refused decrease). A
 * decrease stuck on "missing container memory usage" (the kubelet's quirk after a container restart:
 * every memory decrease of that container is refused, whatever the usage, and CPU changes of the pod
 * wait behind it) is cleared by an increase: the limit goes 1 MiB above what is in force.
 */
function busyResize(rec: ResizeRecommendation, pod: PodView): { skip?: string; rec?: ResizeRecommendation; note?: string; hold?: string } {
  const inForce = Math.max(pod.limits.memBytes, pod.actualLimits?.memBytes ?? 0);
  if (pod.resize.phase === 'error' && MISSING_USAGE_QUIRK.test(pod.resize.message)) {
    const limit = Math.max(rec.limits.memBytes, inForce + MiB);
    return {
      rec: { ...rec, limits: { ...rec.limits, memBytes: limit } },
      note: `the kubelet is stuck on a decrease ("${pod.resize.message}"): raising the memory limit to ${fmt('memBytes', limit)} clears it`,
      hold: 'the stuck resize is being cleared first',
    };
  }
  if (pod.resize.phase !== 'in-progress') return {};
  if (rec.limits.memBytes <= inForce) return { skip: 'a resize is still in progress' };
  return { note: 'a needed memory raise supersedes the resize in progress', hold: 'a resize is in progress; this one only raises' };
}

interface SlowRules {
  readonly stale: boolean;
  /** Why no decrease may go now (a resize being superseded or cleared), if so. */
  readonly hold?: string | undefined;
  /** Age of the pod's newest sample, and the bound past which it is stale. */
  readonly ageS: number;
  readonly staleAfterS: number;
  readonly cooling: (field: ResourceField) => boolean;
  readonly maxDecreaseFraction: number;
  readonly notes: string[];
}

/**
 * One resource through the rails: the hard floor (usage + margin, min bound) and ceiling (max bound,
 * Infeasible) first, then the soft rules on decreases, then the hard bounds once more because they
 * win over the soft rules.
 */
function guardOne(
  r: Res,
  x: { readonly rec: ResizeRecommendation; readonly pod: PodView; readonly mem: PodMemory; readonly cfg: GuardConfig; readonly peak: number; readonly grown: () => number },
  slow: SlowRules,
): { limit: number; request: number; floor: number } {
  const { rec, pod, mem, cfg } = x;
  const notes = slow.notes;
  const lo = cfg.minResources[r];
  const hi = cfg.maxResources[r];
  // The usage floor; when it is above the max bound, the bound wins (said in a note).
  const usageFloor = Math.max(lo, x.peak * (1 + cfg.usageMarginFraction));
  const floor = Math.min(hi, usageFloor);
  let limit = rec.limits[r];
  if (limit < floor) {
    notes.push(`${r} limit raised to the floor ${fmt(r, floor)} (recent peak ${fmt(r, x.peak)} + margin, min bound)`);
    limit = floor;
  }
  if (limit > hi) {
    notes.push(`${r} limit capped at bound ${fmt(r, hi)}`);
    limit = hi;
  }
  if (usageFloor > hi) notes.push(`${r} usage floor ${fmt(r, usageFloor)} is above the max bound ${fmt(r, hi)}`);
  let request = clamp(rec.requests[r], lo, hi);
  const ceiling = requestCeiling(r, pod, mem, lo);
  if (ceiling !== undefined && request > ceiling) {
    notes.push(`${r} request held at ${fmt(r, ceiling)}: the node cannot fit more (Infeasible)`);
    request = ceiling;
  }
  limit = slowDecrease(r, 'limit', limit, pod.limits[r], slow);
  limit = floorDecreaseByGrowth(r, limit, pod.limits[r], { usageFloor, grown: x.grown }, slow);
  // A request the kubelet called Infeasible was never granted: leaving it is not a decrease.
  request = slowDecrease(r, 'request', request, ceiling === undefined ? pod.requests[r] : Math.min(pod.requests[r], ceiling), slow, usageFloor);
  return { limit: clamp(limit, floor, hi), request: clamp(request, lo, hi), floor };
}

/**
 * Decreases wait: not at all on stale metrics, not during the cooldown after that value's raise nor
 * within the decrease interval after any change. Then a limit comes down by at most
 * maxDecreaseFraction per action: a limit is what a returning burst hits. A request may come straight
 * down to the recent peak usage plus margin (a request the pod has been seen to stay under is waste,
 * not protection) and only below that by bounded steps. Increases pass untouched.
 */
function slowDecrease(r: Res, what: 'limit' | 'request', target: number, current: number, s: SlowRules, usageFloor?: number): number {
  if (target >= current) return target;
  if (s.hold !== undefined) {
    s.notes.push(`${r} ${what} not lowered: ${s.hold}`);
    return current;
  }
  if (s.stale) {
    const age = Number.isFinite(s.ageS) ? `newest sample ${Math.round(s.ageS)} s old` : 'no sample yet';
    s.notes.push(`${r} ${what} not lowered: metrics are stale (${age}, bound ${Math.round(s.staleAfterS)} s)`);
    return current;
  }
  if (s.cooling(`${r}.${what}` as ResourceField)) return current;
  const stepped = Math.max(target, current * (1 - s.maxDecreaseFraction));
  return usageFloor === undefined ? stepped : Math.min(stepped, Math.max(target, usageFloor));
}

/**
 * A limit decrease keeps room for the growth the pod's trend allows since its newest sample (usage
 * floor + grown bytes), never rising above the current limit on that account.
 */
function floorDecreaseByGrowth(r: Res, limit: number, current: number, u: { readonly usageFloor: number; readonly grown: () => number }, s: SlowRules): number {
  if (limit >= current) return limit;
  const { usageFloor } = u;
  const grown = u.grown();
  if (grown <= 0) return limit;
  const floor = Math.min(current, usageFloor + grown);
  if (limit >= floor) return limit;
  s.notes.push(`${r} limit decrease floored at ${fmt(r, floor)}: the pod may have grown ${fmt(r, grown)} on its trend since its newest sample, ${Math.round(s.ageS)} s old`);
  return floor;
}

function requestCeiling(r: Res, pod: PodView, mem: PodMemory, lo: number): number | undefined {
  const infeasible = mem.infeasibleRequests?.[r];
  const node = pod.nodeAllocatable?.[r];
  if (infeasible === undefined) return undefined;
  // Infeasible means "more than the node can ever give"; fall back to the largest size that fits,
  // but never below the min bound (a node that cannot fit the minimum is a configuration error).
  return Math.max(lo, Math.min(infeasible * 0.95, node ?? Number.POSITIVE_INFINITY));
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
}

/**
 * Burstable must stay Burstable: if rounding left requests == limits on both resources, open a gap of
 * one unit, preferring to raise a limit (always safe) over lowering a request, and staying in bounds.
 */
function keepBurstable(pod: PodView, next: { requests: Resources; limits: Resources }, cfg: GuardConfig): void {
  if (pod.qos !== 'Burstable' || qosOf(next.requests, next.limits) !== 'Guaranteed') return;
  const unit: Record<Res, number> = { memBytes: MiB, cpuCores: 0.001 };
  const lim: Record<Res, number> = { ...next.limits };
  const req: Record<Res, number> = { ...next.requests };
  const raisable = RESOURCES.find((r) => lim[r] + unit[r] <= cfg.maxResources[r]);
  const lowerable = RESOURCES.find((r) => req[r] - unit[r] >= cfg.minResources[r]);
  if (raisable !== undefined) lim[raisable] = tidy(raisable, lim[raisable] + unit[raisable]);
  else if (lowerable !== undefined) req[lowerable] = tidy(lowerable, req[lowerable] - unit[lowerable]);
  else return; // min == max on both: no Burstable shape exists within the bounds.
  Object.assign(next, { requests: req, limits: lim });
}

/** Undoes float noise after adding a millicore. */
function tidy(r: Res, v: number): number {
  return r === 'cpuCores' ? Math.round(v * 1000) / 1000 : v;
}

/** A raise that brings a limit back up to its usage floor is always worth a resize, hysteresis or not. */
function restoresFloor(pod: PodView, next: Resources, floors: Record<Res, number>): boolean {
  return RESOURCES.some((r) => pod.limits[r] < floors[r] && next[r] > pod.limits[r]);
}

/** A pod stuck on an Infeasible resize gets any feasible change: staying put helps nobody. */
function leavesInfeasible(pod: PodView, next: Resources): boolean {
  return pod.resize.phase === 'infeasible' && RESOURCES.some((r) => next[r] < pod.requests[r]);
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

/** Rounds up to whole MiB and millicores, as quantities are written, without passing the max bound. */
function round(r: Record<Res, number>, max: Resources): Resources {
  return {
    memBytes: Math.min(max.memBytes, Math.ceil(r.memBytes / MiB) * MiB),
    cpuCores: Math.min(max.cpuCores, Math.ceil(r.cpuCores * 1000 - 1e-9) / 1000),
  };
}

function fmt(r: Res, v: number): string {
  return r === 'memBytes' ? `${Math.round(v / MiB)}Mi` : `${Math.round(v * 1000)}m`;
}
