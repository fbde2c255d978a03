/**
 * Sizing one pod from its track and its class model. Requests aim at expected usage over the horizon
 * (slack is measured against requests); limits carry the ε-headroom for a burst that may start before
 * the next action can land. Limits rise at once and come down slowly (the held value decays with
 * `limitHoldHalfLifeS`); the engine's guards add cooldowns and step limits on top.
 */
import type { PodView } from '../../core/types.js';
import type { ResizeRecommendation } from '../policy.js';
import { blendedMemHeadroom, memExcessTail, startupLimit, stateHeadroom, type ClassModel } from '../../../models/burst-model.js';
import { conformalCorrection } from '../../../models/headroom.js';
import { meanDurationS, pBurstContinues, pRetryContinues, pRetryWithin, pStillInFlight } from '../../../models/tool-loop.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { contextMemoryGrowth } from './context-forecast.js';
import { oomShare } from './oom-share.js';
import { memoryOnlyForecast, soloHeadroom } from './memory-only.js';
import { decayed, tailOptions, type PodTrack } from './state.js';
import { OOM_BUMP, OOM_MEMORY_HALF_LIFE_S } from './oom-notes.js';
import { effectiveMemRequest, type ClassPricing, type PackingNumbers } from './effective-request.js';
import { describe, fmtMem, pct } from './reason-text.js';
import { hintedIdleHeadroom, hintedIdleTail } from './hint.js';
import { materialChanges, type Materiality } from './write-budget.js';

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

