/**
 * Sizing one pod from its track and its class model. Requests aim at expected usage over the horizon
 * (slack is measured against requests); limits carry the ε-headroom for a burst that may start before
 * the next action can land. Limits rise at once and come down slowly (the held value decays with
 * `limitHoldHalfLifeS`); the engine's guards add cooldowns and step limits on top.
 */
import { MiB } from '../../core/resources.js';
import type { PodView } from '../../core/types.js';
import type { ResizeRecommendation } from '../policy.js';
import { blendedMemHeadroom, stateHeadroom, type ClassModel } from '../../../models/burst-model.js';
import { conformalCorrection, knotTail, knotUpper, solveTail } from '../../../models/headroom.js';
import { meanDurationS, pBurstContinues, pRetryContinues, pRetryWithin, pStillInFlight } from '../../../models/tool-loop.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { contextMemoryGrowth, decayed, OOM_MEMORY_HALF_LIFE_S, tailOptions, type PodTrack } from './state.js';

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
  const memLimit = base + Math.max(h.memExcess + ct.correction, ct.oomExcess);
  const memRequest = base * (1 + o.requestMarginFraction);
  const cpuRequest = p.cpu.baselineCores * (1 + o.cpuRequestMarginFraction);
  const cpuLimit = Math.max(h.cpuPeak, cpuRequest);
  const startup = solveTail((x) => knotTail(p.memory.startupPeakBytes, x), o.riskBudget, knotUpper(p.memory.startupPeakBytes));
  if (pod.limits.memBytes >= startup) return undefined;
  return {
    kind: 'resize',
    pod: pod.key,
    requests: { memBytes: memRequest, cpuCores: cpuRequest },
    limits: { memBytes: memLimit, cpuCores: cpuLimit },
    reason: `memory limit ${fmtMem(memLimit)}: new pod, class '${p.agentClass}' prior (baseline ${fmtMem(base)}, burst p${pct(o.riskBudget)} +${fmtMem(h.memExcess)}), ε=${o.riskBudget}; request ${fmtMem(memRequest)} at the prior baseline`,
    inputs: {
      agentClass: p.agentClass,
      state: 'new',
      baseBytes: base,
      headroomBytes: h.memExcess,
      calibrationBytes: ct.correction,
      riskBudget: o.riskBudget,
      cpuPeakCores: h.cpuPeak,
    },
  };
}

