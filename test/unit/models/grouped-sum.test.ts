// Pods that move in groups (models/sum-quantile.ts sumRequest with groupSize): the per-pod margin
// m(N/G) against a Monte Carlo of sums over N/G perfectly correlated groups of G.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../../src/core/rng.js';
import type { Pieces } from '../../../models/effective-memory.js';
import { sumMargins, sumRequest } from '../../../models/sum-quantile.js';
import { bursty, draw, MB } from './excess-draws.js';

/** Monte Carlo P(Σ > threshold) for `pods` pods in groups of `g` that share one draw (the last group may be short). */
function groupedOverflow(a: Pieces, pods: number, g: number, threshold: number, trials: number, seed: number): number {
  const rng = createRng(seed);
  let over = 0;
  for (let k = 0; k < trials; k++) {
    let s = 0;
    for (let i = 0; i < pods; i += g) s += Math.min(g, pods - i) * draw(a, rng);
    if (s > threshold) over++;
  }
  return over / trials;
}

describe('sumRequest with pods in groups', () => {
  const node = { capacity: 8e9, epsNode: 0.01 };
  const base = 180 * MB;
  const t = sumMargins(bursty, node);

  it('G = 1 is the independent price', () => {
    assert.equal(sumRequest(t, base, 1), sumRequest(t, base));
  });

  it('keeps a node of grouped pods within ε (Monte Carlo), where the independent price does not', () => {
    for (const g of [2, 4, 8]) {
      const r = sumRequest(t, base, g);
      assert.ok(r !== undefined);
      const pods = Math.floor(node.capacity / r);
      const p = groupedOverflow(bursty, pods, g, node.capacity - pods * base, 40_000, 11 + g);
      assert.ok(p <= node.epsNode * 1.35, `G ${g}: ${pods} pods of ${Math.round(r / MB)} MB, P(overflow) ${p}`);
    }
    const r1 = sumRequest(t, base, 1) ?? 0;
    const pods1 = Math.floor(node.capacity / r1);
    const p1 = groupedOverflow(bursty, pods1, 4, node.capacity - pods1 * base, 40_000, 5);
    assert.ok(p1 > node.epsNode * 2, `priced as independent, groups of 4 overflow with ${p1}`);
  });

  it('the margin is m(N/G): with G ≥ N the whole node is one draw, and each pod carries the ε-quantile m(1)', () => {
    const rAll = sumRequest(t, base, 1000) ?? 0;
    assert.ok(Math.abs(rAll - (base + (t.margins[0] ?? 0))) < 1, `m(1): ${rAll}`);
    // Not monotone in G: two independent heavy tails pass a level about twice as often as one doubled.
    const r1 = sumRequest(t, base, 1) ?? 0;
    assert.ok((sumRequest(t, base, 4) ?? 0) > r1, 'groups of 4 price above independent pods');
  });
});