/** The numbers behind one pod's sizing, before they are worded. */
export interface Sizing {
  readonly memLimit: number;
  readonly memRequest: number;
  readonly cpuLimit: number;
  readonly cpuRequest: number;
  readonly pBurst: number;
  readonly pRetry: number;
  readonly headroom: number;
  readonly growthUpper: number;
  readonly slope: number;
  readonly podBurst: number;
  readonly binding: string;
  readonly cpuPeak: number;
  /** Why OOM memory holds the limit, when it does. */
  readonly oomNote: string;
  /** The memory-only trend's growth, when the pod has no agent series and ramps. */
  readonly trendNote: string;
  /** Request increases held back so a limit raise can land first. */
  readonly sequenced?: boolean;
  /** Idle with tool calls hinted: the headroom is what a hinted call leaves to the limit (hint.ts). */
  readonly hinted?: boolean;
  /** How the requests were priced on the node, when its size is known. */
  readonly effective?: EffectiveNumbers;
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
export function planPod(pod: PodView, t: PodTrack, cm: ClassModel, ct: ClassTick, nowMs: number, o: ResolvedPredictiveOptions, pricing: ClassPricing | undefined): PodPlan | undefined {
  const z = withinNode(pricing, sequenceForNode(pod, t, creationFloor(pod, t, forecastPod(t, cm, ct, nowMs, o, pricing))));
  const m = materialChanges(pod, z, {
    usageBytes: t.lastMem,
    usageMargin: o.usageMarginFraction,
    cpuCores: t.lastCpu,
    riskAtCurrent: riskAtLimit(pod, t, cm, ct, z, o),
    eps: o.riskBudget,
    ageS: Math.max(0, (t.lastTMs - t.firstTMs) / 1000),
    worthNodeSeconds: o.writeWorthNodeSeconds,
    ...(pricing ? { node: { memBytes: pricing.mem.node.capacity, cpuCores: pricing.cpuCapacity } } : {}),
  });
  if (!m) return undefined;
  return { pod, t, z: { ...z, ...m.targets }, m, pricing, notes: [] };
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
  const room = limit - t.base - z.growthUpper - ct.correction;
  const state = t.lastState !== 'idle' ? t.lastState : z.pRetry > 0 && t.runState !== 'idle' ? t.runState : 'idle';
  const key = cm.prior.memory.excessBytes[state] !== undefined || cm.strata.has(state) ? state : '*';
  const p = ((z.hinted === true ? hintedIdleTail(cm, o) : undefined) ?? memExcessTail(cm, key, o.priorFloorWeight))(room);
  // Evidence beyond the model (an OOM the class remembers, this pod's own largest burst) says the limit is short.
  return z.binding === 'model' || z.binding === 'usage' ? p : 1;
}

/** Whether a plan still changes anything after the budgets held parts of it. */
export function planChanges(p: PodPlan): boolean {
  const { pod, z } = p;
  return z.memLimit !== pod.limits.memBytes || z.memRequest !== pod.requests.memBytes || z.cpuLimit !== pod.limits.cpuCores || z.cpuRequest !== pod.requests.cpuCores;
}

/** The recommendation a plan becomes, with its reason naming every number that bounds it. */
export function recommendationOf(p: PodPlan, ct: ClassTick, o: ResolvedPredictiveOptions): ResizeRecommendation {
  const { t, z } = p;
  const notes = p.notes.length > 0 ? `; ${p.notes.join('; ')}` : '';
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

function forecastPod(t: PodTrack, cm: ClassModel, ct: ClassTick, nowMs: number, o: ResolvedPredictiveOptions, pricing: ClassPricing | undefined): Sizing {
  const tl = cm.prior.toolLoop;
  const tail = tailOptions(o);
  const growth = contextMemoryGrowth(t, cm, o);

  // Tool loop: is the burst of the last state still on (or coming back as a retry) when we land?
  const head = stateHeadroom(cm, t.lastState, tail);
  const pRetry = t.runLen > 0 ? pRetryWithin(pRetryContinues(cm.retry, tl.pRetryContinues, tl.weight), t.runLen - 1, o.horizonS, tl.retryBackoffS, tl.retryBackoffFactor) : 0;
  let pBurst = 0;
  let headroom = head.memExcess;
  if (t.lastState !== 'idle') {
    const meanS = meanDurationS(cm.tools.get(t.lastState), tl.meanDurationS[t.lastState] ?? tl.meanDurationS['*'] ?? 1, tl.weight);
    pBurst = pBurstContinues(pStillInFlight(meanS, Math.max(0, (nowMs - t.lastTMs) / 1000)), pRetry);
  } else if (pRetry > 0 && t.runState !== 'idle') {
    pBurst = pRetry;
    headroom = blendedMemHeadroom(cm, t.runState, pRetry, tail);
  }
  // Idle with tool calls hinted: a call's burst is announced and raised for, so the limit holds only
  // what the hint leaves (its first seconds, and the calls whose hint is lost).
  const hintedHead = t.lastState === 'idle' && pBurst === 0 ? hintedIdleHeadroom(cm, o) : undefined;
  const hinted = hintedHead !== undefined && hintedHead < headroom;
  if (hinted) headroom = hintedHead;

  const podBurst = t.maxExcess > 0 ? decayed(t.maxExcess, t.maxExcessAtMs, nowMs, o.limitHoldHalfLifeS) : 0;
  // No agent series: the pod's own memory trend over the horizon plus the staleness, and a cold-start
  // headroom bounded by its own baseline rather than the class's agent-session tail (memory-only.ts).
  const solo = memoryOnlyForecast(t, nowMs, o.horizonS);
  if (solo !== undefined) headroom = soloHeadroom(headroom, t.base);
  const model = t.base + growth.upper + headroom + ct.correction;
  const floorUsage = t.lastMem * (1 + o.usageMarginFraction);
  const oom = oomShare(ct.oomExcess, t.lastOomAtMs > 0, t.base, cm.oomBaseBytes ?? 0);
  const ramp = solo !== undefined && solo.growth > 0 ? solo.usageAtLanding * (1 + o.usageMarginFraction) : 0;
  const target = Math.max(model, t.base + oom.bytes, t.base + podBurst * (1 + o.usageMarginFraction), floorUsage, ramp);
  const binding =
    target === model ? 'model' : target === floorUsage ? 'usage' : target === ramp ? 'memory-trend' : target === t.base + oom.bytes ? 'oom-memory' : 'pod-burst';
  const memLimit = hold(t, 'mem', target, nowMs, o.limitHoldHalfLifeS);

  // Requests follow the baseline (which bursts lift little), not the raw level: a request raised for a
  // 2 s burst would sit there through the downscale cooldown, all slack.
  // With the node's size known, the request is the pod's effective memory on it (effective-request.ts):
  // what makes a node full of requests overflow with probability ≤ ε_node. Without it, expected usage.
  const effective = pricing ? effectiveNumbers(pricing, t.base + growth.expected) : undefined;
  let memRequest = effective ? effective.memRequest : (t.base + growth.expected) * (1 + o.requestMarginFraction);
  if (!effective && t.lastState === 'idle') memRequest = Math.max(memRequest, t.lastMem);
  memRequest = Math.min(memRequest, memLimit);

  // CPU limits cost no slack (slack is against requests) and over-limit CPU is only throttled, so the
  // limit stands at the class's any-state peak rather than following the tool in flight: a limit that
  // toggles with every test run would restart the downscale cooldown that memory requests wait on.
  const cpuRequest = Math.max(effective?.cpuRequest ?? t.cpuLevel * (1 + o.cpuRequestMarginFraction), 0.001);
  const cpuStanding = Math.max(head.cpuPeak, stateHeadroom(cm, '*', tail).cpuPeak);
  // Without agent series the class's standing peak says nothing about this pod: its own peak does.
  const cpuFloorLimit = solo !== undefined ? Math.min(cpuStanding, solo.cpuLimit) : cpuStanding;
  const cpuLimit = hold(t, 'cpu', Math.max(cpuFloorLimit, t.lastCpu * (1 + o.usageMarginFraction), cpuRequest), nowMs, o.limitHoldHalfLifeS);
  return {
    memLimit,
    memRequest,
    cpuLimit,
    cpuRequest: Math.min(cpuRequest, cpuLimit),
    pBurst,
    pRetry,
    headroom,
    growthUpper: growth.upper,
    slope: growth.slope,
    podBurst,
    binding,
    cpuPeak: head.cpuPeak,
    oomNote: oom.note,
    ...(hinted ? { hinted } : {}),
    trendNote: solo !== undefined && solo.growth > 0 ? `memory trend +${fmtMem(solo.growth)} (${fmtMem(solo.slope)}/s over ${Math.round(solo.horizonS)} s, no agent series)` : '',
    effective,
  };
}

/** The numbers behind an effective request, for the reason and the inputs. */
export interface EffectiveNumbers {
  readonly memRequest: number;
  readonly alpha: number;
  readonly scale: number;
  readonly s: number;
  readonly nodeMemBytes: number;
  readonly cpuRequest?: number;
  readonly packing: PackingNumbers;
}

function effectiveNumbers(p: ClassPricing, baseBytes: number): EffectiveNumbers {
  return {
    memRequest: effectiveMemRequest(p, baseBytes),
    alpha: baseBytes + p.mem.alphaExcess,
    scale: p.mem.scale,
    s: p.mem.s,
    nodeMemBytes: p.mem.node.capacity,
    cpuRequest: p.cpu?.request,
    packing: p.packing,
  };
}

/** Raise at once; lower slowly: the held limit decays towards a lower target with the given half-life. */
function hold(t: PodTrack, r: 'mem' | 'cpu', target: number, nowMs: number, halfLifeS: number): number {
  const held = r === 'mem' ? t.heldMem : t.heldCpu;
  const at = r === 'mem' ? t.heldAtMs : t.heldCpuAtMs;
  const value = held > target ? target + decayed(held - target, at, nowMs, halfLifeS) : target;
  if (value >= held || held === 0 || value === target) {
    if (r === 'mem') {
      t.heldMem = value;
      t.heldAtMs = nowMs;
    } else {
      t.heldCpu = value;
      t.heldCpuAtMs = nowMs;
    }
  }
  return value;
}
