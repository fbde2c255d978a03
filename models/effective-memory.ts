/**
 * Effective memory: requests with a probabilistic meaning for the scheduler.
 *
 * The scheduler packs a node until the sum of requests reaches its allocatable C. We want that a node
 * filled to 100 % of requests overflows (Σ usage > C) within the actuation horizon with probability at
 * most ε_node. Write X_i for pod i's peak usage over the horizon (its baseline plus a burst excess drawn
 * from its class's distribution). Assuming the X_i independent across pods, the Chernoff bound gives,
 * for every s > 0,
 *
 *     P(Σ X_i > C) ≤ exp(−s·C + Σ log E[e^{s·X_i}]) = exp(−s·(C − Σ α_i(s)))
 *
 * with α_i(s) = (1/s)·log E[e^{s·X_i}] the *effective bandwidth* of pod i (Kelly 1996). α(s) grows from
 * the mean (s → 0) to the maximum (s → ∞). The bound is ≤ ε_node exactly when
 *
 *     Σ α_i(s) ≤ C − L/s,     L = ln(1/ε_node).
 *
 * So we set each pod's request to r_i = α_i(s) · C / (C − L/s): any set of pods with Σ r_i ≤ C then
 * satisfies the bound. Any common s > L/C keeps the guarantee; the choice of s only decides how tight
 * it is. We choose it from the node size and ε_node for a node full of copies of a reference pod (the
 * class's typical pod): the s that minimises that pod's r(s), found by golden-section search on log s.
 * A larger node or a looser ε lets s grow less and r approach the mean (statistical multiplexing); a
 * small node pushes r towards the peak.
 *
 * Assumptions, and what breaks them: independence across pods (sessions that burst together, e.g. a
 * test run started by every agent at once, correlate; docs/models.md measures it on the traces); peaks
 * over the horizon summed as if they coincided (conservative: the sum of peaks bounds the peak of the
 * sum); and the class distribution standing for each pod (a pod whose own bursts are larger is covered
 * by its limit, not by its request).
 *
 * Distributions are lists of uniform pieces (mass p spread evenly on [lo, hi]; a point when lo = hi), the
 * shape both the prior's piecewise-linear knots and the log histograms have, so their moment generating
 * functions are exact sums.
 */

/** Mass `p` spread uniformly on [lo, hi] (a point mass when lo = hi). */
export interface Piece {
  readonly lo: number;
  readonly hi: number;
  readonly p: number;
}

/** A distribution as uniform pieces; masses sum to 1 (normalised by the functions that read it). */
export type Pieces = readonly Piece[];

/** The prior knots' piecewise-linear CDF (headroom.ts, knotTail) as pieces. */
export function knotPieces(k: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly n: number }, stretch: number): Piece[] {
  const pMax = Math.max(0.99, 1 - 1 / (k.n + 1));
  const xs = [0, k.p50, k.p90, k.p99, k.max, k.max * (1 + stretch)];
  const fs = [0, 0.5, 0.9, 0.99, pMax, 1];
  const out: Piece[] = [];
  for (let i = 1; i < xs.length; i++) {
    const p = (fs[i] ?? 0) - (fs[i - 1] ?? 0);
    if (p > 0) out.push({ lo: xs[i - 1] ?? 0, hi: Math.max(xs[i - 1] ?? 0, xs[i] ?? 0), p });
  }
  return out;
}

/** A histogram's bins (edges and counts) as pieces; empty when it holds no weight. */
export function histogramPieces(edges: ArrayLike<number>, counts: ArrayLike<number>): Piece[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] ?? 0;
  if (total <= 0) return [];
  const out: Piece[] = [];
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (c > 0) out.push({ lo: edges[i] ?? 0, hi: edges[i + 1] ?? edges[i] ?? 0, p: c / total });
  }
  return out;
}

/** w·a + (1 − w)·b. */
export function mixPieces(a: Pieces, b: Pieces, w: number): Piece[] {
  if (b.length === 0 || w >= 1) return [...a];
  if (a.length === 0 || w <= 0) return [...b];
  return [...a.map((x) => ({ ...x, p: x.p * w })), ...b.map((x) => ({ ...x, p: x.p * (1 - w) }))];
}

/** X + c. */
export function shiftPieces(a: Pieces, c: number): Piece[] {
  return a.map((x) => ({ lo: x.lo + c, hi: x.hi + c, p: x.p }));
}

/** min(X, cap): mass above the cap piles up at the cap (usage cannot pass a limit; the pod is killed). */
export function capPieces(a: Pieces, cap: number): Piece[] {
  const out: Piece[] = [];
  let atCap = 0;
  for (const x of a) {
    if (x.hi <= cap) out.push(x);
    else if (x.lo >= cap) atCap += x.p;
    else {
      const inside = (cap - x.lo) / (x.hi - x.lo);
      out.push({ lo: x.lo, hi: cap, p: x.p * inside });
      atCap += x.p * (1 - inside);
    }
  }
  if (atCap > 0) out.push({ lo: cap, hi: cap, p: atCap });
  return out;
}

