import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../../src/core/rng.js';
import {
  conformalCorrection,
  conformalQuantile,
  knotTail,
  newResidualWindow,
  priorWeight,
  pushResidual,
  solveTail,
  type QuantileKnots,
} from '../../../models/headroom.js';
import { addToHistogram, histogramTail, newLogHistogram } from '../../../models/log-histogram.js';

const knots: QuantileKnots = { p50: 100, p90: 200, p99: 400, max: 800, n: 1000 };

describe('prior knots', () => {
  const cases: Array<[number, number]> = [
    [0, 1],
    [100, 0.5],
    [200, 0.1],
    [400, 0.01],
    [150, 0.3],
    [1000, 0],
  ];
  for (const [x, tail] of cases) {
    it(`P(X > ${x}) ≈ ${tail}`, () => assert.ok(Math.abs(knotTail(knots, x) - tail) < 1e-9, String(knotTail(knots, x))));
  }
  it('is non-increasing', () => {
    let prev = 1;
    for (let x = 0; x < 1100; x += 7) {
      const t = knotTail(knots, x);
      assert.ok(t <= prev + 1e-12);
      prev = t;
    }
  });
  it('solveTail finds the (1-ε) quantile', () => {
    for (const [eps, want] of [
      [0.5, 100],
      [0.1, 200],
      [0.01, 400],
    ] as const) {
      const h = solveTail((x) => knotTail(knots, x), eps, 1000);
      assert.ok(Math.abs(h - want) < 0.01, `${eps}: ${h}`);
    }
  });
  it('the budget beyond the p99 reaches past the observed max only for tiny ε', () => {
    const h = solveTail((x) => knotTail(knots, x), 0.0005, 1000);
    assert.ok(h > 800 && h < 1000, String(h));
  });
});

describe('conformal quantile on synthetic residuals', () => {
  // Table: residual law, ε; the limit from a calibration window must cover fresh draws at ≥ 1 − ε
  // (finite-sample guarantee), and not wildly more (it is a quantile, not a maximum).
  const laws: Array<[string, (r: ReturnType<typeof createRng>) => number]> = [
    ['normal', (r) => r.normal() * 100],
    ['exponential', (r) => -Math.log(1 - r.next()) * 50],
    ['lognormal bursts', (r) => Math.exp(r.normal() * 1.2) * 30],
  ];
  for (const [name, draw] of laws) {
    for (const eps of [0.1, 0.05, 0.01]) {
      it(`${name}, ε=${eps}: coverage within tolerance`, () => {
        const rng = createRng(42);
        let covered = 0;
        const trials = 60;
        let total = 0;
        for (let k = 0; k < trials; k++) {
          const w = newResidualWindow(1000);
          for (let i = 0; i < 1000; i++) pushResidual(w, draw(rng));
          const { q, finite } = conformalQuantile(w, eps);
          assert.ok(finite);
          for (let i = 0; i < 200; i++) {
            total++;
            if (draw(rng) <= q) covered++;
          }
        }
        const coverage = covered / total;
        assert.ok(coverage >= 1 - eps - 0.01, `coverage ${coverage}`);
        assert.ok(coverage <= 1 - eps + 0.02, `coverage ${coverage}`);
      });
    }
  }
  it('says the quantile is not finite when the window is too small for ε', () => {
    const w = newResidualWindow(64);
    for (let i = 0; i < 50; i++) pushResidual(w, i);
    const r = conformalQuantile(w, 0.01);
    assert.equal(r.finite, false);
    assert.equal(r.q, 49);
  });
  it('keeps only the newest residuals', () => {
    const w = newResidualWindow(16);
    for (let i = 0; i < 100; i++) pushResidual(w, i < 84 ? 1000 : 1);
    assert.equal(conformalQuantile(w, 0.5).q, 1);
  });
  it('corrects only upwards, shrunk by n/(n+n0)', () => {
    const neg = newResidualWindow(100);
    for (let i = 0; i < 100; i++) pushResidual(neg, -10);
    assert.equal(conformalCorrection(neg, 0.1, 50), 0);
    const pos = newResidualWindow(100);
    for (let i = 0; i < 100; i++) pushResidual(pos, 30);
    assert.ok(Math.abs(conformalCorrection(pos, 0.1, 50) - 20) < 1e-9);
  });
});

describe('shrinkage from prior to data', () => {
  it('prior weight falls with data and stops at its floor', () => {
    const rows: Array<[number, number, number, number]> = [
      [0, 100, 0, 1],
      [100, 100, 0, 0.5],
      [900, 100, 0, 0.1],
      [900, 100, 0.3, 0.3],
    ];
    for (const [n, n0, floor, want] of rows) assert.ok(Math.abs(priorWeight(n, n0, floor) - want) < 1e-9);
  });
  it('the mixed quantile moves from the prior towards the data as samples arrive', () => {
    const h = newLogHistogram(1, 1e6, 8, 1e9);
    const rng = createRng(7);
    const mixedQ = (): number => {
      const w = priorWeight(h.total, 200, 0);
      return solveTail((x) => w * knotTail(knots, x) + (1 - w) * histogramTail(h, x), 0.1, 1e6);
    };
    const atPrior = mixedQ();
    assert.ok(Math.abs(atPrior - 200) < 1);
    const seen: number[] = [];
    for (const n of [200, 2000, 20000]) {
      while (h.total < n) addToHistogram(h, 2000 + rng.next() * 1000);
      seen.push(mixedQ());
    }
    assert.ok((seen[0] ?? 0) > atPrior && (seen[1] ?? 0) > (seen[0] ?? 0) && (seen[2] ?? 0) > (seen[1] ?? 0), seen.join(','));
    // With 100x the prior's weight the answer is the data's p90 (≈ 2900), within histogram resolution.
    assert.ok(Math.abs((seen[2] ?? 0) - 2900) < 200, String(seen[2]));
  });
});
