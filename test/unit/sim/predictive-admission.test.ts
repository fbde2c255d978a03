// The predictive policy's admission (src/policy/predictive/admit.ts) in the simulator: pods created once
// the class is warm are scheduled and counted at what admit() wrote, without a resize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdmissionResponse, Policy } from '../../../src/policy/policy.js';
import { createPredictivePolicy, type PredictiveState } from '../../../src/policy/predictive/index.js';
import { flat, GiB, MiB, run, sorted, TEST_INITIAL } from './fixtures.js';

test('predictive: a pod created after its class warmed up is placed with the admitted requests', async () => {
  const inner = createPredictivePolicy({ riskBudget: 0.002 });
  const admitted = new Map<string, AdmissionResponse | undefined>();
  // The same policy, with its admit() answers recorded per pod.
  const policy: Policy<PredictiveState> = {
    ...inner,
    admit: (st, pod, nowMs) => {
      const r = inner.admit?.(st, pod, nowMs);
      admitted.set(pod.key, r);
      return r;
    },
  };
  // Ten early sessions warm the class up; s-late starts at 20 min.
  const early = Array.from({ length: 10 }, (_, i) => flat(`s${i}`, 0, 2400, 250 + 10 * i, 0.05));
  const samples = sorted(...early, flat('s-late', 1200, 2400, 260, 0.05));
  const out = await run(samples, { policy, timelineSessions: 11, sim: { nodeAllocatable: { memBytes: 8 * GiB, cpuCores: 4 } } });
  assert.equal(out.row.oomKills, 0);
  const late = [...admitted.entries()].find(([k]) => k.endsWith('s-late'))?.[1];
  assert.ok(late, 'the late pod passed admission');
  assert.notEqual(late.requests.memBytes, TEST_INITIAL.requests.memBytes, 'a warm class prices the request');
  assert.ok(late.requests.memBytes >= 250 * MiB, `never below the class's usage at rest (${late.requests.memBytes / MiB} MiB)`);
  const first = out.timeline.find((x) => x.session === 's-late' && x.memRequest > 0);
  assert.equal(first?.memRequest, late.requests.memBytes, 'the node counted the admitted request from the start');
  assert.equal(first?.memLimit, late.limits.memBytes);
});
