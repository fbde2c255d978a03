/**
 * Requests priced by the node they pack into (models/effective-memory.ts): a pod's memory request is its
 * effective memory, the share of node capacity such that a node filled to 100 % of requests overflows
 * within the horizon with probability ≤ ε_node; its CPU request likewise, where "overflow" is contention
 * (throttling), not a kill, so ε is looser.
 *
 * Memory: X_i = b_i + g_i + Y with b_i the pod's baseline, g_i its expected context growth and Y the
 * class's burst excess over a horizon from any state (prior knots mixed with every realized horizon of
 * the class, the prior worth PRICING_PRIOR_N0 outcomes), mixed with its start-up excess by the share of
 * pod-time spent starting (startup-share.ts); pods that move together are priced as groups (design-effect.ts). The request is the quantile of the sum itself
 * (models/sum-quantile.ts), the Chernoff price its ceiling and fallback. CPU: the class's scraped CPU usage; until the class
 * has CPU_WARM_SAMPLES scrapes the pod's own level stands in; CPU uses the Gaussian request (cpuPricing) (the prior's CPU peaks were measured
 * without limits on a 24-core host and say nothing about a node of 4).
 *
 * Cached per class and node size, re-solved after `refreshEvery` new outcomes like the tails.
 */
import type { ClassModel } from '../../../models/burst-model.js';
import {
  alphaBudget,
  capPieces,
  chernoffScale,
  chooseS,
  effectiveBandwidth,
  gaussianRequest,
  histogramPieces,
  knotPieces,
  mixPieces,
  shiftPieces,
  type NodeRisk,
  type Piece,
  type Pieces,
} from '../../../models/effective-memory.js';
import { MAX_STRETCH, priorWeight } from '../../../models/headroom.js';
import { sumMargins, sumRequest, type SumMargins } from '../../../models/sum-quantile.js';
import { addToHistogram, newLogHistogram, type LogHistogram } from '../../../models/log-histogram.js';
import { knotsFor } from '../../../models/priors/index.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { startupShare, startupShareMoved, withStartup, type StartupUsage } from './startup-share.js';

/**
 * What the prior is worth, in realized horizons, when it prices requests. The limits keep the prior's
 * tails at a floor (scrapes miss 1–2 s bursts, and a limit is what a burst hits); the Chernoff price of
 * a request, though, is set by the whole distribution at the node's s, and a heavy prior tail that the
 * class never shows forces a small s and a large ln(1/ε)/s margin on every pod (measured on the bundled
 * traces: with the prior worth its 200 outcomes, tau2-bench's requests were 1.6× its own usage's price).
 * A class folds ~240 outcomes per pod-hour, so here the prior is a start-up guess. Even at 5 outcomes'
 * weight its multi-GiB tail still set the price once the class had thousands of its own (weight 1e-3 at
 * e^{s·3Gi}): on tau2-bench at 4x8Gi the requests were ~1.6× the mean usage and predictive needed 3.41
 * node-hours; at 0.5 the prior's tail weighs 1e-4 and the same run needs 2.92, disruptions unchanged (0).
 * Admission (admit.ts) does not price a class before ADMIT_WARM_OUTCOMES, so the prior alone never sets a
 * request at creation.
 */
export const PRICING_PRIOR_N0 = 0.5;

/** Scraped CPU samples a class needs before its own distribution prices CPU requests. */
export const CPU_WARM_SAMPLES = 50;

/** One class's pricing on one node size. */
export interface ClassPricing {
  readonly folds: number;
  readonly cpuSamples: number;
  /** The burst excess Y (any state), as pieces. */
  readonly excess: Pieces;
  /** The node's allocatable CPU (the CPU pricing below exists only once the class is warm). */
  readonly cpuCapacity: number;
  readonly mem: {
    readonly node: NodeRisk;
    readonly s: number;
    readonly alphaExcess: number;
    readonly scale: number;
    /** The per-pod margins from the sum's own distribution (models/sum-quantile.ts): what requests are priced by. */
    readonly sums: SumMargins;
  };
  /** CPU: the Gaussian request (contention costs throttling, not a kill; see gaussianRequest). */
  readonly cpu?: { readonly node: NodeRisk; readonly request: number };
  /** What the node is priced for beyond independent steady-state pods (startup-share.ts, design-effect.ts). */
  readonly packing: PackingNumbers;
}

/** The start-up share q mixed into the excess, and the group size G the node's pods move in. */
export interface PackingNumbers {
  readonly startupShare: number;
  readonly groupSize: number;
}

/** The packing numbers for a reason: what the node was priced for beyond independent steady pods. */
export function packingNote(k: PackingNumbers): string {
  return `, start-up share q ${k.startupShare.toFixed(2)}, pods move in groups of G ${k.groupSize.toFixed(2)}`;
}

/** What the policy has measured of how a class's pods share a node (see PackingNumbers). */
export interface Packing {
  readonly startup?: StartupUsage;
  readonly groupSize: number;
}

/** Per-class CPU usage, as scraped (what contention on a node is made of). */
export function newCpuUsageHistogram(maxWeight: number): LogHistogram {
  return newLogHistogram(0.005, 512, 4, maxWeight);
}

export function foldCpuUsage(h: LogHistogram, cores: number): void {
  addToHistogram(h, Math.max(0, cores));
}

