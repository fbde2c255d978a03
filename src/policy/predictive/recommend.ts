/**
 * From one pod's forecast (forecast-pod.ts) to its plan: the creation floor, the node's size as a cap,
 * request raises sequenced behind a limit raise, the materiality filter (write-budget.ts), and the
 * recommendation with its reason. Also the class's per-tick numbers and a new pod's first sizing.
 * Requests aim at expected usage over the horizon (slack is measured against requests); limits carry
 * the ε-headroom; the engine's guards add cooldowns and step limits on top.
 */
import type { PodView } from '../../core/types.js';
import type { ResizeRecommendation } from '../policy.js';
import { memExcessTail, startupLimit, stateHeadroom, type ClassModel } from '../../../models/burst-model.js';
import { conformalCorrection } from '../../../models/headroom.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { decayed, tailOptions, type PodTrack } from './state.js';
import { OOM_BUMP, OOM_MEMORY_HALF_LIFE_S } from './oom-notes.js';
import type { ClassPricing } from './effective-request.js';
import { describe, fmtMem, pct } from './reason-text.js';
import { hintedIdleTail } from './hint.js';
import { materialChanges, type Materiality } from './write-budget.js';
import { carriedSessionLimit, SESSION_LIMIT_MARGIN, SHORT_DECREASE_FRACTION, sessionLimit, sessionPeakExcess, writeGoesAnyway } from './short-sessions.js';
import { ADMIT_WARM_OUTCOMES, priceHasKillEvidence } from './admit.js';
import { forecastPod, type EffectiveNumbers, type Sizing } from './forecast-pod.js';

/** Per-class numbers computed once per recommend call. */
export interface ClassTick {
  readonly correction: number;
  readonly oomExcess: number;
}

export function classTick(cm: ClassModel, nowMs: number, o: ResolvedPredictiveOptions): ClassTick {
  return {
    correction: conformalCorrection(cm.residuals, o.riskBudget, o.calibrationPriorN),
    oomExcess: decayed(cm.oomExcessBytes, cm.oomAtMs, nowMs, OOM_MEMORY_HALF_LIFE_S),
  };
}

/**
 * A pod with no samples yet, sized from its class prior alone (idle state). Returns nothing when the
 * pod's current limit already covers the class's start-up peak at the risk budget: until its first
 * sampled action lands the pod is starting, and start-up peaks are far below steady-state bursts. The
 * engine cannot lower requests without fresh metrics and any change starts its downscale cooldown,
 * so an early action that is not needed for safety would cost the request decrease that the first
 * sampled tick can make.
 */
export function sizeNewPod(pod: PodView, cm: ClassModel, ct: ClassTick, o: ResolvedPredictiveOptions): ResizeRecommendation | undefined {
  const p = cm.prior;
  const h = stateHeadroom(cm, 'idle', tailOptions(o));
  const base = p.memory.baselineBytes;
  const priorLimit = base + Math.max(h.memExcess + ct.correction, ct.oomExcess);
  // The limit raise is the point of acting early; it must not wait on room for a request increase.
  const memRequest = Math.min(base * (1 + o.requestMarginFraction), pod.requests.memBytes > 0 ? pod.requests.memBytes : Infinity);
  const cpuRequest = Math.min(p.cpu.baselineCores * (1 + o.cpuRequestMarginFraction), pod.requests.cpuCores > 0 ? pod.requests.cpuCores : Infinity);
  const cpuLimit = Math.max(h.cpuPeak, cpuRequest);
  // A pod OOM-killed before its first sample needs more than it had, whatever the statistics say.
  const killed = pod.restarts > 0 && pod.lastOomAtMs !== undefined ? pod.limits.memBytes * OOM_BUMP : 0;
  const startup = Math.max(startupLimit(cm, o.riskBudget), killed);
  if (pod.limits.memBytes >= startup) return undefined;
  const memLimit = Math.max(priorLimit, startup * (1 + o.usageMarginFraction));
  return {
    kind: 'resize',
    pod: pod.key,
    requests: { memBytes: memRequest, cpuCores: cpuRequest },
    limits: { memBytes: memLimit, cpuCores: cpuLimit },
    reason:
      `memory limit ${fmtMem(memLimit)}: new pod, class '${p.agentClass}' prior (baseline ${fmtMem(base)}, burst p${pct(o.riskBudget)} +${fmtMem(h.memExcess)}), ` +
      `start-up needs ${fmtMem(startup)}${killed > 0 ? ' (killed before its first sample)' : ''}, ε=${o.riskBudget}; request ${fmtMem(memRequest)}`,
    inputs: {
      agentClass: p.agentClass,
      state: 'new',
      baseBytes: base,
      headroomBytes: h.memExcess,
      calibrationBytes: ct.correction,
      riskBudget: o.riskBudget,
      cpuPeakCores: h.cpuPeak,
      startupBytes: startup,
    },
  };
}


