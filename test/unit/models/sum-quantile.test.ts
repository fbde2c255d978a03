// Effective memory from the sum's own distribution (models/sum-quantile.ts): exact on a lattice, and
// against a Monte Carlo of the sum on fixed distributions, with tolerances.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../../src/core/rng.js';
import { chooseS, effectiveRequestAt, shiftPieces, type Pieces } from '../../../models/effective-memory.js';
import { sumMargins, sumRequest } from '../../../models/sum-quantile.js';
import { bursty, draw, MB } from './excess-draws.js';

/** Monte Carlo P(Σ of n draws > threshold). */
function overflowMc(a: Pieces, n: number, threshold: number, trials: number, seed: number): number {
  const rng = createRng(seed);
  let over = 0;
  for (let k = 0; k < trials; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += draw(a, rng);
    if (s > threshold) over++;
  }
  return over / trials;
}

describe('sumMargins', () => {
  it('is exact on a lattice: two-point excess, the binomial quantile', () => {
    // Y = 1000 with p 0.1, else 0; 10 pods: P(S > 3000) = 0.0128, P(S > 4000) = 0.0016, so at ε 0.01
    // the quantile is 4000 and m(10) = 400.
    const y: Pieces = [
      { lo: 0, hi: 0, p: 0.9 },
      { lo: 1000, hi: 1000, p: 0.1 },
    ];
    const t = sumMargins(y, { capacity: 10_000, epsNode: 0.01 }, 1000);
    assert.equal(t.margins[9], 400);
    // One pod: P(Y > 0) = 0.1 > ε, so its margin is the whole 1000.
    assert.equal(t.margins[0], 1000);
  });

  it('keeps the sum within ε (Monte Carlo) and is not more than a grid cell per pod too careful', () => {
    const node = { capacity: 8e9, epsNode: 0.01 };
    const t = sumMargins(bursty, node);
    const cell = node.capacity / 1024;
    for (const n of [1, 5, 20, 40]) {
      const m = t.margins[n - 1];
      assert.ok(m !== undefined, `m(${n}) exists`);
      const p = overflowMc(bursty, n, n * m, 40_000, 7 + n);
      assert.ok(p <= node.epsNode * 1.35, `n ${n}: P(S > n·m) ${p} within ε ${node.epsNode}`);
      const pLoose = overflowMc(bursty, n, n * (m - cell) - cell, 40_000, 70 + n);
      assert.ok(pLoose > node.epsNode * 0.6, `n ${n}: one cell per pod less passes ε (${pLoose}): the grid adds at most a cell`);
    }
  });

  it('margins fall with the pods per node (multiplexing) and stay at least the mean excess', () => {
    const t = sumMargins(bursty, { capacity: 8e9, epsNode: 0.001 });
    const mean = bursty.reduce((s, x) => s + (x.p * (x.lo + x.hi)) / 2, 0);
    for (let n = 2; n <= t.margins.length; n++) assert.ok((t.margins[n - 1] ?? 0) <= (t.margins[n - 2] ?? 0) + 1e-6, `m(${n}) ≤ m(${n - 1})`);
    for (const m of t.margins) assert.ok(m >= mean, `margin ${m} ≥ mean excess ${mean}`);
  });
});

describe('sumRequest', () => {
  it('prices so that a node full of such pods overflows with probability ≤ ε (Monte Carlo), below the Chernoff price', () => {
    const node = { capacity: 8e9, epsNode: 0.01 };
    const base = 180 * MB;
    const r = sumRequest(sumMargins(bursty, node), base);
    assert.ok(r !== undefined && r > base);
    const pods = Math.floor(node.capacity / r);
    const p = overflowMc(bursty, pods, node.capacity - pods * base, 40_000, 3);
    assert.ok(p <= node.epsNode * 1.35, `${pods} pods of ${Math.round(r / MB)} MB: P(overflow) ${p}`);
    const ref = shiftPieces(bursty, base);
    assert.ok(r <= effectiveRequestAt(ref, node, chooseS(ref, node)), 'the bound is the looser of the two');
  });

  it('is undefined when not even one pod fits the node', () => {
    assert.equal(sumRequest(sumMargins(bursty, { capacity: 8e9, epsNode: 0.001 }), 9e9), undefined);
  });
});
