/**
 * The burst model of one agent class: what the class's pods have shown, pooled, mixed with the class
 * prior, and turned into a forecast for one pod over the horizon until the next action can land.
 *
 *   peak(t, t+H] = base_t + growth_ctx(H) + X,   X ~ excess distribution of the pod's state at t
 *
 * base is the pod's baseline (its usage with no burst), growth_ctx the memory implied by context growth
 * (β bytes/token × upper token growth; β ≈ 0 when context does not explain memory), and X the excess
 * the class has shown over a horizon that began in the same state (tool category in flight, or idle).
 * The state's distribution is a shrinkage mixture of the prior's knots and the class's realized excess
 * (see headroom.ts). The risk-budget limit is base + growth + h_ε with P(X > h_ε) = ε; CPU likewise
 * with its own (looser) budget, since CPU over its limit is throttled rather than killed.
 *
 * Tails are re-solved at most every `refreshEvery` folds (and every 2 % of new evidence) per state
 * (occasional refit), so the per-pod cost of a forecast is a cache lookup.
 */
import { addToHistogram, histogramTail, histogramUpper, newLogHistogram, type LogHistogram } from './log-histogram.js';
import { knotTail, knotUpper, priorWeight, solveTail, newResidualWindow, type ResidualWindow } from './headroom.js';
import { knotsFor, type AgentClassPrior } from './priors/index.js';
import { newContextStats, newRegressionAcc, type ContextGrowthStats, type ContextPrior, type RegressionAcc } from './context-growth.js';
import { newRetryRunStats, type RetryRunStats, type ToolCategoryStats } from './tool-loop.js';

const MiB = 1024 * 1024;

/** Realized outcomes of horizons that began in one state. */
export interface StratumStats {
  readonly mem: LogHistogram;
  readonly cpu: LogHistogram;
}

interface TailCache {
  folds: number;
  eps: number;
  memExcess: number;
  cpuPeak: number;
}

/** Everything a class has learned; pure data, updated in place by the policy's fold. */
export interface ClassModel {
  readonly prior: AgentClassPrior;
  readonly strata: Map<string, StratumStats>;
  readonly tools: Map<string, ToolCategoryStats>;
  readonly retry: RetryRunStats;
  readonly context: ContextGrowthStats;
  readonly bytesPerToken: RegressionAcc;
  /** Residuals of realized peak minus forecast limit (calibration). */
  readonly residuals: ResidualWindow;
  /** The largest excess above baseline that ended in an OOM kill, decaying; 0 when none. */
  oomExcessBytes: number;
  oomAtMs: number;
  /** Baseline of the pod whose kill set `oomExcessBytes` (a sibling's share scales with its own). */
  oomBaseBytes?: number;
  folds: number;
  readonly cache: Map<string, TailCache>;
  /** Peak memory over each pod's first minute (and start-up OOM kills as lower bounds), absolute bytes. */
  readonly startup: LogHistogram;
  /** The last bytes-per-token fit and the pair count it saw (refitted occasionally). */
  slopeFit?: { readonly n: number; readonly slope: number };
  /** The class's pooled context rates as a prior for its pods, and the step count it saw. */
  contextFit?: { readonly steps: number; readonly prior: ContextPrior };
}

/**
 * Drops every cached solution (tails, bytes-per-token and context fits), so the next forecast re-solves
 * from the sufficient statistics. Between refits a class re-solves only after `refreshEvery` new
 * outcomes; a class that has gone quiet would otherwise keep forecasting from a fit made long ago, before
 * its latest evidence (a late OOM, a changed tool mix) was folded in.
 */
export function refitClassModel(cm: ClassModel): void {
  cm.cache.clear();
  cm.slopeFit = undefined;
  cm.contextFit = undefined;
}

/** Sizes of the learned structures. */
export interface ClassModelLimits {
  readonly residualWindow: number;
  /** Histogram weight at which old evidence is halved. */
  readonly maxHistogramWeight: number;
}

export function newClassModel(prior: AgentClassPrior, limits: ClassModelLimits): ClassModel {
  return {
    prior,
    strata: new Map(),
    tools: new Map(),
    retry: newRetryRunStats(),
    context: newContextStats(),
    bytesPerToken: newRegressionAcc(),
    residuals: newResidualWindow(limits.residualWindow),
    oomExcessBytes: 0,
    oomAtMs: 0,
    folds: 0,
    cache: new Map(),
    startup: newLogHistogram(MiB, 256 * 1024 * MiB, 4, limits.maxHistogramWeight),
  };
}

/** Folds a pod's start-up peak (or an OOM kill's bumped limit during start-up) into its class. */
export function foldStartupPeak(cm: ClassModel, peakBytes: number): void {
  addToHistogram(cm.startup, peakBytes);
}

/**
 * The memory a starting pod of the class needs at the risk budget: the ε-quantile of the prior's
 * start-up knots mixed with the class's observed start-up peaks (shrinkage, no floor: a start-up peak
 * is seen whole within its first scrapes or proven by a kill, so the data may overrule the prior).
 */
