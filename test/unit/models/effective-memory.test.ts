// The effective-memory maths against a Monte Carlo of the sum, on fixed distributions, with tolerances.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createRng, type Rng } from '../../../src/core/rng.js';
import {
  alphaBudget,
  capPieces,
  chooseS,
  effectiveBandwidth,
  effectiveRequestAt,
  histogramPieces,
  knotPieces,
  maxOf,
  meanOf,
  mixPieces,
  overflowBound,
  shiftPieces,
  type NodeRisk,
  type Pieces,
} from '../../../models/effective-memory.js';

const MB = 1e6;

/** A burst-like distribution: a 200 MB baseline, mostly small excess, a 1 % tail to 2 GB (like the swe prior). */
const bursty: Pieces = shiftPieces(knotPieces({ p50: 40 * MB, p90: 200 * MB, p99: 1600 * MB, max: 1900 * MB, n: 140 }, 0.25), 200 * MB);
const twoPoint: Pieces = [
  { lo: 100, hi: 100, p: 0.9 },
  { lo: 1000, hi: 1000, p: 0.1 },
];

function draw(a: Pieces, rng: Rng): number {
  let u = rng.next();
  for (const x of a) {
    if (u < x.p) return x.lo + (x.hi - x.lo) * rng.next();
    u -= x.p;
  }
  const last = a[a.length - 1];
  return last ? last.hi : 0;
}

function mcOverflow(a: Pieces, n: number, capacity: number, trials: number, seed: number): number {
  const rng = createRng(seed);
  let over = 0;
  for (let t = 0; t < trials; t++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += draw(a, rng);
    if (sum > capacity) over++;
  }
  return over / trials;
}

