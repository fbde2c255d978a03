// Fixed excess distributions and a sampler, for the Monte Carlo checks of the effective-memory maths.
import type { Rng } from '../../../src/core/rng.js';
import { knotPieces, type Pieces } from '../../../models/effective-memory.js';

export const MB = 1e6;

/** Burst-like excess: mostly small, a 1 % tail to ~2 GB (like the swe prior's). */
export const bursty: Pieces = knotPieces({ p50: 20 * MB, p90: 60 * MB, p99: 400 * MB, max: 1900 * MB, n: 500 }, 0.25);

/** One draw of the piecewise-uniform distribution `a`. */
export function draw(a: Pieces, rng: Rng): number {
  let u = rng.next();
  for (const x of a) {
    if (u < x.p) return x.lo + (x.hi - x.lo) * rng.next();
    u -= x.p;
  }
  return a[a.length - 1]?.hi ?? 0;
}
