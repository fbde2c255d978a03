/**
 * Effective memory from the distribution of the sum itself, not from a bound on it.
 *
 * effective-memory.ts prices a request with the Chernoff bound P(Σ X_i > C) ≤ exp(−s·(C − Σ α_i(s))).
 * The bound is valid but loose by a factor that grows with the tail: it has no polynomial prefactor,
 * and one heavy tail (the prior's multi-GiB knots, still a 1e-4 share of a warm class's mixture) pins s
 * small, so the margin L/s = ln(1/ε_node)/s reserved on every node stays large however narrow the
 * class's own bursts are. Measured on the bundled traces at 4x8Gi: a warm tau2-bench pod of 180Mi was
 * priced at 243Mi (s = 1/260Mi, the margin 1.8Gi of each 8Gi node), swe-agent's at 247Mi.
 *
 * Here the N-fold convolution of the excess distribution is computed on a grid, and the per-pod margin
 * m(N) is the (1 − ε_node) quantile of the sum of N excesses divided by N: a node holding N pods, each
 * requesting baseline + m(N), overflows within the horizon with probability ≤ ε_node, under the same
 * assumptions as the bound (independent pods, peaks over the horizon summed as if they coincided).
 * Every excess is rounded *up* to its grid cell and the mass beyond the node counts as overflow, so the
 * grid only ever adds margin (at most one cell per pod).
 */
import type { NodeRisk, Pieces } from './effective-memory.js';

/** Grid cells across the node's capacity: 8Mi cells on an 8Gi node. */
export const SUM_GRID_CELLS = 1024;
/** Pods per node the table goes up to; more than this many pods price as this many (a larger margin: safe). */
export const MAX_PODS_PER_NODE = 160;
/** Cells of the excess's mass below this are folded into the overflow (conservative), to keep the convolution sparse. */
const NEGLIGIBLE_MASS = 1e-9;
/**
 * Cells of the excess lighter than this are moved up to the next multiple of COARSE_CELLS (a value only
 * ever rounded up: conservative): the prior's tail, a ~1e-4 share spread over a few GiB, would otherwise
 * put hundreds of cells into every convolution step.
 */
const COARSE_MASS = 1e-6;
const COARSE_CELLS = 16;
/** Cells of the running sum lighter than this are counted as overflow (conservative) and skipped. */
const NEGLIGIBLE_SUM_MASS = 1e-15;

/** m(N) for N = 1…: the per-pod margin at which N pods overflow a node with probability ≤ ε_node. */
export interface SumMargins {
  readonly capacity: number;
  /** margins[N − 1] = m(N), in bytes; the table ends at the first N whose excesses alone pass the node. */
  readonly margins: Float64Array;
}

/** The excess as a probability mass on cells of width C / cells (each value rounded up), and the mass beyond C. */
function discretize(excess: Pieces, capacity: number, cells: number): { pmf: Float64Array; over: number } {
  const w = capacity / cells;
  const pmf = new Float64Array(cells + 1);
  let over = 0;
  let total = 0;
  for (const x of excess) total += x.p;
  if (total <= 0) {
    pmf[0] = 1;
    return { pmf, over: 0 };
  }
  for (const x of excess) {
    const p = x.p / total;
    if (p <= 0) continue;
    if (x.hi <= x.lo) {
      const k = Math.ceil(x.lo / w);
      if (k > cells) over += p;
      else pmf[k] = (pmf[k] ?? 0) + p;
      continue;
    }
    // Uniform on [lo, hi]: each cell ((k−1)w, kw] gets the share of the interval it overlaps.
    const k0 = Math.max(0, Math.ceil(x.lo / w));
    const k1 = Math.ceil(x.hi / w);
    for (let k = k0; k <= k1; k++) {
      const a = Math.max(x.lo, (k - 1) * w);
      const b = Math.min(x.hi, k * w);
      if (b <= a) continue;
      const share = (p * (b - a)) / (x.hi - x.lo);
      if (k > cells) over += share;
      else pmf[k] = (pmf[k] ?? 0) + share;
    }
  }
  return { pmf, over };
}

/** The cells of the excess that carry mass, and the mass left out (tiny cells and beyond the node: overflow). */
function sparse(pmf: Float64Array, over: number): { idx: number[]; mass: number[]; dropped: number } {
  const cells = pmf.length - 1;
  const kept = new Float64Array(cells + 1);
  let dropped = over;
  pmf.forEach((p, k) => {
    if (p >= COARSE_MASS) kept[k] = (kept[k] ?? 0) + p;
    else if (p >= NEGLIGIBLE_MASS) {
      const up = Math.ceil(k / COARSE_CELLS) * COARSE_CELLS;
      if (up > cells) dropped += p;
      else kept[up] = (kept[up] ?? 0) + p;
    } else dropped += p;
  });
  const idx: number[] = [];
  const mass: number[] = [];
  kept.forEach((p, k) => {
    if (p > 0) {
      idx.push(k);
      mass.push(p);
    }
  });
  return { idx, mass, dropped };
}