/** A pod with history: the full forecast. */
export function sizePod(pod: PodView, t: PodTrack, cm: ClassModel, ct: ClassTick, nowMs: number, o: ResolvedPredictiveOptions): ResizeRecommendation {
  const tl = cm.prior.toolLoop;
  const tail = tailOptions(o);
  const growth = contextMemoryGrowth(t, cm, o);
  const sinceS = Math.max(0, (nowMs - t.lastTMs) / 1000);

  // Tool loop: is the burst of the last state still on (or coming back as a retry) when we land?
  let pBurst = 0;
  let headroom: number;
  const head = stateHeadroom(cm, t.lastState, tail);
  const pRetry = t.runLen > 0 ? pRetryWithin(pRetryContinues(cm.retry, tl.pRetryContinues, tl.weight), t.runLen - 1, o.horizonS, tl.retryBackoffS, tl.retryBackoffFactor) : 0;
  if (t.lastState !== 'idle') {
    const meanS = meanDurationS(cm.tools.get(t.lastState), tl.meanDurationS[t.lastState] ?? tl.meanDurationS['*'] ?? 1, tl.weight);
    pBurst = pBurstContinues(pStillInFlight(meanS, sinceS), pRetry);
    headroom = head.memExcess;
  } else if (pRetry > 0 && t.runState !== 'idle') {
    pBurst = pRetry;
    headroom = blendedMemHeadroom(cm, t.runState, pRetry, tail);
  } else {
    headroom = head.memExcess;
  }

  const podBurst = decayed(t.maxExcess, t.maxExcessAtMs, nowMs, o.limitHoldHalfLifeS);
  const model = t.base + growth.upper + headroom + ct.correction;
  const floorUsage = t.lastMem * (1 + o.usageMarginFraction);
  let target = Math.max(model, t.base + ct.oomExcess, t.base + podBurst * (1 + o.usageMarginFraction), floorUsage);
  const binding = target === model ? 'model' : target === floorUsage ? 'usage' : target === t.base + ct.oomExcess ? 'oom-memory' : 'pod-burst';

  // Raise at once; lower slowly: the held limit decays towards the target.
  const held = t.heldMem > 0 ? target + Math.max(0, decayed(t.heldMem - target, t.heldAtMs, nowMs, o.limitHoldHalfLifeS)) : target;
  if (target >= held || t.heldMem === 0) {
    t.heldMem = target;
    t.heldAtMs = nowMs;
  } else target = held;
  const memLimit = target;

  // Requests follow the baseline (which bursts lift little), not the raw level: a request raised for a
  // 2 s burst would sit there through the downscale cooldown, all slack.
  const expected = t.base + growth.expected;
  let memRequest = expected * (1 + o.requestMarginFraction);
  if (t.lastState === 'idle') memRequest = Math.max(memRequest, t.lastMem);
  memRequest = Math.min(memRequest, memLimit);

  const cpuRequest = Math.max(t.cpuLevel * (1 + o.cpuRequestMarginFraction), 0.001);
  const cpuTarget = Math.max(head.cpuPeak, t.lastCpu * (1 + o.usageMarginFraction), cpuRequest);
  const cpuHeld = t.heldCpu > 0 ? cpuTarget + Math.max(0, decayed(t.heldCpu - cpuTarget, t.heldAtMs, nowMs, o.limitHoldHalfLifeS)) : cpuTarget;
  const cpuLimit = Math.max(cpuTarget, cpuHeld);
  t.heldCpu = cpuLimit;

  const state = t.lastState === 'idle' ? (pRetry > 0 ? `idle in a retry run of ${t.runState}` : 'idle') : `tool ${t.lastState} in flight`;
  const reason =
    `memory limit ${fmtMem(memLimit)}: ${state}, p(burst) ${pBurst.toFixed(2)}, class ${t.agentClass} burst p${pct(o.riskBudget)} +${fmtMem(headroom)}` +
    (ct.correction > 0 ? `, calibration +${fmtMem(ct.correction)}` : '') +
    (growth.upper > 0 ? `, context growth +${fmtMem(growth.upper)}` : '') +
    `, ε=${o.riskBudget}, headroom +${Math.round(((memLimit - t.base) / Math.max(t.base, 1)) * 100)}% over baseline ${fmtMem(t.base)}` +
    (binding !== 'model' ? ` (held by ${binding})` : '') +
    `; request ${fmtMem(memRequest)} at expected usage; cpu ${fmtCpu(cpuRequest)}/${fmtCpu(cpuLimit)}`;
  return {
    kind: 'resize',
    pod: pod.key,
    requests: { memBytes: memRequest, cpuCores: Math.min(cpuRequest, cpuLimit) },
    limits: { memBytes: memLimit, cpuCores: cpuLimit },
    reason,
    inputs: {
      agentClass: t.agentClass,
      state: t.lastState,
      pBurst,
      baseBytes: t.base,
      levelBytes: t.level,
      headroomBytes: headroom,
      calibrationBytes: ct.correction,
      contextGrowthBytes: growth.upper,
      bytesPerToken: growth.slope,
      oomMemoryBytes: ct.oomExcess,
      podBurstBytes: podBurst,
      lastUsageBytes: t.lastMem,
      riskBudget: o.riskBudget,
      binding,
      cpuPeakCores: head.cpuPeak,
    },
  };
}

function fmtMem(b: number): string {
  return b >= 1024 * MiB ? `${(b / (1024 * MiB)).toFixed(2)}Gi` : `${Math.round(b / MiB)}Mi`;
}

function fmtCpu(c: number): string {
  return `${Math.round(c * 1000)}m`;
}

function pct(eps: number): string {
  return String(Number(((1 - eps) * 100).toFixed(2)));
}