/** One pod's plan: targets after the materiality filter, before the node and write budgets. */
export interface PodPlan {
  readonly pod: PodView;
  readonly t: PodTrack;
  z: Sizing;
  readonly m: Materiality;
  readonly pricing: ClassPricing | undefined;
  /** Why the node budget changed the plan, or what it checked. */
  readonly notes: string[];
}

/**
 * A pod with history: the full forecast, reduced to its material changes (write-budget.ts). Returns
 * nothing when no change is material: the write would buy neither safety nor nodes.
 */
export function planPod(pod: PodView, t: PodTrack, cm: ClassModel, ct: ClassTick, nowMs: number, o: ResolvedPredictiveOptions, pricing: ClassPricing | undefined, shortLengthS?: number): PodPlan | undefined {
  const short = shortLengthS !== undefined;
  const forecast = forecastPod(t, cm, ct, nowMs, o, pricing);
  // Only in a short-session class does a sibling's kill ride (siblingOomRides): on claude-code-local-model
  // (hour-long copies of one session) the twin of a killed pod met the same spike before its next write
  // (4x8Gi ×4 --cv 5: 3.8 → 5.7 disruptions per 100 pod-hours when every class's siblings waited).
  const f = !short && forecast.oomSource === 'class' ? { ...forecast, oomSource: 'class-urgent' as const } : forecast;
  // The plan's steps, in order: the creation floor, the cold cap, sequencing on a full node, the node's size.
  const floored = creationFloor(pod, t, f);
  const capped = coldRequestCap(pod, t, cm, o, short, floored);
  const z = withinNode(pricing, sequenceForNode(pod, t, capped));
  const m = materialChanges(pod, z, {
    usageBytes: t.lastMem,
    baseBytes: t.base,
    usageMargin: o.usageMarginFraction,
    cpuCores: t.lastCpu,
    riskAtCurrent: riskAtLimit(pod, t, cm, ct, z, o),
    eps: o.riskBudget,
    ageS: Math.max(0, (t.lastTMs - t.firstTMs) / 1000),
    worthNodeSeconds: o.writeWorthNodeSeconds,
    carryLimitUp: siblingOomRides(z),
    ...(shortLengthS !== undefined && priceHasKillEvidence(cm) ? { decreaseFraction: SHORT_DECREASE_FRACTION } : {}),
    ...(pricing ? { node: { memBytes: pricing.mem.node.capacity, cpuCores: pricing.cpuCapacity } } : {}),
  });
  if (!m) return undefined;
  if (m.targets.memLimit > pod.limits.memBytes) t.limitRaised = true;
  const session = shortLengthS === undefined ? undefined : withSessionLimit(pod, t, cm, ct, z, m, o, pricing, shortLengthS);
  return session ?? { pod, t, z: { ...z, ...m.targets }, m, pricing, notes: [] };
}

/**
 * A pod whose class's sessions are short gets one limit for its session (short-sessions.ts): a write
 * that goes anyway carries its limit up to the session limit, so the pod's rising baseline and its next
 * tool call need no raise of their own; a raise alone that the guards would drop stays as it was
 * (`writeGoesAnyway`). Capped by the node; a limit coming down stops at the session limit.
 */