/** sum ⊛ excess on the grid; what lands beyond the last cell is returned as spilled mass. */
function convolve(sum: Float64Array, y: { idx: number[]; mass: number[] }): { next: Float64Array; spilled: number } {
  const cells = sum.length - 1;
  const next = new Float64Array(cells + 1);
  let spilled = 0;
  for (let a = 0; a <= cells; a++) {
    const pa = sum[a] ?? 0;
    if (pa < NEGLIGIBLE_SUM_MASS) {
      spilled += pa;
      continue;
    }
    for (let j = 0; j < y.idx.length; j++) {
      const k = a + (y.idx[j] ?? 0);
      const p = pa * (y.mass[j] ?? 0);
      if (k > cells) spilled += p;
      else next[k] = (next[k] ?? 0) + p;
    }
  }
  return { next, spilled };
}

/** The smallest cell q with P(sum > q) ≤ eps, given the overflow mass beyond the grid. */
function upperQuantileCell(sum: Float64Array, overflow: number, eps: number): number {
  let tail = overflow;
  let q = sum.length - 1;
  while (q > 0 && tail + (sum[q] ?? 0) <= eps) {
    tail += sum[q] ?? 0;
    q--;
  }
  return q;
}

/**
 * The per-pod margins m(N) of an excess distribution on a node (see the file comment). Pure and
 * deterministic; about cells × (cells with mass) × N operations, so callers cache it per class.
 */
export function sumMargins(excess: Pieces, node: NodeRisk, cells = SUM_GRID_CELLS, maxPods = MAX_PODS_PER_NODE): SumMargins {
  const w = node.capacity / cells;
  const d = discretize(excess, node.capacity, cells);
  const y = sparse(d.pmf, d.over);
  const margins: number[] = [];
  let sum: Float64Array = new Float64Array(cells + 1);
  sum[0] = 1;
  let overflow = 0;
  for (let n = 1; n <= maxPods; n++) {
    const c = convolve(sum, y);
    sum = c.next;
    // Overflowed before stays overflowed; of the rest, the left-out mass of this pod's excess overflows too.
    overflow = Math.min(1, overflow + (1 - overflow) * y.dropped + c.spilled);
    if (overflow > node.epsNode) break;
    margins.push((upperQuantileCell(sum, overflow, node.epsNode) * w) / n);
  }
  return { capacity: node.capacity, margins: Float64Array.from(margins) };
}

/**
 * The request of a pod with this baseline: baseline + m(N) for the largest N such that N such pods fit
 * the node (N · (b + m(N)) ≤ C); a node then holds at most N of them and overflows with probability
 * ≤ ε_node. Undefined when not even one fits (the caller falls back to the bound).
 *
 * Pods that move together in groups of `groupSize` G (src/policy/predictive/design-effect.ts) are fewer
 * independent draws: N pods in N/G perfectly correlated groups sum to Σ_groups G·Y_g, whose (1 − ε)
 * quantile is G · (N/G) · m(N/G) = N · m(N/G), so the per-pod margin is m(N/G). When N/G is not whole
 * the larger of m(⌊N/G⌋) and m(⌈N/G⌉): a quantile is not monotone in the number of groups (two
 * independent heavy tails pass a level about twice as often as one doubled), so neither is the careful
 * side alone.
 */
export function sumRequest(t: SumMargins, baseBytes: number, groupSize = 1): number | undefined {
  let best: number | undefined;
  let n = 1;
  const g = Math.max(1, groupSize);
  for (; n <= t.margins.length; n++) {
    const r = baseBytes + groupedMargin(t.margins, n, g);
    if (n * r > t.capacity) break;
    best = r;
  }
  // The table ran out with room for more: price so that no more pods fit than the table covers.
  if (best !== undefined && n > t.margins.length) best = Math.max(best, t.capacity / t.margins.length);
  return best;
}

/** The per-pod margin of N pods in groups of G: m(N/G), the larger neighbour when N/G is not whole. */
function groupedMargin(margins: Float64Array, n: number, g: number): number {
  if (g === 1) return margins[n - 1] ?? Infinity;
  const lo = Math.max(1, Math.floor(n / g + 1e-9));
  const hi = Math.max(1, Math.ceil(n / g - 1e-9));
  return Math.max(margins[lo - 1] ?? Infinity, margins[hi - 1] ?? Infinity);
}
