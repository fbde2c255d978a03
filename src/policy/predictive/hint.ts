/**
 * A pre-tool hint, sized: the agent says tool T is about to start, so the pod needs the class's burst
 * tail for T now, not after the scrape, fetch and tick that would otherwise notice it. Only limits move:
 * a limit raise is never Deferred (a request increase can be, and would hold the raise back with it),
 * and requests keep their scheduler meaning (effective memory) set by the tick.
 */
import type { PodView } from '../../core/types.js';
import type { ResizeRecommendation, ToolHint } from '../policy.js';
import { stateHeadroom, type ClassModel } from '../../../models/burst-model.js';
import { toolCategory } from '../../../models/tool-loop.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { contextMemoryGrowth } from './context-forecast.js';
import { fmtMem, type ClassTick } from './recommend.js';
import { tailOptions, type PodTrack } from './state.js';

/** The limits that hold `hint.tool`'s burst at the risk budget, or undefined when the pod already has them. */
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
  const forecast = base + growth + head.memExcess + ct.correction;
  // Never lower on a hint: the tick owns decreases, with its cooldowns.
  const memLimit = Math.max(forecast, pod.limits.memBytes);
  const cpuLimit = Math.max(head.cpuPeak, pod.limits.cpuCores);
  if (memLimit <= pod.limits.memBytes && cpuLimit <= pod.limits.cpuCores) return undefined;
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
      `; cpu limit ${Math.round(cpuLimit * 1000)}m (tool peak ${Math.round(head.cpuPeak * 1000)}m); requests kept`,
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
      ...(hint.expectedDurationS !== undefined ? { expectedDurationS: hint.expectedDurationS } : {}),
    },
  };
}
