/**
 * A pre-tool hint, sized: the agent says tool T is about to start, so the pod needs the class's burst
 * tail for T now, not after the scrape, fetch and tick that would otherwise notice it. Only limits move:
 * a limit raise is never Deferred (a request increase can be, and would hold the raise back with it),
 * and requests keep their scheduler meaning (effective memory) set by the tick.
 */
import type { PodView } from '../../core/types.js';
import type { ResizeRecommendation, ToolHint } from '../policy.js';
import { memExcessTail, stateHeadroom, type ClassModel } from '../../../models/burst-model.js';
import { knotUpper, solveTail } from '../../../models/headroom.js';
import { histogramUpper } from '../../../models/log-histogram.js';
import { HINTED_IDLE } from '../../../models/fit/fit-prior.js';
import { knotsFor } from '../../../models/priors/index.js';
import { toolCategory } from '../../../models/tool-loop.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { contextMemoryGrowth } from './context-forecast.js';
import type { ClassTick } from './recommend.js';
import { fmtMem } from './reason-text.js';
import { CPU_LIMIT_RAISE_FRACTION, LIMIT_RISK_FACTOR } from './write-budget.js';
import { nodeOf } from './budgets.js';
import { tailOptions, type PodTrack } from './state.js';

/**
 * The limits that hold `hint.tool`'s burst at the risk budget, or undefined when the pod's limits already
 * hold it well enough that a write would not change the risk materially.
 */
export function hintRecommendation(
  pod: PodView,
  t: PodTrack | undefined,
  cm: ClassModel,
  ct: ClassTick,
  hint: ToolHint,
  o: ResolvedPredictiveOptions,
): ResizeRecommendation | undefined {
  // The tick folds scraped samples by tool category (a sub-agent's "Task+Bash:test" is Bash:test): the hint
  // must ask the same stratum, or a wrapped tool would fall back to the any-tool tail.
  const state = toolCategory(hint.tool);
  const head = stateHeadroom(cm, state, tailOptions(o));
  const sampled = t !== undefined && t.samples > 0;
  const base = sampled ? t.base : cm.prior.memory.baselineBytes;
  const growth = sampled ? contextMemoryGrowth(t, cm, o).upper : 0;
  // Limits above the node's allocatable mean nothing (the node runs out first), as in the tick
  // (recommend.ts withinNode): a hint that asked for more would be a write the next tick undoes.
  const node = nodeOf(pod, o);
  const forecast = Math.min(base + growth + head.memExcess + ct.correction, node?.memBytes ?? Infinity);
  const cpuPeak = Math.min(head.cpuPeak, node?.cpuCores ?? Infinity);
  // A hint is a write (a PATCH and its Event): it goes only when it changes the risk materially, by the
  // tick's own rules (write-budget.ts): the memory limit when the tool's burst would pass it with at least
  // LIMIT_RISK_FACTOR × ε, the CPU limit when the tool's peak is CPU_LIMIT_RAISE_FRACTION above it
  // (throttling, not a kill). Once a write goes, the other limit rides along if it is short at all.
  const key = cm.prior.memory.excessBytes[state] !== undefined || cm.strata.has(state) ? state : '*';
  const risk = forecast > pod.limits.memBytes ? memExcessTail(cm, key, o.priorFloorWeight)(pod.limits.memBytes - base - growth - ct.correction) : 0;
  const memMaterial = risk >= LIMIT_RISK_FACTOR * o.riskBudget;
  const cpuMaterial = cpuPeak > pod.limits.cpuCores * (1 + CPU_LIMIT_RAISE_FRACTION);
  if (!memMaterial && !cpuMaterial) return undefined;
  // Never lower on a hint: the tick owns decreases, with its cooldowns.
  const memLimit = Math.max(forecast, pod.limits.memBytes);
  const cpuLimit = Math.max(cpuPeak, pod.limits.cpuCores);
  const expected = hint.expectedDurationS !== undefined ? `, expected ${hint.expectedDurationS} s` : '';
  return {
    kind: 'resize',
    pod: pod.key,
    requests: pod.requests,
    limits: { memBytes: memLimit, cpuCores: cpuLimit },
    reason:
      `pre-tool hint: tool ${hint.tool} starting${expected}; memory limit ${fmtMem(memLimit)}: class ${cm.prior.agentClass} tool '${state}' burst ` +
      `+${fmtMem(head.memExcess)} at ε=${o.riskBudget} over baseline ${fmtMem(base)}` +
      (growth > 0 ? `, context growth +${fmtMem(growth)}` : '') +
      (ct.correction > 0 ? `, calibration +${fmtMem(ct.correction)}` : '') +
      `; cpu limit ${Math.round(cpuLimit * 1000)}m (tool peak ${Math.round(head.cpuPeak * 1000)}m)${capped(node, head.cpuPeak > cpuPeak || forecast < base + growth + head.memExcess + ct.correction)}; risk at the current limit ${fmtRisk(risk)} vs ε ${o.riskBudget}; requests kept`,
    inputs: {
      agentClass: cm.prior.agentClass,
      state,
      hint: true,
      baseBytes: base,
      headroomBytes: head.memExcess,
      calibrationBytes: ct.correction,
      contextGrowthBytes: growth,
      riskBudget: o.riskBudget,
      cpuPeakCores: head.cpuPeak,
      riskAtCurrent: risk,
      ...(hint.expectedDurationS !== undefined ? { expectedDurationS: hint.expectedDurationS } : {}),
    },
  };
}

