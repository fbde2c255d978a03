/**
 * How far the pods of a node move together, measured online. The sum-quantile (models/sum-quantile.ts)
 * prices a node of N pods as N independent excesses; pods that move in lockstep are fewer independent
 * draws than that. Pods that waited for a new node start together (a cluster autoscaler binds the
 * pending batch at once), and copies of one workload are alike: on tau2-bench and mini-swe-agent (4x8Gi
 * --scale 20 --cv 5) 5–40 pods of a node grew or burst together, and nodes priced as independent pods
 * overflowed.
 *
 * The estimator is the survey statistician's design effect, per class, over nodes and scrapes:
 *
 *   DE = E[(Σ_i Δ_i)²] / E[Σ_i Δ_i²]
 *
 * with Δ_i a pod's usage change between its scrapes, centred on the class's mean change (common drift
 * is expected growth, already in each pod's request), summed over the class's pods of one node. For
 * independent pods the cross terms vanish and DE = 1; for pods in perfectly correlated groups of G,
 * (Σ Δ)² = Σ_groups (G·Δ_g)² and DE = G. The sums decay with DESIGN_HALF_LIFE_S and start from a prior
 * of PRIOR_NODE_SCRAPES node-scrapes at DE 1. The group size priced is G = max(1, DE).
 */
import type { PodView } from '../../core/types.js';

/** The decayed sums of one class. */
export interface ClassCorrelation {
  /** Σ over node-scrapes of (Σ_i Δ_i)². */
  num: number;
  /** Σ over node-scrapes of Σ_i Δ_i². */
  den: number;
  /** Node-scrapes folded (decayed). */
  weight: number;
  /** Decayed Σ Δ and count, for the class's mean change. */
  sumDelta: number;
  nDelta: number;
  atMs: number;
}

export interface DesignEffectState {
  /** Each pod's last usage seen, to difference against. */
  readonly last: Map<string, { readonly mem: number; readonly tMs: number }>;
  readonly classes: Map<string, ClassCorrelation>;
}

/** One pod's latest scraped usage and where it runs. */
export interface PodUsage {
  readonly key: string;
  readonly agentClass: string;
  readonly nodeName: string | undefined;
  readonly memBytes: number;
  readonly tMs: number;
}

/** Correlation evidence fades with this half-life: a batch that started together drifts apart. */
export const DESIGN_HALF_LIFE_S = 1800;
/** The prior: this many node-scrapes at DE 1 (a class shows correlation before it is priced for it). */
export const PRIOR_NODE_SCRAPES = 20;

export function newDesignEffectState(): DesignEffectState {
  return { last: new Map(), classes: new Map() };
}

/** What podUsages reads of a pod's track. */
export interface TrackView {
  readonly agentClass: string;
  readonly samples: number;
  readonly lastMem: number;
  readonly lastTMs: number;
  readonly firstTMs: number;
}

/**
 * The usages of the pods with a track, from the cluster view (node) and the policy's tracks (latest
 * sample), leaving out pods still in their start-up window: every pod ramps from tens of MB to its
 * baseline in its first scrapes, so a batch bound to a node together shares that ramp; it is start-up,
 * priced apart (startup-share.ts), and counted here it read as steady-state correlation (measured at
 * 4x8Gi --scale 4: tau2-bench 2.36 → 2.91 node-hours, disruptions 0 either way).
 */
export function podUsages(pods: readonly PodView[], tracks: ReadonlyMap<string, TrackView>, startupWindowMs: number): PodUsage[] {
  const out: PodUsage[] = [];
  for (const p of pods) {
    const t = tracks.get(p.key);
    if (t && t.samples > 0 && t.lastTMs - t.firstTMs > startupWindowMs) out.push({ key: p.key, agentClass: t.agentClass, nodeName: p.nodeName, memBytes: t.lastMem, tMs: t.lastTMs });
  }
  return out;
}

/** Folds one view of the cluster: every pod with a new scrape since the last view contributes its Δ. */
export function observeDesignEffect(st: DesignEffectState, usages: readonly PodUsage[], nowMs: number, halfLifeS = DESIGN_HALF_LIFE_S): void {
  const groups = new Map<string, { cls: string; deltas: number[] }>();
  const seen = new Set<string>();
  for (const u of usages) {
    seen.add(u.key);
    const prev = st.last.get(u.key);
    if (prev && u.tMs <= prev.tMs) continue;
    st.last.set(u.key, { mem: u.memBytes, tMs: u.tMs });
    if (!prev || u.nodeName === undefined) continue;
    const gk = `${u.nodeName}\u0000${u.agentClass}`;
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { cls: u.agentClass, deltas: [] }));
    g.deltas.push(u.memBytes - prev.mem);
  }
  for (const k of st.last.keys()) if (!seen.has(k)) st.last.delete(k);
  const touched = new Set<string>();
  for (const g of groups.values()) {
    const c = classOf(st, g.cls, nowMs, halfLifeS, touched);
    // Centre on the mean change before this scrape's (drift is expected growth, not correlation).
    const mean = c.nDelta > 0 ? c.sumDelta / c.nDelta : 0;
    for (const d of g.deltas) {
      c.sumDelta += d;
      c.nDelta++;
    }
    if (g.deltas.length < 2) continue;
    let s = 0;
    let q = 0;
    for (const d of g.deltas) {
      s += d - mean;
      q += (d - mean) ** 2;
    }
    if (q <= 0) continue;
    c.num += s * s;
    c.den += q;
    c.weight++;
  }
}

/** The class's sums, decayed to `nowMs` once per view. */
function classOf(st: DesignEffectState, cls: string, nowMs: number, halfLifeS: number, touched: Set<string>): ClassCorrelation {
  let c = st.classes.get(cls);
  if (!c) st.classes.set(cls, (c = { num: 0, den: 0, weight: 0, sumDelta: 0, nDelta: 0, atMs: nowMs }));
  if (!touched.has(cls)) {
    touched.add(cls);
    const f = 2 ** (-Math.max(0, nowMs - c.atMs) / (halfLifeS * 1000));
    c.num *= f;
    c.den *= f;
    c.weight *= f;
    c.sumDelta *= f;
    c.nDelta *= f;
    c.atMs = nowMs;
  }
  return c;
}

/** DE with the prior folded in (1 before any evidence). */
export function designEffect(c: ClassCorrelation | undefined): number {
  if (!c || c.weight <= 0 || c.den <= 0) return 1;
  const prior = PRIOR_NODE_SCRAPES * (c.den / c.weight);
  return (c.num + prior) / (c.den + prior);
}

/** The group size a node of the class is priced for: max(1, DE). */
export function groupSize(st: DesignEffectState, agentClass: string): number {
  return Math.max(1, designEffect(st.classes.get(agentClass)));
}