function withSessionLimit(pod: PodView, t: PodTrack, cm: ClassModel, ct: ClassTick, z: Sizing, m: Materiality, o: ResolvedPredictiveOptions, pricing: ClassPricing | undefined, shortLengthS: number): PodPlan | undefined {
  const current = pod.limits.memBytes;
  const goes = writeGoesAnyway(current, m.targets.memLimit, current < t.lastMem * (1 + 2 * o.usageMarginFraction), m.fields);
  const session = Math.min(sessionLimit(t.base + z.growthUpper + ct.correction, sessionPeakExcess(cm, tailOptions(o))), pricing ? pricing.mem.node.capacity : Infinity);
  const memLimit = goes ? carriedSessionLimit(current, m.targets.memLimit, session) : undefined;
  if (memLimit === undefined) return undefined;
  const note = `session limit ${fmtMem(session)} (largest ε-burst of any state + ${Math.round(SESSION_LIMIT_MARGIN * 100)} %: the class's sessions end within ${Math.round(shortLengthS)} s, before a write token)`;
  const fields = memLimit > current && m.targets.memLimit <= current ? [...m.fields.filter((f) => f !== 'memory limit down'), 'memory limit up to the session limit (carried)'] : m.fields.filter((f) => memLimit < current || f !== 'memory limit down');
  return { pod, t, z: { ...z, ...m.targets, memLimit, sessionNote: note }, m: { ...m, targets: { ...m.targets, memLimit }, fields }, pricing, notes: [] };
}

/**
 * A memory limit is not lowered below the one the pod was created with (the template's, or admission's
 * from the class model, which is never below the template's: admit.ts) while that limit is within
 * CREATED_LIMIT_TRUST × the model's target. A lower limit buys no node (the scheduler never sees limits),
 * and the target of a young pod comes from the class's prior tail, which out of sample is short: a limit
 * cut 2Gi → 1.5Gi by the write that raised a pod's CPU request, ten seconds after it started, was what a
 * 2.1Gi spike of that pod hit (mini-swe-agent, 4x8Gi ×4, --cv 5). A created limit many times the target
 * (a 12Gi template for a 200Mi agent) is slack, not evidence: it still comes down, slowly (guards), to
 * that multiple of the target, so the node budget gets it back.
 */
export const CREATED_LIMIT_TRUST = 2;

function creationFloor(pod: PodView, t: PodTrack, z: Sizing): Sizing {
  if (t.createdMemLimit === 0) t.createdMemLimit = pod.limits.memBytes;
  const floor = Math.min(t.createdMemLimit, pod.limits.memBytes, z.memLimit * CREATED_LIMIT_TRUST);
  return z.memLimit >= floor ? z : { ...z, memLimit: floor, binding: 'created-limit' };
}

/**
 * The cold cap of admission (admit.ts ADMIT_WARM_OUTCOMES) held for live pods of a short-session class
 * whose price stands on a kill the run has seen (priceHasKillEvidence): while the class has few outcomes,
 * a pod whose request covers what it uses is not raised to the price. After mini-swe-agent's one kill
 * (4x8Gi ×4 --cv 5, fold 4) the cold class was priced at ~2.1Gi and its pods of ~200Mi were raised to it
 * 30 s later, then lowered again as the price fell; admission had held its pods at the template. A pod
 * using more than its request is still raised. Held for every cold class, it cost claude-code-local-model
 * one disruption at 16x14Gi ×4 --cv 5 (16.3 → 19.5 per 100 pod-hours) and agentcgroup-haiku writes at
 * 4x8Gi ×4 (20.4 → 25.6).
 */
