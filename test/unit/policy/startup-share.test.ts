// Start-up spikes in the request price (src/policy/predictive/startup-share.ts): the share q of pod-time
// in start-up, the mixture, and what it does to a class's effective memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { PolicyContext } from '../../../src/policy/policy.js';
import { createPredictivePolicy, resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';
import { classPricing, effectiveMemRequest } from '../../../src/policy/predictive/effective-request.js';
import { foldStartupUsage, maxPieces, newStartupUsage, startupShare, startupShareMoved, withStartup } from '../../../src/policy/predictive/startup-share.js';
import { priorFor } from '../../../models/priors/index.js';
import { classModel, classPacking } from '../../../src/policy/predictive/state.js';
import { agentPodView } from './agent-pod-view.js';

describe('start-up share', () => {
  it('q is the share of samples in a start-up window, and 0 before any', () => {
    const u = newStartupUsage(1e6);
    assert.equal(startupShare(undefined), 0);
    assert.equal(startupShare(u), 0);
    for (let i = 0; i < 100; i++) foldStartupUsage(u, 200 * MiB, i < 4);
    assert.equal(startupShare(u), 0.04);
  });

  it('keeps q a share when old evidence halves', () => {
    const u = newStartupUsage(1e6);
    for (let i = 0; i < 50_000; i++) foldStartupUsage(u, 200 * MiB, i % 10 === 0);
    assert.ok(Math.abs(startupShare(u) - 0.1) < 0.01, `q ${startupShare(u)}`);
  });

  it('mixes the start-up excess over the class baseline with weight q', () => {
    const u = newStartupUsage(1e6);
    for (let i = 0; i < 10; i++) foldStartupUsage(u, i === 0 ? 1200 * MiB : 200 * MiB, i < 2);
    const steady = [{ lo: 0, hi: 10 * MiB, p: 1 }];
    // A prior whose start-up peaks are low, worth 20 samples: the two samples dominate after a few more.
    const prior = { ...priorFor('swe'), weight: 0 };
    const mixed = withStartup(steady, u, { ...prior, memory: { ...prior.memory, baselineBytes: 200 * MiB } });
    const massAbove = mixed.filter((x) => x.lo >= 500 * MiB).reduce((s, x) => s + x.p, 0);
    // q = 0.2, half of the start-up samples in the spike: a 0.1 share ~1Gi over the baseline.
    assert.ok(Math.abs(massAbove - 0.1) < 1e-9, `mass of the spike ${massAbove}`);
    assert.deepEqual(withStartup(steady, undefined, prior), steady);
  });

  it('prices max(steady, start-up with probability q): the steady tail is kept whole, not thinned by a mixture', () => {
    const steady = [
      { lo: 0, hi: 100, p: 0.9 },
      { lo: 1000, hi: 1000, p: 0.1 },
    ];
    const start = [{ lo: 500, hi: 700, p: 1 }];
    const m = maxPieces(steady, start, 0.3);
    const tail = (x: number): number => m.reduce((s, p) => s + (x < p.lo ? p.p : x >= p.hi ? 0 : (p.p * (p.hi - x)) / (p.hi - p.lo)), 0);
    assert.ok(Math.abs(m.reduce((s, p) => s + p.p, 0) - 1) < 1e-9, 'a distribution');
    assert.ok(Math.abs(tail(999) - 0.1) < 1e-6, `the steady 10 % at 1000 is whole: ${tail(999)}`);
    // P(> 600) = 1 − F_Y(600)·(1 − q + q·F_S(600)) = 1 − 0.9·(0.7 + 0.15) = 0.235.
    assert.ok(Math.abs(tail(600) - 0.235) < 1e-6, `P(> 600) ${tail(600)}`);
    assert.deepEqual(maxPieces(steady, start, 0), steady);
  });

  it('re-solves a price when q has risen materially since', () => {
    assert.equal(startupShareMoved(0, 0.01), false);
    assert.equal(startupShareMoved(0, 0.5), true);
    assert.equal(startupShareMoved(0.4, 0.45), false);
    assert.equal(startupShareMoved(0.4, 0.55), true);
    assert.equal(startupShareMoved(0.4, 0.1), false, 'a price solved at a larger q is on the careful side');
  });

  it('prices a class whose young pods spike above one that never does', () => {
    const node = { memBytes: 8 * GiB, cpuCores: 4 };
    const run = (spike: boolean): number => {
      const p = createPredictivePolicy({ riskBudget: 0.002 });
      const st = p.init();
      // Short sessions: every pod lives 2 minutes, a new one starts every 15 s; a spike at its first scrape.
      for (let k = 0; k < 400; k++) {
        const tMs = k * 15_000;
        const live = Array.from({ length: 8 }, (_, j) => k - j).filter((s) => s >= 0);
        const views: PodView[] = live.map((s) => view(`ns/s${s}`, node));
        const samples: AgentSample[] = live.map((s) => ({ pod: `ns/s${s}`, tMs, memBytes: spike && s === k ? 1200 * MiB : 190 * MiB, cpuCores: 0.05, agentClass: 'swe' }));
        p.observe(st, samples, { nowMs: tMs, pods: views, scaledObjects: [] } satisfies PolicyContext);
      }
      const o = resolvePredictiveOptions({ riskBudget: 0.002 });
      const pricing = classPricing(st.pricing, classModel(st, 'swe', o), st.cpuUsage.get('swe'), node, o, classPacking(st, 'swe'));
      assert.ok(pricing.packing.startupShare > 0.4, `q ${pricing.packing.startupShare}: 5 of 8 samples are in a pod's first minute`);
      return effectiveMemRequest(pricing, 190 * MiB);
    };
    const flat = run(false);
    const spiky = run(true);
    assert.ok(spiky > flat + 50 * MiB, `spiky ${Math.round(spiky / MiB)}Mi vs flat ${Math.round(flat / MiB)}Mi`);
  });
});

function view(key: string, node: { memBytes: number; cpuCores: number }): PodView {
  return agentPodView(key, { requests: { memBytes: 256 * MiB, cpuCores: 0.25 }, limits: { memBytes: 2 * GiB, cpuCores: 1 }, nodeAllocatable: node, nodeName: `n${key.length % 3}` });
}