/** E[X]. */
export function meanOf(a: Pieces): number {
  let m = 0;
  let w = 0;
  for (const x of a) {
    m += x.p * (x.lo + x.hi) / 2;
    w += x.p;
  }
  return w > 0 ? m / w : 0;
}

/** The largest value X can take. */
export function maxOf(a: Pieces): number {
  let m = 0;
  for (const x of a) if (x.p > 0 && x.hi > m) m = x.hi;
  return m;
}

/**
 * log E[e^{sX}], computed with the largest exponent factored out so large s·x does not overflow.
 * For a uniform piece on [lo, hi]: E[e^{sU}] = (e^{s·hi} − e^{s·lo}) / (s·(hi − lo)).
 */
export function logMgf(a: Pieces, s: number): number {
  if (s === 0) return 0;
  let top = -Infinity;
  let w = 0;
  for (const x of a) {
    w += x.p;
    if (x.p > 0 && s * x.hi > top) top = s * x.hi;
  }
  if (w <= 0 || top === -Infinity) return 0;
  let sum = 0;
  for (const x of a) {
    if (x.p <= 0) continue;
    const width = s * (x.hi - x.lo);
    // e^{s·hi − top} · (1 − e^{−width}) / width, with the width → 0 limit 1.
    const shape = width < 1e-9 ? 1 : -Math.expm1(-width) / width;
    sum += x.p * Math.exp(s * x.hi - top) * shape;
  }
  return top + Math.log(sum / w);
}

/** Kelly's effective bandwidth α(s) = (1/s)·log E[e^{sX}]: between E[X] (s → 0) and max X (s → ∞). */
export function effectiveBandwidth(a: Pieces, s: number): number {
  if (s <= 0) return meanOf(a);
  // For s·max X ≪ 1 the log of a sum near 1 loses every digit that matters; the cumulant expansion
  // α(s) = E[X] + s·Var[X]/2 + O(s²) is exact to ~(s·max)² there.
  if (s * maxOf(a) < 1e-4) return meanOf(a) + (s * varianceOf(a)) / 2;
  return logMgf(a, s) / s;
}

/** Var[X]. */
export function varianceOf(a: Pieces): number {
  let m2 = 0;
  let w = 0;
  for (const x of a) {
    m2 += (x.p * (x.lo * x.lo + x.lo * x.hi + x.hi * x.hi)) / 3;
    w += x.p;
  }
  if (w <= 0) return 0;
  const m = meanOf(a);
  return Math.max(0, m2 / w - m * m);
}

/** The node a request is priced for: its allocatable C and the overflow probability ε_node it accepts. */
export interface NodeRisk {
  readonly capacity: number;
  readonly epsNode: number;
}

/** C / (C − L/s): how much each α(s) is inflated so that Σ r ≤ C implies the Chernoff bound ≤ ε_node. */
export function chernoffScale(node: NodeRisk, s: number): number {
  const slack = node.capacity - Math.log(1 / node.epsNode) / s;
  return slack > 0 ? node.capacity / slack : Infinity;
}

/** The effective request of a distribution at a given s: α(s) · C / (C − L/s). */
export function effectiveRequestAt(a: Pieces, node: NodeRisk, s: number): number {
  return effectiveBandwidth(a, s) * chernoffScale(node, s);
}

/**
 * The s that the node's size and ε_node set: the minimiser of the reference pod's effective request over
 * s ∈ (L/C, ∞), by golden-section search on log s (r(s) is unimodal there: the Chernoff factor falls
 * and α(s) rises). The search runs over 8 decades above L/C; beyond that r is the distribution's max.
 */
export function chooseS(reference: Pieces, node: NodeRisk): number {
  const sMin = Math.log(1 / node.epsNode) / node.capacity;
  let lo = Math.log(sMin) + 1e-6;
  let hi = Math.log(sMin) + Math.log(1e8);
  const f = (u: number): number => effectiveRequestAt(reference, node, Math.exp(u));
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 80 && hi - lo > 1e-4; i++) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** The Chernoff bound on P(Σ X_i > C) for independent pods with effective bandwidths α_i(s). */
export function overflowBound(alphaSum: number, node: NodeRisk, s: number): number {
  return Math.min(1, Math.exp(-s * (node.capacity - alphaSum)));
}

/**
 * The node's budget for Σ α_i(s): while the pods' effective bandwidths sum to at most this, the bound on
 * overflow stays within ε_node.
 */
export function alphaBudget(node: NodeRisk, s: number): number {
  return node.capacity - Math.log(1 / node.epsNode) / s;
}
