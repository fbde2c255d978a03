// The cold cap (admit.ts ADMIT_WARM_OUTCOMES) holds for live pods too (recommend.ts coldRequestCap): while
// a class has few outcomes, a pod whose request covers what it uses is not raised to the class's price.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy, resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';
import { ADMIT_WARM_OUTCOMES } from '../../../src/policy/predictive/admit.js';
import { classModel } from '../../../src/policy/predictive/state.js';
import { agentPodView } from './agent-pod-view.js';

const node = { memBytes: 8 * GiB, cpuCores: 4 };

/** One pod at `memMi`, request `reqMi`, sampled every 15 s for a minute; its last recommendation. */
function lastRec(memMi: number, reqMi: number): { rec: ResizeRecommendation | undefined; cold: boolean } {
  const o = { riskBudget: 0.002 };
  const p = createPredictivePolicy(o);
  const st = p.init();
  const v: PodView = agentPodView('ns/a', { requests: { memBytes: reqMi * MiB, cpuCores: 0.25 }, limits: { memBytes: 4 * GiB, cpuCores: 1 }, nodeAllocatable: node });
  let rec: ResizeRecommendation | undefined;
  for (let k = 1; k <= 4; k++) {
    const tMs = k * 15_000;
    const s: AgentSample = { pod: v.key, tMs, memBytes: memMi * MiB, cpuCores: 0.2, agentClass: 'swe' };
    const ctx = { nowMs: tMs, pods: [v], scaledObjects: [] };
    p.observe(st, [s], ctx);
    rec = p.recommend(st, ctx).find((r): r is ResizeRecommendation => r.kind === 'resize');
  }
  return { rec, cold: classModel(st, 'swe', resolvePredictiveOptions(o)).folds < ADMIT_WARM_OUTCOMES };
}

describe('the cold cap for live pods', () => {
  it('a pod of a cold class whose request covers its usage keeps its request, whatever the price', () => {
    const { rec, cold } = lastRec(150, 300);
    assert.ok(cold);
    assert.ok(rec === undefined || rec.requests.memBytes <= 300 * MiB, `request raised to ${Math.round((rec?.requests.memBytes ?? 0) / MiB)}Mi`);
  });
  it('a pod of a cold class using more than its request is still raised', () => {
    const { rec, cold } = lastRec(600, 300);
    assert.ok(cold);
    assert.ok(rec !== undefined && rec.requests.memBytes > 600 * MiB, `request ${Math.round((rec?.requests.memBytes ?? 0) / MiB)}Mi`);
  });
});
