import type { Row, Rows } from './join.js';

/**
 * The agent signals' grid rows kept from one fetch to the next, so a steady fetch asks Prometheus only
 * for the grid points that are new or may still change, instead of the whole look-back again.
 *
 * Why it gives the same samples as re-reading the look-back (test/unit/prometheus/incremental.test.ts):
 * - A grid point reads samples stamped at or before it. Once `settleMs` (the scrape interval plus
 *   `ingestionDelayS`, the overlap the raw reads use too) has passed after it, every such sample has
 *   arrived, so evaluating it again gives the same value: rows older than that are kept, later ones
 *   asked for again.
 * - The grid is aligned to whole steps since the epoch, so the points of two fetches coincide.
 * - Only the rows the join can still read are kept: those after `cut` (two steps before the pod's
 *   newest emitted sample: tool in flight and counts read nothing older), and, at or before it, the
 *   newest row with a context size (the size in force). Rows before the look-back start are dropped
 *   as the full read would not see them either.
 * - When the look-back reaches further back than the kept rows (a new pod's late first sample) or the
 *   step changed, the fetch reads the whole look-back as before.
 */
export interface GridCarry {
  readonly stepMs: number;
  /** End of the fetch that kept the rows. */
  readonly toMs: number;
  /** The kept rows are complete from here (that fetch's look-back start). */
  readonly fromMs: number;
  readonly rows: ReadonlyMap<string, Rows>;
}

/** What a fetch asks for on the grid, and the rows it starts with. */
export interface GridPlan {
  /** First grid point asked of Prometheus. */
  readonly freshFromMs: number;
  /** Kept rows before `freshFromMs`, by pod (empty when the whole look-back is read). */
  readonly rows: ReadonlyMap<string, Rows>;
}

/** The newest grid point at or before `toMs`: grid points are whole steps since the epoch. */
export function gridEndMs(toMs: number, stepMs: number): number {
  return Math.floor(toMs / stepMs) * stepMs;
}

/**
 * Plans one fetch's grid: `lookBackMs` is the first grid point a full read would ask for, `endMs` the
 * last. With a usable carry, asks from the first point newer than the carry's end less `settleMs`.
 */
export function planGrid(carry: GridCarry | undefined, o: { stepMs: number; lookBackMs: number; endMs: number; toMs: number; settleMs: number }): GridPlan {
  const full: GridPlan = { freshFromMs: o.lookBackMs, rows: new Map() };
  if (carry === undefined || carry.stepMs !== o.stepMs || carry.toMs > o.toMs || o.lookBackMs < carry.fromMs) return full;
  // The first grid point after carry.toMs − settleMs: points at or before it are final.
  const settled = carry.toMs - o.settleMs;
  const k = Math.max(0, Math.ceil((o.endMs - settled) / o.stepMs) - 1);
  const freshFromMs = Math.min(o.endMs, Math.max(o.lookBackMs, o.endMs - k * o.stepMs));
  const rows = new Map<string, Rows>();
  for (const [pod, list] of carry.rows) {
    const kept = list.filter(([t]) => t >= o.lookBackMs && t < freshFromMs);
    if (kept.length > 0) rows.set(pod, kept);
  }
  return { freshFromMs, rows };
}

/**
 * The rows to keep after a successful fetch: per pod, those after `cutMs(pod)` and the newest row
 * with a context size at or before it. `rows` are in time order.
 */
export function keepRows(rows: ReadonlyMap<string, Rows>, cutMs: (pod: string) => number | undefined): Map<string, Rows> {
  const out = new Map<string, Rows>();
  for (const [pod, list] of rows) {
    const cut = cutMs(pod);
    if (cut === undefined) {
      if (list.length > 0) out.set(pod, list);
      continue;
    }
    let inForce: readonly [number, Row] | undefined;
    const kept: Array<readonly [number, Row]> = [];
    for (const entry of list) {
      if (entry[0] > cut) kept.push(entry);
      else if (entry[1].contextTokens !== undefined) inForce = entry;
    }
    if (inForce !== undefined) kept.unshift(inForce);
    if (kept.length > 0) out.set(pod, kept);
  }
  return out;
}