/** The reason's note when the node's allocatable capped a limit. */
function capped(node: { memBytes: number; cpuCores: number } | undefined, was: boolean): string {
  return node && was ? `, capped at the node's ${fmtMem(node.memBytes)} / ${Math.round(node.cpuCores * 1000)}m` : '';
}

function fmtRisk(p: number): string {
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

/**
 * P(excess > h) over an idle horizon when tool calls are hinted: a call whose hint arrives (1 − loss)
 * leaves the limit only its first seconds (the prior's `idle~hinted` tail, fitted at trace resolution:
 * scrapes cannot see a call's first seconds), one whose hint is lost (loss) its whole burst (the idle
 * tail). Undefined when hints are not counted on (`hintLossRate` 1) or the class prior has no
 * `idle~hinted` knots (a prior fitted before them): the idle tail then stands.
 */
export function hintedIdleTail(cm: ClassModel, o: ResolvedPredictiveOptions): ((h: number) => number) | undefined {
  const loss = o.hintLossRate;
  if (loss >= 1 || cm.prior.memory.excessBytes[HINTED_IDLE] === undefined) return undefined;
  const quiet = memExcessTail(cm, HINTED_IDLE, o.priorFloorWeight);
  const idle = memExcessTail(cm, 'idle', o.priorFloorWeight);
  return (h) => (1 - loss) * quiet(h) + loss * idle(h);
}

/** Cache key of the hinted idle headroom in the class's tail cache (dropped with it on refit). */
const HINTED_IDLE_CACHE = `${HINTED_IDLE}@mix`;

/**
 * The ε-headroom of an idle pod whose tool calls are hinted (hintedIdleTail), or undefined when hints
 * are not counted on. Cached like the state tails: re-solved after `refreshEvery` new outcomes.
 */
export function hintedIdleHeadroom(cm: ClassModel, o: ResolvedPredictiveOptions): number | undefined {
  const tail = hintedIdleTail(cm, o);
  if (!tail) return undefined;
  const c = cm.cache.get(HINTED_IDLE_CACHE);
  if (c && c.eps === o.riskBudget && cm.folds - c.folds < Math.max(o.refreshEvery, 0.02 * cm.folds)) return c.memExcess;
  const k = cm.prior.memory.excessBytes;
  const idleHist = cm.strata.get('idle')?.mem;
  const upper = Math.max(knotUpper(knotsFor(k, HINTED_IDLE)), knotUpper(knotsFor(k, 'idle')), idleHist ? histogramUpper(idleHist) : 0);
  const memExcess = solveTail(tail, o.riskBudget, upper);
  cm.cache.set(HINTED_IDLE_CACHE, { folds: cm.folds, eps: o.riskBudget, memExcess, cpuPeak: 0 });
  return memExcess;
}
