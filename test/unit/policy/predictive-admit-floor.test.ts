// The cold-class floor of admission (admit.ts): a request is never below what the class's pods use,
// however little evidence prices it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { AdmissionRequest } from '../../../src/policy/policy.js';
import { createPredictivePolicy, resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';
import { ADMIT_WARM_OUTCOMES } from '../../../src/policy/predictive/admit.js';
import { classModel } from '../../../src/policy/predictive/state.js';
import { agentPodView } from './agent-pod-view.js';

const template = { requests: { memBytes: 512 * MiB, cpuCores: 0.25 }, limits: { memBytes: 4 * GiB, cpuCores: 1 } };
const req: AdmissionRequest = { key: 'ns/new', agentClass: 'swe', ...template };
const node = { memBytes: 8 * GiB, cpuCores: 4 };

const view = (key: string): PodView => agentPodView(key, { ...template, nodeAllocatable: node });

describe('admission floor', () => {
  it('a cold class whose live pods use more than the template is admitted at its price, above their usage, and says so (templateCovers)', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const views = Array.from({ length: 4 }, (_, i) => view(`ns/p${i}`));
    for (let k = 1; k <= 5; k++) {
      const tMs = k * 15_000;
      const samples: AgentSample[] = views.map((v, i) => ({ pod: v.key, tMs, memBytes: (700 + 20 * i) * MiB, cpuCores: 0.05, agentClass: 'swe' }));
      p.observe(st, samples, { nowMs: tMs, pods: views, scaledObjects: [] });
    }
    assert.ok(classModel(st, 'swe', resolvePredictiveOptions({ riskBudget: 0.002 })).folds < ADMIT_WARM_OUTCOMES, 'cold');
    const r = p.admit?.(st, req, 75_000);
    assert.ok(r);
    assert.ok(r.requests.memBytes >= 700 * MiB, `request ${Math.round(r.requests.memBytes / MiB)}Mi ≥ the pods' ~710Mi`);
    assert.ok(r.requests.memBytes < r.limits.memBytes, 'Burstable stays Burstable');
    assert.match(r.reason, /effective memory on a 8Gi node/);
    assert.doesNotMatch(r.reason, /the lower of the template/);
  });

  it('with no live pod, the prior baseline is the floor when it is above the template', () => {
    const o = resolvePredictiveOptions({ riskBudget: 0.002 });
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const prior = classModel(st, 'swe', o).prior;
    const big = { ...prior, memory: { ...prior.memory, baselineBytes: 700 * MiB } };
    const p2 = createPredictivePolicy({ riskBudget: 0.002, priors: new Map([['swe', big]]) });
    const r = p2.admit?.(p2.init(), req, 0);
    assert.ok(r);
    assert.ok(r.requests.memBytes >= 700 * MiB, `request ${Math.round(r.requests.memBytes / MiB)}Mi`);
  });

  it('a pod is admitted to start: the median start-up peak is the floor when it is above the baseline and the template', () => {
    const o = resolvePredictiveOptions({ riskBudget: 0.002 });
    const prior = classModel(createPredictivePolicy({ riskBudget: 0.002 }).init(), 'swe', o).prior;
    const peaks = { p50: 900 * MiB, p90: 1000 * MiB, p99: 1100 * MiB, max: 1100 * MiB, n: 30 };
    const starting = { ...prior, memory: { ...prior.memory, baselineBytes: 300 * MiB, startupPeakBytes: peaks } };
    const p = createPredictivePolicy({ riskBudget: 0.002, priors: new Map([['swe', starting]]) });
    const r = p.admit?.(p.init(), req, 0);
    assert.ok(r);
    assert.ok(r.requests.memBytes >= 890 * MiB && r.requests.memBytes < r.limits.memBytes, `request ${Math.round(r.requests.memBytes / MiB)}Mi`);
    assert.match(r.reason, /median start-up peak/);
  });
  it('a class without a prior of its own (on the default prior) still takes its typical pod from its own live pods', () => {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const views = [{ ...view('ns/c0'), agentClass: 'coder-without-prior' }];
    for (let k = 1; k <= 5; k++) {
      const tMs = k * 15_000;
      p.observe(st, [{ pod: 'ns/c0', tMs, memBytes: 150 * MiB, cpuCores: 0.05, agentClass: 'coder-without-prior' }], { nowMs: tMs, pods: views, scaledObjects: [] });
    }
    const r = p.admit?.(st, { ...req, agentClass: 'coder-without-prior' }, 75_000);
    assert.ok(r);
    assert.match(r.reason, /typical baseline 1[45]\dMi \(median of 1 live pods\)/);
  });
});
