import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy } from '../../../src/policy/predictive/index.js';
import { CREATED_LIMIT_TRUST } from '../../../src/policy/predictive/recommend.js';

// A write that goes for another reason (here the CPU request, admitted far below use) used to carry a
// memory-limit cut from the pod's template limit down to the class prior's target: out of sample that
// target is short, and the pod's next spike hit the lowered limit (mini-swe-agent, 4x8Gi ×4, --cv 5).
function podView(limits: { memBytes: number; cpuCores: number }): PodView {
  return {
    ref: { namespace: 'ns', name: 'a' },
    key: 'ns/a',
    agentClass: 'swe',
    container: 'agent',
    qos: 'Burstable',
    requests: { memBytes: 256 * MiB, cpuCores: 0.025 },
    limits,
    resize: { phase: 'none' },
    running: true,
    startedAtMs: 0,
    restarts: 0,
  };
}

const sample = (tS: number): AgentSample => ({ pod: 'ns/a', tMs: tS * 1000, memBytes: 190 * MiB, cpuCores: 0.3 });

function writes(limits: { memBytes: number; cpuCores: number }, untilS: number): ResizeRecommendation[] {
  const p = createPredictivePolicy({ riskBudget: 0.002 });
  const st = p.init();
  const out: ResizeRecommendation[] = [];
  for (let t = 15; t <= untilS; t += 15) {
    const ctx = { nowMs: t * 1000, pods: [podView(limits)], scaledObjects: [] };
    p.observe(st, [sample(t)], ctx);
    out.push(...p.recommend(st, ctx).filter((r): r is ResizeRecommendation => r.kind === 'resize'));
  }
  return out;
}

test('a memory limit is not lowered below the one the pod was created with, also by a write that goes for CPU', () => {
  // The model's target here is ~760 Mi (baseline 190 Mi + the class burst): 1 Gi is within CREATED_LIMIT_TRUST of it.
  const created = { memBytes: 1 * GiB, cpuCores: 4 };
  const recs = writes(created, 600);
  assert.ok(recs.length > 0, 'the CPU request far below use is written');
  for (const r of recs) assert.ok(r.limits.memBytes >= created.memBytes, `limit cut to ${Math.round(r.limits.memBytes / MiB)} Mi, below the created 1024 Mi: ${r.reason}`);
  assert.ok(recs.some((r) => /held by created-limit/.test(r.reason)), 'the reason says the created limit holds it');
});

test('a created limit many times the target is slack: it comes down, to a multiple of the target, not to the target', () => {
  const created = { memBytes: 6 * GiB, cpuCores: 4 };
  const recs = writes(created, 600);
  const lowest = Math.min(...recs.map((r) => r.limits.memBytes));
  assert.ok(lowest < created.memBytes, 'the 6 Gi limit comes down');
  // The same pod created at 1 Gi (within the trust of its ~760 Mi target) keeps 1 Gi; created at 6 Gi it
  // comes down to about CREATED_LIMIT_TRUST × 760 Mi, above that.
  assert.ok(lowest >= 1 * GiB, `lowered to ${Math.round(lowest / MiB)} Mi, below what a 1 Gi pod of the class keeps`);
  assert.ok(lowest <= CREATED_LIMIT_TRUST * 1 * GiB, 'not held near the 6 Gi template');
});
