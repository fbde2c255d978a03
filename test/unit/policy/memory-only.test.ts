import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MiB } from '../../../src/core/resources.js';
import type { PodView } from '../../../src/core/types.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy } from '../../../src/policy/predictive/index.js';
import { memoryTrend, rampGrowth } from '../../../models/memory-trend.js';

// Issue 11, defect 3: without agent series there was no growth forecast (a 4 MB/s ramp was OOM-killed
// twice at ε = 0.5), and CPU limits went to the class prior's peak whatever the pod used.
const RATE = 4e6; // bytes per second

function view(limits: { memBytes: number; cpuCores: number }, requests: { memBytes: number; cpuCores: number }): PodView {
  return {
    ref: { namespace: 'ns', name: 'a' },
    key: 'ns/a',
    agentClass: 'default',
    container: 'agent',
    qos: 'Burstable',
    requests,
    limits,
    actualLimits: limits,
    resize: { phase: 'none' },
    running: true,
    startedAtMs: 0,
    restarts: 0,
  };
}

test('a steady ramp without agent series is raised ahead of its limit, and CPU follows the pod', () => {
  const p = createPredictivePolicy({ riskBudget: 0.5, horizonS: 20 });
  const st = p.init();
  let limits = { memBytes: 256 * MiB, cpuCores: 1 };
  let requests = { memBytes: 128 * MiB, cpuCores: 0.1 };
  let lastCpuLimit = 0;
  // A sample every 15 s (cAdvisor-like), seen 5 s late; the ramp runs for 5 minutes.
  for (let tS = 15; tS <= 300; tS += 15) {
    const nowMs = (tS + 5) * 1000;
    const usage = 100e6 + RATE * tS;
    const pods = [view(limits, requests)];
    const ctx = { nowMs, pods, scaledObjects: [] };
    p.observe(st, [{ pod: 'ns/a', tMs: tS * 1000, memBytes: usage, cpuCores: 0.2 }], ctx);
    const rec = p.recommend(st, ctx).find((r): r is ResizeRecommendation => r.kind === 'resize');
    if (rec) {
      // Only raises matter here (the engine's guards decide on decreases).
      limits = { memBytes: Math.max(limits.memBytes, rec.limits.memBytes), cpuCores: rec.limits.cpuCores };
      requests = { memBytes: Math.min(rec.requests.memBytes, limits.memBytes), cpuCores: rec.requests.cpuCores };
      lastCpuLimit = rec.limits.cpuCores;
    }
    // Before the next action lands (next sample 15 s later, seen 5 s after that), usage stays under the limit.
    const usageAtNextAction = 100e6 + RATE * (tS + 20);
    if (tS >= 60) assert.ok(usageAtNextAction <= limits.memBytes, `at ${tS} s: usage ${Math.round(usageAtNextAction / MiB)} Mi passes the limit ${Math.round(limits.memBytes / MiB)} Mi before the next action`);
  }
  assert.ok(lastCpuLimit > 0 && lastCpuLimit <= 1, `CPU limit ${lastCpuLimit} cores for a pod using 0.2`);
});

test('Theil–Sen: a ramp with one burst keeps its slope; noise is not a ramp', () => {
  const pts = Array.from({ length: 10 }, (_, i) => ({ tMs: i * 15_000, memBytes: 100e6 + RATE * i * 15 + (i === 6 ? 300e6 : 0) }));
  const t = memoryTrend(pts);
  assert.ok(Math.abs(t.slope - RATE) < 0.05 * RATE, `slope ${t.slope}`);
  assert.ok(rampGrowth(t, 20) >= RATE * 20);
  const noise = Array.from({ length: 10 }, (_, i) => ({ tMs: i * 15_000, memBytes: 100e6 + (i % 2 === 0 ? 5e6 : -5e6) }));
  assert.equal(rampGrowth(memoryTrend(noise), 20), 0);
});

test('cold start without agent series: a 100 MB pod is not given the class tail (2 GiB), but room for a 4× burst', () => {
  const p = createPredictivePolicy({ riskBudget: 0.002 });
  const st = p.init();
  let rec: ResizeRecommendation | undefined;
  // Half an hour: the limit first held from the class baseline decays to the pod's own (limitHoldHalfLifeS).
  // Created with a 256Mi limit: a larger template limit is kept (a limit never goes below the one the pod
  // was created with, recommend.ts `creationFloor`), so only a smaller one shows what the policy sizes.
  for (let tS = 15; tS <= 1800; tS += 15) {
    const ctx = { nowMs: tS * 1000 + 2000, pods: [view({ memBytes: 256 * MiB, cpuCores: 1 }, { memBytes: 128 * MiB, cpuCores: 0.5 })], scaledObjects: [] };
    p.observe(st, [{ pod: 'ns/a', tMs: tS * 1000, memBytes: 100e6, cpuCores: 0.05 }], ctx);
    rec = p.recommend(st, ctx).find((r): r is ResizeRecommendation => r.kind === 'resize') ?? rec;
  }
  assert.ok(rec !== undefined);
  assert.ok(rec.limits.memBytes <= 512 * MiB, `limit ${Math.round(rec.limits.memBytes / MiB)} Mi for a 100 MB pod`);
  assert.ok(rec.limits.memBytes >= 370 * MiB, `limit ${Math.round(rec.limits.memBytes / MiB)} Mi leaves no room for a 100 → 400 MB burst`);
  assert.ok(rec.limits.cpuCores <= 1, `CPU limit raised to ${rec.limits.cpuCores} for a pod using 0.05`);
});
