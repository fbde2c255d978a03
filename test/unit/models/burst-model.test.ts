import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../../src/core/rng.js';
import { blendedMemHeadroom, foldHorizonOutcome, newClassModel, refitClassModel, stateHeadroom } from '../../../models/burst-model.js';
import { knotTail, solveTail } from '../../../models/headroom.js';
import { addToHistogram, histogramTail, newLogHistogram } from '../../../models/log-histogram.js';
import { priorFor } from '../../../models/priors/index.js';

const opts = { eps: 0.01, cpuEps: 0.05, priorFloor: 0.5, refreshEvery: 1 };

describe('log histogram', () => {
  it('tail matches the exact tail of uniform data within the bin resolution', () => {
    const h = newLogHistogram(1, 1e6, 8, 1e9);
    const rng = createRng(5);
    for (let i = 0; i < 50000; i++) addToHistogram(h, 1000 + rng.next() * 9000);
    for (const [x, want] of [
      [2000, 0.889],
      [5500, 0.5],
      [9000, 0.111],
    ] as const) {
      assert.ok(Math.abs(histogramTail(h, x) - want) < 0.03, `${x}: ${histogramTail(h, x)}`);
    }
  });
  it('halves old evidence past its weight cap (bounded, recency-weighted)', () => {
    const h = newLogHistogram(1, 1e6, 4, 100);
    for (let i = 0; i < 1000; i++) addToHistogram(h, 10);
    assert.ok(h.total <= 100);
    for (let i = 0; i < 200; i++) addToHistogram(h, 10000);
    assert.ok(histogramTail(h, 1000) > 0.6);
  });
});

describe('class burst model', () => {
  it('with no history the headroom is the prior quantile', () => {
    const cm = newClassModel(priorFor('swe'), { residualWindow: 64, maxHistogramWeight: 1e4 });
    const k = priorFor('swe').memory.excessBytes['Bash:test'];
    assert.ok(k);
    const want = solveTail((x) => knotTail(k, x), 0.01, 1e10);
    assert.ok(Math.abs(stateHeadroom(cm, 'Bash:test', opts).memExcess - want) < want * 1e-3);
  });
  it('history of bigger bursts raises the headroom; history of small ones lowers it only to the prior floor', () => {
    const prior = priorFor('swe');
    const big = newClassModel(prior, { residualWindow: 64, maxHistogramWeight: 1e5 });
    const small = newClassModel(prior, { residualWindow: 64, maxHistogramWeight: 1e5 });
    for (let i = 0; i < 5000; i++) {
      foldHorizonOutcome(big, 'idle', 5e9, 1, 1e5);
      foldHorizonOutcome(small, 'idle', 1e6, 0.1, 1e5);
    }
    const fresh = stateHeadroom(newClassModel(prior, { residualWindow: 64, maxHistogramWeight: 1e5 }), 'idle', opts).memExcess;
    const hBig = stateHeadroom(big, 'idle', opts).memExcess;
    const hSmall = stateHeadroom(small, 'idle', opts).memExcess;
    assert.ok(hBig > 4.5e9, String(hBig));
    assert.ok(hSmall < fresh, `${hSmall} vs ${fresh}`);
    // Floor 0.5: P(X > h) = 0.5·T_prior(h) ≤ 0.01 → the prior's 98th percentile.
    const floorLevel = solveTail((x) => 0.5 * knotTail(prior.memory.excessBytes['idle']!, x), 0.01, 1e10);
    assert.ok(Math.abs(hSmall - floorLevel) < floorLevel * 0.02, `${hSmall} vs ${floorLevel}`);
  });
  it('a retry-run blend lies between idle and the run state and grows with p', () => {
    const cm = newClassModel(priorFor('swe'), { residualWindow: 64, maxHistogramWeight: 1e4 });
    const o = { ...opts, eps: 0.05 };
    const idle = stateHeadroom(cm, 'idle', o).memExcess;
    const test = stateHeadroom(cm, 'Bash:test', o).memExcess;
    const lo = blendedMemHeadroom(cm, 'Bash:test', 0.2, o);
    const hi = blendedMemHeadroom(cm, 'Bash:test', 0.8, o);
    assert.ok(idle < lo && lo < hi && hi <= test * 1.001, `${idle} ${lo} ${hi} ${test}`);
  });
});

describe('periodic refit', () => {
  it('a few new outcomes wait for the occasional re-solve; a refit takes them in at once', () => {
    const cm = newClassModel(priorFor('swe'), { residualWindow: 64, maxHistogramWeight: 1e5 });
    for (let i = 0; i < 2000; i++) foldHorizonOutcome(cm, 'idle', 50e6, 0.1, 1e5);
    const o = { ...opts, refreshEvery: 500 };
    const before = stateHeadroom(cm, 'idle', o).memExcess;
    // Fewer new outcomes than refreshEvery: the cached tail stands, even though the class now bursts big.
    for (let i = 0; i < 100; i++) foldHorizonOutcome(cm, 'idle', 4e9, 1, 1e5);
    assert.equal(stateHeadroom(cm, 'idle', o).memExcess, before, 'cached until refreshEvery outcomes');
    refitClassModel(cm);
    const after = stateHeadroom(cm, 'idle', o).memExcess;
    assert.ok(after > before, `${after} should exceed ${before} once the big bursts are re-solved in`);
  });
});
