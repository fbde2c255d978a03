/**
 * One pod's forecast: the limit that carries the ε-headroom for a burst that may start before the next
 * action lands (tool loop, retries, context growth, the pod's own bursts and OOM evidence), and the
 * requests that price it on the node. Limits rise at once and come down slowly (the held value decays
 * with `limitHoldHalfLifeS`). recommend.ts turns this into a plan: floors, materiality, the reason.
 */
import { blendedMemHeadroom, stateHeadroom, type ClassModel } from '../../../models/burst-model.js';
import { meanDurationS, pBurstContinues, pRetryContinues, pRetryWithin, pStillInFlight } from '../../../models/tool-loop.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { contextMemoryGrowth } from './context-forecast.js';
import { oomShare } from './oom-share.js';
import { memoryOnlyForecast, soloHeadroom } from './memory-only.js';
import { decayed, tailOptions, type PodTrack } from './state.js';
import { effectiveMemRequest, type ClassPricing, type PackingNumbers } from './effective-request.js';
import { fmtMem } from './reason-text.js';
import { hintedIdleHeadroom } from './hint.js';
import type { ClassTick } from './recommend.js';

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
  /** Why the limit stands at the session limit of a short-session class (short-sessions.ts), when it does. */
  readonly sessionNote?: string;
  /** How the requests were priced on the node, when its size is known. */
  readonly effective?: EffectiveNumbers;
}

export function forecastPod(t: PodTrack, cm: ClassModel, ct: ClassTick, nowMs: number, o: ResolvedPredictiveOptions, pricing: ClassPricing | undefined): Sizing {
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
