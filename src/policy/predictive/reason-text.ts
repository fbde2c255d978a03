/**
 * The words of predictive's resize reasons: what bound each number (the class's burst, the calibration,
 * the context growth, the effective-memory price and the packing it assumed). Kept apart from the
 * sizing so that forecast-pod.ts and recommend.ts hold the maths and this file holds how it is said.
 */
import { MiB } from '../../core/resources.js';
import type { PodTrack } from './state.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { packingNote } from './effective-request.js';
import type { ClassTick } from './recommend.js';
import type { EffectiveNumbers, Sizing } from './forecast-pod.js';

export function describe(t: PodTrack, z: Sizing, ct: ClassTick, o: ResolvedPredictiveOptions): string {
  const idle = z.hinted === true ? `idle, tool calls hinted (${o.hintLossRate} of hints lost)` : 'idle';
  const state = t.lastState === 'idle' ? (z.pRetry > 0 ? `idle in a retry run of ${t.runState}` : idle) : `tool ${t.lastState} in flight`;
  return (
    `memory limit ${fmtMem(z.memLimit)}: ${state}, p(burst) ${Math.round(z.pBurst * 100) / 100}, class ${t.agentClass} burst p${pct(o.riskBudget)} +${fmtMem(z.headroom)}` +
    (ct.correction > 0 ? `, calibration +${fmtMem(ct.correction)}` : '') +
    (z.growthUpper > 0 ? `, context growth +${fmtMem(z.growthUpper)}` : '') +
    (z.trendNote !== '' ? `, ${z.trendNote}` : '') +
    `, ε=${o.riskBudget}, headroom +${Math.round(((z.memLimit - t.base) / Math.max(t.base, 1)) * 100)}% over baseline ${fmtMem(t.base)}` +
    (z.binding !== 'model' ? ` (held by ${z.binding}${z.binding === 'oom-memory' ? `: ${z.oomNote}` : ''})` : '') +
    `; request ${fmtMem(z.memRequest)} ${z.sequenced === true ? 'held: the limit raise goes first, alone' : requestBasis(z.effective, o)}; cpu ${fmtCpu(z.cpuRequest)}/${fmtCpu(z.cpuLimit)}`
  );
}

function requestBasis(e: EffectiveNumbers | undefined, o: ResolvedPredictiveOptions): string {
  if (!e) return 'at expected usage';
  return (
    `(target ${fmtMem(e.memRequest)}: effective memory α ${fmtMem(e.alpha)} × ${e.scale.toFixed(2)} on a ${fmtMem(e.nodeMemBytes)} node, ε_node ${o.nodeRiskBudget}, s 1/${fmtMem(1 / e.s)}` +
    packingNote(e.packing) +
    (e.cpuRequest !== undefined ? `; cpu target ${fmtCpu(e.cpuRequest)} effective at ε ${o.cpuNodeRiskBudget})` : ')')
  );
}

export function fmtMem(b: number): string {
  return b >= 1024 * MiB ? `${Math.round(b / (10.24 * MiB)) / 100}Gi` : `${Math.round(b / MiB)}Mi`;
}

function fmtCpu(c: number): string {
  return `${Math.round(c * 1000)}m`;
}

const pctLabels = new Map<number, string>();

export function pct(eps: number): string {
  let l = pctLabels.get(eps);
  if (l === undefined) pctLabels.set(eps, (l = String(Number(((1 - eps) * 100).toFixed(2)))));
  return l;
}
