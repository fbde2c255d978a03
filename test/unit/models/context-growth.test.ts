import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linearRegression, sampleStandardDeviation, mean } from 'simple-statistics';
import { createRng } from '../../../src/core/rng.js';
import {
  bytesPerToken,
  contextRates,
  foldContext,
  foldRegression,
  forecastContextGrowth,
  newContextStats,
  newRegressionAcc,
  regressionSlope,
  type ContextPrior,
} from '../../../models/context-growth.js';

const prior: ContextPrior = { tokensPerStepMean: 1000, tokensPerStepSd: 500, stepIntervalS: 10, windowCapTokens: 200000, compactionKeepFraction: 0.3, weightSteps: 10 };

describe('bytes per token: slope recovery on synthetic data', () => {
  // Table: true slope, noise sd (bytes), pairs; the fit must recover the slope within tolerance and
  // agree with simple-statistics' batch regression.
  const rows: Array<[number, number, number, number]> = [
    [800, 2e5, 2000, 60],
    [2000, 1e6, 3000, 150],
    [0, 5e5, 2000, 40],
  ];
  for (const [slope, noise, n, tol] of rows) {
    it(`slope ${slope} B/token, noise ${noise}: recovered within ±${tol}`, () => {
      const rng = createRng(slope + n);
      const acc = newRegressionAcc();
      const pts: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) {
        const dx = 200 + rng.next() * 3000;
        const dy = 1e4 + slope * dx + rng.normal() * noise;
        foldRegression(acc, dx, dy);
        pts.push([dx, dy]);
      }
      const fit = regressionSlope(acc);
      assert.ok(Math.abs(fit.slope - slope) < tol, `slope ${fit.slope}`);
      assert.ok(Math.abs(fit.slope - linearRegression(pts).m) < 1e-6 * Math.max(1, Math.abs(slope)));
    });
  }
  it('shrinks a slope the data cannot tell from noise towards 0 (context does not explain memory)', () => {
    const rng = createRng(3);
    const acc = newRegressionAcc();
    for (let i = 0; i < 300; i++) foldRegression(acc, rng.next() * 3000, rng.normal() * 5e7 + 50 * rng.next());
    const b = bytesPerToken(acc, 0, 100);
    assert.ok(Math.abs(b.t) < 3);
    assert.ok(Math.abs(b.slope) < Math.abs(b.dataSlope) * 0.75 + 1, `${b.slope} vs ${b.dataSlope}`);
  });
  it('keeps a clear slope nearly whole', () => {
    const rng = createRng(4);
    const acc = newRegressionAcc();
    for (let i = 0; i < 2000; i++) {
      const x = rng.next() * 3000;
      foldRegression(acc, x, 1000 * x + rng.normal() * 1e5);
    }
    const b = bytesPerToken(acc, 0, 100);
    assert.ok(b.t > 20);
    assert.ok(Math.abs(b.slope - 1000 * b.weight) < 20, String(b.slope));
  });
});

describe('context growth', () => {
  it('tokens per step: Welford matches simple-statistics', () => {
    const rng = createRng(9);
    const s = newContextStats();
    let tokens = 1000;
    const steps: number[] = [];
    for (let i = 0; i < 500; i++) {
      const d = Math.max(1, Math.round(1500 + rng.normal() * 400));
      foldContext(s, tokens, tokens + d, 5);
      tokens += d;
      steps.push(d);
    }
    assert.ok(Math.abs(s.meanStep - mean(steps)) < 1e-6);
    assert.ok(Math.abs(Math.sqrt(s.m2Step / (s.steps - 1)) - sampleStandardDeviation(steps)) < 1e-6);
    const r = contextRates(s, prior);
    assert.ok(Math.abs(r.stepsPerS - 0.2) < 0.01, String(r.stepsPerS));
  });
  it('sees compaction drops (sawtooth) and learns the keep fraction', () => {
    const s = newContextStats();
    foldContext(s, 1000, 100000, 5);
    foldContext(s, 100000, 25000, 5);
    assert.equal(s.compactions, 1);
    assert.equal(s.steps, 1);
    const r = contextRates(s, { ...prior, compactionKeepFraction: 0.25 });
    assert.ok(Math.abs(r.keep - 0.25) < 1e-9);
  });
  it('forecast growth is cut at the cap and flags compaction', () => {
    const s = newContextStats();
    const near = forecastContextGrowth(s, prior, 199500, 60, 1.645);
    assert.ok(near.upper <= 500 && near.compactionLikely);
    const far = forecastContextGrowth(s, prior, 1000, 60, 1.645);
    // Prior: 0.1 steps/s × 60 s × 1000 tokens = 6000 expected.
    assert.ok(Math.abs(far.expected - 6000) < 1e-6);
    assert.ok(far.upper > far.expected && !far.compactionLikely);
  });
});