/** The class's excess distribution from any state: the prior's `*` knots mixed with every realized horizon. */
function excessPieces(cm: ClassModel): Piece[] {
  const prior = knotPieces(knotsFor(cm.prior.memory.excessBytes, '*'), MAX_STRETCH);
  let edges: Float64Array | undefined;
  let counts: Float64Array | undefined;
  let total = 0;
  for (const st of cm.strata.values()) {
    edges ??= st.mem.edges;
    counts ??= new Float64Array(st.mem.counts.length);
    for (let i = 0; i < st.mem.counts.length; i++) counts[i] = (counts[i] ?? 0) + (st.mem.counts[i] ?? 0);
    total += st.mem.total;
  }
  if (!edges || !counts || total <= 0) return prior;
  return mixPieces(prior, histogramPieces(edges, counts), priorWeight(total, PRICING_PRIOR_N0, 0));
}

/**
 * The class's pricing on a node of `capacity`, re-solved after `refreshEvery` new outcomes (or 2 % new
 * evidence) or when the node size changes.
 */
export function classPricing(
  cache: Map<string, ClassPricing>,
  cm: ClassModel,
  cpuUsage: LogHistogram | undefined,
  capacity: { readonly memBytes: number; readonly cpuCores: number },
  o: ResolvedPredictiveOptions,
  packing: Packing = { groupSize: 1 },
): ClassPricing {
  const key = `${cm.prior.agentClass}|${capacity.memBytes}|${capacity.cpuCores}`;
  const c = cache.get(key);
  const cpuSamples = cpuUsage?.total ?? 0;
  const fresh = (n: number, then: number): boolean => n - then < Math.max(o.refreshEvery, 0.02 * n);
  const moved = c !== undefined && startupShareMoved(c.packing.startupShare, startupShare(packing.startup));
  if (c && !moved && fresh(cm.folds, c.folds) && fresh(cpuSamples, c.cpuSamples) && (c.cpu !== undefined) === (cpuSamples >= CPU_WARM_SAMPLES)) {
    // G only picks the margin out of the table: it follows the measurement at every call, no re-solve.
    if (c.packing.groupSize === packing.groupSize) return c;
    const regrouped = { ...c, packing: { ...c.packing, groupSize: packing.groupSize } };
    cache.set(key, regrouped);
    return regrouped;
  }
  const excess = withStartup(excessPieces(cm), packing.startup, cm.prior);
  const memNode = { capacity: capacity.memBytes, epsNode: o.nodeRiskBudget };
  // The reference pod the node is priced for: the class's typical baseline plus its excess.
  const s = chooseS(shiftPieces(excess, cm.prior.memory.baselineBytes), memNode);
  const p: ClassPricing = {
    folds: cm.folds,
    cpuSamples,
    excess,
    cpuCapacity: capacity.cpuCores,
    mem: { node: memNode, s, alphaExcess: effectiveBandwidth(excess, s), scale: chernoffScale(memNode, s), sums: sumMargins(excess, memNode) },
    cpu: cpuUsage && cpuSamples >= CPU_WARM_SAMPLES ? cpuPricing(cpuUsage, capacity.cpuCores, o.cpuNodeRiskBudget) : undefined,
    packing: { startupShare: startupShare(packing.startup), groupSize: packing.groupSize },
  };
  cache.set(key, p);
  return p;
}

/**
 * CPU is priced by the normal approximation, not Chernoff: measured on mini-swe-agent at the default
 * node (3.9 CPU), the Chernoff price at ε 0.05 was ~290m for pods whose level is ~90m (3×), and CPU
 * requests then bound the node; over-demand on CPU is throttling, which an approximation may risk.
 */
function cpuPricing(h: LogHistogram, cores: number, eps: number): ClassPricing['cpu'] {
  const node = { capacity: cores, epsNode: eps };
  return { node, request: gaussianRequest(histogramPieces(h.edges, h.counts), node) };
}

/**
 * A pod's effective memory request: b + g + m(N), the margin from the sum's own distribution at the
 * number of such pods that fit the node (models/sum-quantile.ts); the Chernoff price (b + g + α_Y(s)) ·
 * C / (C − L/s) where the sum cannot be priced (not even one such pod fits). Never above the Chernoff
 * price while the pods are independent: both keep the node's overflow within ε_node. When they move in
 * groups (G > 1, design-effect.ts) the margin is m(N/G), and the Chernoff bound, which assumes
 * independence, no longer caps it.
 */
export function effectiveMemRequest(p: ClassPricing, baseBytes: number): number {
  const chernoff = chernoffMemRequest(p, baseBytes);
  const g = p.packing.groupSize;
  const exact = sumRequest(p.mem.sums, baseBytes, g);
  if (exact === undefined) return chernoff;
  return g > 1 ? exact : Math.min(exact, chernoff);
}

/** The Chernoff price of a pod's memory: (b + g + α_Y(s)) · C / (C − L/s). */
export function chernoffMemRequest(p: ClassPricing, baseBytes: number): number {
  return (baseBytes + p.mem.alphaExcess) * p.mem.scale;
}

/**
 * A pod's effective bandwidth on its node at the node's s, with usage capped at its memory limit (a pod
 * cannot use more than its limit: it is killed first). What the node budget sums.
 */
export function podAlpha(p: ClassPricing, baseBytes: number, limitBytes: number, s: number): number {
  if (limitBytes <= baseBytes) return limitBytes;
  return baseBytes + effectiveBandwidth(capPieces(p.excess, limitBytes - baseBytes), s);
}

/** Σ α may reach this on the node before its overflow bound passes ε_node. */
export function nodeAlphaBudget(p: ClassPricing): number {
  return alphaBudget(p.mem.node, p.mem.s);
}