function coldRequestCap(pod: PodView, t: PodTrack, cm: ClassModel, o: ResolvedPredictiveOptions, short: boolean, z: Sizing): Sizing {
  const hold = coldCapHolds({ short, killEvidence: priceHasKillEvidence(cm), folds: cm.folds, requestBytes: pod.requests.memBytes, targetBytes: z.memRequest, usageBytes: Math.max(t.lastMem, t.base) * (1 + o.requestMarginFraction) });
  return hold ? { ...z, memRequest: pod.requests.memBytes } : z;
}

/** Whether a live pod's request raise is held by the cold cap (coldRequestCap). */
export function coldCapHolds(c: { short: boolean; killEvidence: boolean; folds: number; requestBytes: number; targetBytes: number; usageBytes: number }): boolean {
  return c.short && c.killEvidence && c.folds < ADMIT_WARM_OUTCOMES && c.targetBytes > c.requestBytes && c.requestBytes >= c.usageBytes;
}

/** Limits above the node's allocatable mean nothing (the node runs out first): cap the targets there. */
function withinNode(pricing: ClassPricing | undefined, z: Sizing): Sizing {
  if (!pricing) return z;
  const mem = pricing.mem.node.capacity;
  const cpu = pricing.cpuCapacity;
  return { ...z, memLimit: Math.min(z.memLimit, mem), cpuLimit: Math.min(z.cpuLimit, cpu), cpuRequest: Math.min(z.cpuRequest, cpu) };
}

/**
 * P(the pod passes the limit in force within the horizon) under the model the target came from: the
 * excess tail of its state (blended when idle in a retry run) beyond limit − base − growth − calibration.
 */
function riskAtLimit(pod: PodView, t: PodTrack, cm: ClassModel, ct: ClassTick, z: Sizing, o: ResolvedPredictiveOptions): number {
  const limit = pod.actualLimits?.memBytes ?? pod.limits.memBytes;
  if (limit >= z.memLimit) return 0;
  const { tail, offset } = limitRisk(t, cm, ct, z, o);
  // Evidence beyond the model (this pod's own OOM kill, its own largest burst) says the limit is short.
  // A sibling's kill is the class's evidence, not this pod's: its share rides with a write that goes
  // anyway (siblingOomRides), and on its own the pod's model risk decides.
  if (siblingOomRides(z)) return tail(limit - offset);
  return z.binding === 'model' || z.binding === 'usage' ? tail(limit - offset) : 1;
}

/** The model's risk at a limit: P(excess > limit − offset), offset = baseline + context growth + calibration. */
function limitRisk(t: PodTrack, cm: ClassModel, ct: ClassTick, z: Sizing, o: ResolvedPredictiveOptions): { tail: (room: number) => number; offset: number } {
  const state = t.lastState !== 'idle' ? t.lastState : z.pRetry > 0 && t.runState !== 'idle' ? t.runState : 'idle';
  const key = cm.prior.memory.excessBytes[state] !== undefined || cm.strata.has(state) ? state : '*';
  const tail = (z.hinted === true ? hintedIdleTail(cm, o) : undefined) ?? memExcessTail(cm, key, o.priorFloorWeight);
  return { tail, offset: t.base + z.growthUpper + ct.correction };
}

/**
 * A limit held up by a sibling's OOM kill (oom-share.ts) alone is raised with a write that goes anyway
 * (a request or CPU change, a raise the model itself asks for), not by a write of its own. One kill
 * otherwise raised every live sibling's limit at once, a write each, and most of those pods were written
 * again within a tick or two for their requests (mini-swe-agent, 4x8Gi ×4 --cv 5, fold 4: 6 limit-raise
 * writes at t = 180 s, the same 6 pods' request raises at t = 210 s). The killed pod's own raise stays
 * urgent.
 */
export function siblingOomRides(z: Pick<Sizing, 'binding' | 'oomSource'>): boolean {
  return z.binding === 'oom-memory' && z.oomSource === 'class';
}

/** Whether a plan still changes anything after the budgets held parts of it. */
export function planChanges(p: PodPlan): boolean {
  const { pod, z } = p;
  return z.memLimit !== pod.limits.memBytes || z.memRequest !== pod.requests.memBytes || z.cpuLimit !== pod.limits.cpuCores || z.cpuRequest !== pod.requests.cpuCores;
}