export function startupLimit(cm: ClassModel, eps: number): number {
  const k = cm.prior.memory.startupPeakBytes;
  const h = cm.startup;
  const w = priorWeight(h.total, Math.min(cm.prior.weight, 20), 0);
  const tail = (x: number): number => w * knotTail(k, x) + (1 - w) * histogramTail(h, x);
  return solveTail(tail, eps, Math.max(knotUpper(k), histogramUpper(h)));
}

function stratum(cm: ClassModel, state: string, maxWeight: number): StratumStats {
  let s = cm.strata.get(state);
  if (!s) {
    s = { mem: newLogHistogram(MiB, 256 * 1024 * MiB, 4, maxWeight), cpu: newLogHistogram(0.005, 512, 4, maxWeight) };
    cm.strata.set(state, s);
  }
  return s;
}

/** Folds one realized horizon: the excess above baseline and the CPU peak seen after a state. */
export function foldHorizonOutcome(cm: ClassModel, state: string, memExcess: number, cpuPeak: number, maxWeight: number): void {
  const s = stratum(cm, state, maxWeight);
  addToHistogram(s.mem, Math.max(0, memExcess));
  addToHistogram(s.cpu, Math.max(0, cpuPeak));
  cm.folds++;
}

/** P(excess > h) for a state: prior knots and realized history mixed by shrinkage. */
export function memExcessTail(cm: ClassModel, state: string, priorFloor: number): (h: number) => number {
  const k = knotsFor(cm.prior.memory.excessBytes, state);
  const hist = cm.strata.get(state)?.mem;
  const w = priorWeight(hist?.total ?? 0, cm.prior.weight, priorFloor);
  if (!hist || hist.total === 0) return (h) => knotTail(k, h);
  return (h) => w * knotTail(k, h) + (1 - w) * histogramTail(hist, h);
}

/** P(CPU peak > c) for a state, as memExcessTail. */
export function cpuPeakTail(cm: ClassModel, state: string, priorFloor: number): (c: number) => number {
  const k = knotsFor(cm.prior.cpu.peakCores, state);
  const hist = cm.strata.get(state)?.cpu;
  const w = priorWeight(hist?.total ?? 0, cm.prior.weight, priorFloor);
  if (!hist || hist.total === 0) return (c) => knotTail(k, c);
  return (c) => w * knotTail(k, c) + (1 - w) * histogramTail(hist, c);
}

function memUpper(cm: ClassModel, state: string): number {
  return Math.max(knotUpper(knotsFor(cm.prior.memory.excessBytes, state)), histogramUpper(cm.strata.get(state)?.mem ?? emptyHist));
}

function cpuUpper(cm: ClassModel, state: string): number {
  return Math.max(knotUpper(knotsFor(cm.prior.cpu.peakCores, state)), histogramUpper(cm.strata.get(state)?.cpu ?? emptyHist));
}

const emptyHist = newLogHistogram(1, 2, 1, 1);

/** Options of the tail solve. */
export interface TailOptions {
  readonly eps: number;
  readonly cpuEps: number;
  readonly priorFloor: number;
  readonly refreshEvery: number;
}

/**
 * The ε-headroom for a state: h with P(excess > h) = ε, and the CPU peak c with P(cpu > c) = ε_cpu.
 * Cached per state; re-solved after `refreshEvery` new folds in the class.
 */
export function stateHeadroom(cm: ClassModel, state: string, o: TailOptions): { memExcess: number; cpuPeak: number } {
  const key = cm.prior.memory.excessBytes[state] !== undefined || cm.strata.has(state) ? state : '*';
  const c = cm.cache.get(key);
  // Re-solve after `refreshEvery` new outcomes, or after 2 % new evidence in big fleets, whichever is later.
  if (c && c.eps === o.eps && cm.folds - c.folds < Math.max(o.refreshEvery, 0.02 * cm.folds)) return c;
  const memExcess = solveTail(memExcessTail(cm, key, o.priorFloor), o.eps, memUpper(cm, key));
  const cpuPeak = solveTail(cpuPeakTail(cm, key, o.priorFloor), o.cpuEps, cpuUpper(cm, key));
  const fresh = { folds: cm.folds, eps: o.eps, memExcess, cpuPeak };
  cm.cache.set(key, fresh);
  return fresh;
}

/**
 * Headroom when a burst of `state` continues with probability p and otherwise the pod is idle:
 * the ε-quantile of the mixture p·X_state + (1 − p)·X_idle (used after a retry run's call ended).
 */
export function blendedMemHeadroom(cm: ClassModel, state: string, p: number, o: TailOptions): number {
  const a = memExcessTail(cm, state, o.priorFloor);
  const b = memExcessTail(cm, 'idle', o.priorFloor);
  return solveTail((h) => p * a(h) + (1 - p) * b(h), o.eps, Math.max(memUpper(cm, state), memUpper(cm, 'idle')));
}