describe('effective bandwidth', () => {
  it('matches a Monte Carlo of (1/s)·log E[e^{sX}] within 2 %', () => {
    const rng = createRng(7);
    for (const s of [1e-9, 3e-9, 1e-8]) {
      let acc = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) acc += Math.exp(s * draw(bursty, rng));
      const mc = Math.log(acc / n) / s;
      const exact = effectiveBandwidth(bursty, s);
      assert.ok(Math.abs(mc - exact) / exact < 0.02, `s=${s}: mc ${mc} vs ${exact}`);
    }
  });
  it('is exact on a two-point distribution', () => {
    const s = 0.01;
    const want = Math.log(0.9 * Math.exp(1) + 0.1 * Math.exp(10)) / s;
    assert.ok(Math.abs(effectiveBandwidth(twoPoint, s) - want) < 1e-9);
  });
  it('lies between the mean and the max and grows with s (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lo: fc.double({ min: 0, max: 1e9, noNaN: true }), w: fc.double({ min: 0, max: 1e9, noNaN: true }), p: fc.double({ min: 0.01, max: 1, noNaN: true })}), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 1e-12, max: 1e-6, noNaN: true }),
        (raw, s) => {
          const total = raw.reduce((a, x) => a + x.p, 0);
          const d = raw.map((x) => ({ lo: x.lo, hi: x.lo + x.w, p: x.p / total }));
          const a1 = effectiveBandwidth(d, s);
          const a2 = effectiveBandwidth(d, s * 4);
          const tol = 1e-6 * maxOf(d) + 1e-6;
          return a1 >= meanOf(d) - tol && a1 <= maxOf(d) + tol && a2 >= a1 - tol;
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
  it('does not overflow for large s·x', () => {
    const a = effectiveBandwidth(bursty, 1e-5);
    assert.ok(Number.isFinite(a) && a <= maxOf(bursty) && a > 0.9 * maxOf(bursty));
  });
});

describe('effective request on a node', () => {
  const cases: Array<{ name: string; dist: Pieces; node: NodeRisk }> = [
    { name: 'bursty pods, 14 GB node, ε 1e-3', dist: bursty, node: { capacity: 14_000 * MB, epsNode: 1e-3 } },
    { name: 'bursty pods, 8 GB node, ε 1e-2', dist: bursty, node: { capacity: 8_000 * MB, epsNode: 1e-2 } },
    { name: 'two-point pods, node of 20 peaks, ε 1e-2', dist: twoPoint, node: { capacity: 20_000, epsNode: 1e-2 } },
  ];
  for (const c of cases) {
    it(`${c.name}: a node filled to 100 % of requests overflows with probability ≤ ε (Monte Carlo)`, () => {
      const s = chooseS(c.dist, c.node);
      const r = effectiveRequestAt(c.dist, c.node, s);
      assert.ok(r >= meanOf(c.dist) && r <= maxOf(c.dist) * 1.0001, `request ${r} between mean ${meanOf(c.dist)} and max ${maxOf(c.dist)}`);
      const n = Math.floor(c.node.capacity / r);
      assert.ok(n >= 1);
      // The Chernoff bound itself holds at the chosen s.
      const bound = overflowBound(n * effectiveBandwidth(c.dist, s), c.node, s);
      assert.ok(bound <= c.node.epsNode * (1 + 1e-9), `bound ${bound}`);
      const p = mcOverflow(c.dist, n, c.node.capacity, 40_000, 3);
      // Monte Carlo tolerance: 3 standard errors at ε.
      const tol = 3 * Math.sqrt((c.node.epsNode * (1 - c.node.epsNode)) / 40_000);
      assert.ok(p <= c.node.epsNode + tol, `observed overflow ${p} > ε ${c.node.epsNode}`);
    });
  }
  it('packs more than requesting the peak and is not as loose as requesting the mean', () => {
    const node = { capacity: 14_000 * MB, epsNode: 1e-3 };
    const r = effectiveRequestAt(bursty, node, chooseS(bursty, node));
    assert.ok(r < 0.6 * maxOf(bursty), `r ${r}`);
    assert.ok(r > 1.2 * meanOf(bursty), `r ${r}`);
    // With twice as many pods, the mean overflows a node well beyond ε: the margin is needed.
    const n = Math.floor(node.capacity / (meanOf(bursty) * 1.02));
    assert.ok(mcOverflow(bursty, n, node.capacity, 4000, 5) > 0.1);
  });
  it('a bigger node multiplexes better (smaller request per pod)', () => {
    const small = { capacity: 8_000 * MB, epsNode: 1e-3 };
    const big = { capacity: 64_000 * MB, epsNode: 1e-3 };
    assert.ok(effectiveRequestAt(bursty, big, chooseS(bursty, big)) < effectiveRequestAt(bursty, small, chooseS(bursty, small)));
  });
  it('the α budget is what keeps the bound at ε', () => {
    const node = { capacity: 10_000, epsNode: 1e-3 };
    const s = 2e-3;
    assert.ok(Math.abs(overflowBound(alphaBudget(node, s), node, s) - 1e-3) < 1e-12);
  });
});

describe('pieces', () => {
  it('capping piles the mass above the cap at the cap', () => {
    const c = capPieces(twoPoint, 500);
    assert.equal(maxOf(c), 500);
    assert.ok(Math.abs(meanOf(c) - (0.9 * 100 + 0.1 * 500)) < 1e-9);
    const u = capPieces([{ lo: 0, hi: 10, p: 1 }], 5);
    assert.ok(Math.abs(meanOf(u) - (0.5 * 2.5 + 0.5 * 5)) < 1e-9);
  });
  it('histogram bins and mixtures keep unit mass', () => {
    const h = histogramPieces([0, 1, 2, 4], [1, 0, 3]);
    assert.ok(Math.abs(h.reduce((a, x) => a + x.p, 0) - 1) < 1e-12);
    const m = mixPieces(h, twoPoint, 0.3);
    assert.ok(Math.abs(m.reduce((a, x) => a + x.p, 0) - 1) < 1e-12);
    assert.deepEqual(histogramPieces([0, 1], [0]), []);
  });
  it('knot pieces reproduce the knots', () => {
    const k = knotPieces({ p50: 10, p90: 20, p99: 40, max: 80, n: 1000 }, 0.25);
    assert.ok(Math.abs(k.reduce((a, x) => a + x.p, 0) - 1) < 1e-12);
    assert.equal(maxOf(k), 100);
  });
});