/** The recommendation a plan becomes, with its reason naming every number that bounds it. */
export function recommendationOf(p: PodPlan, ct: ClassTick, o: ResolvedPredictiveOptions): ResizeRecommendation {
  const { t, z } = p;
  const notes = [...(z.sessionNote !== undefined ? [z.sessionNote] : []), ...p.notes].map((n) => `; ${n}`).join('');
  return {
    kind: 'resize',
    pod: p.pod.key,
    requests: { memBytes: z.memRequest, cpuCores: z.cpuRequest },
    limits: { memBytes: z.memLimit, cpuCores: z.cpuLimit },
    reason: `${describe(t, z, ct, o)}; writes: ${p.m.fields.join(', ')}${notes}`,
    inputs: {
      agentClass: t.agentClass,
      state: t.lastState,
      pBurst: z.pBurst,
      baseBytes: t.base,
      levelBytes: t.level,
      headroomBytes: z.headroom,
      calibrationBytes: ct.correction,
      contextGrowthBytes: z.growthUpper,
      bytesPerToken: z.slope,
      oomMemoryBytes: ct.oomExcess,
      podBurstBytes: z.podBurst,
      lastUsageBytes: t.lastMem,
      riskBudget: o.riskBudget,
      binding: z.binding,
      cpuPeakCores: z.cpuPeak,
      requestsHeld: z.sequenced === true,
      ...(z.hinted === true ? { hintLossRate: o.hintLossRate } : {}),
      ...(z.effective ? effectiveInputs(z.effective, o) : {}),
    },
  };
}

function effectiveInputs(e: EffectiveNumbers, o: ResolvedPredictiveOptions): Record<string, number> {
  return {
    effectiveMemBytes: e.memRequest,
    effectiveAlphaBytes: e.alpha,
    chernoffScale: e.scale,
    chernoffS: e.s,
    nodeMemBytes: e.nodeMemBytes,
    nodeRiskBudget: o.nodeRiskBudget,
    ...(e.cpuRequest !== undefined ? { effectiveCpuCores: e.cpuRequest, cpuNodeRiskBudget: o.cpuNodeRiskBudget } : {}),
  };
}

/**
 * A resize is admitted or Deferred as a whole, and only a request increase can be Deferred (the node's
 * other pods hold the room). So an urgent memory-limit raise (more than URGENT_RAISE_FRACTION short)
 * never travels with a request increase: it goes alone (requests held at the spec, which the kubelet
 * has allocated) and the requests follow on a later tick; small raises travel together, so a limit
 * that creeps up with context growth does not starve the requests. While a resize is Deferred,
 * requests go back to what was last allocated, so the limit part can land.
 */
function sequenceForNode(pod: PodView, t: PodTrack, z: Sizing): Sizing {
  if (pod.resize.phase === 'none') {
    t.allocatedMemRequest = pod.requests.memBytes;
    t.allocatedCpuRequest = pod.requests.cpuCores;
  }
  const actualLimit = pod.actualLimits?.memBytes ?? pod.limits.memBytes;
  const deferred = pod.resize.phase === 'deferred';
  if (!deferred && actualLimit >= z.memLimit * (1 - URGENT_RAISE_FRACTION)) return z;
  const memCap = deferred ? (t.allocatedMemRequest ?? pod.requests.memBytes) : pod.requests.memBytes;
  const cpuCap = deferred ? (t.allocatedCpuRequest ?? pod.requests.cpuCores) : pod.requests.cpuCores;
  if (z.memRequest <= memCap && z.cpuRequest <= cpuCap) return z;
  return { ...z, memRequest: Math.min(z.memRequest, memCap), cpuRequest: Math.min(z.cpuRequest, cpuCap), sequenced: true };
}

/** A limit short of its target by more than this is urgent and goes alone; smaller raises travel with requests. */
export const URGENT_RAISE_FRACTION = 0.1;
