import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy } from '../../../src/policy/predictive/index.js';
import { oomShare } from '../../../src/policy/predictive/oom-share.js';

// Issue 11, defect 4: any restart counted as an OOM (a SIGKILL with reason Error raised the limit ×1.2),
// and one pod's OOM lifted every sibling's limit 204 → 316 Mi.
function podView(name: string, over: Partial<PodView> = {}): PodView {
  return {
    ref: { namespace: 'ns', name },
    key: `ns/${name}`,
    agentClass: 'swe',
    container: 'agent',
    qos: 'Burstable',
    requests: { memBytes: 128 * MiB, cpuCores: 0.5 },
    limits: { memBytes: 1 * GiB, cpuCores: 1 },
    resize: { phase: 'none' },
    running: true,
    startedAtMs: 0,
    restarts: 0,
    ...over,
  };
}

const sample = (pod: string, tS: number, memBytes: number): AgentSample => ({ pod: `ns/${pod}`, tMs: tS * 1000, memBytes, cpuCores: 0.1 });

/** Ticks every 15 s for `untilS`; `podsAt(t)` gives the cluster view at each tick. Last tick's memory limits by pod. */
function limitsAfter(untilS: number, mems: Record<string, number>, podsAt: (tS: number) => PodView[]): Map<string, ResizeRecommendation> {
  const p = createPredictivePolicy({ riskBudget: 0.002 });
  const st = p.init();
  let recs: ResizeRecommendation[] = [];
  for (let t = 15; t <= untilS; t += 15) {
    const ctx = { nowMs: t * 1000, pods: podsAt(t), scaledObjects: [] };
    p.observe(st, Object.entries(mems).map(([pod, m]) => sample(pod, t, m)), ctx);
    recs = p.recommend(st, ctx).filter((r): r is ResizeRecommendation => r.kind === 'resize');
  }
  return new Map(recs.map((r) => [r.pod, r]));
}

test('a restart that is not an OOM kill does not raise the limit', () => {
  // A generous limit (3 Gi): a ×1.2 bump of it would stand above anything the model asks.
  const limits = { memBytes: 3 * GiB, cpuCores: 1 };
  const quiet = limitsAfter(600, { a: 300 * MiB }, () => [podView('a', { limits })]);
  // At 300 s the container restarts with reason Error (lastState.terminated.reason != OOMKilled).
  const restarted = limitsAfter(600, { a: 300 * MiB }, (t) => [podView('a', { limits, restarts: t >= 300 ? 1 : 0 })]);
  const got = restarted.get('ns/a')?.limits.memBytes;
  assert.ok(got === undefined || got < 3 * GiB * 1.1, `a non-OOM restart raised the limit to ${Math.round((got ?? 0) / MiB)} Mi`);
  assert.equal(got, quiet.get('ns/a')?.limits.memBytes);
});

test("a sibling's OOM kill lifts a pod by a share scaled to its baseline, said in the reason; the killed pod gets the whole excess", () => {
  const mems = { big: 300 * MiB, small: 100 * MiB };
  // The big pod runs at the limit the policy gives it (as it would under burstguard) and is killed there.
  const sized = limitsAfter(600, mems, () => [podView('big'), podView('small')]).get('ns/big')?.limits.memBytes ?? GiB;
  const limits = { memBytes: sized, cpuCores: 1 };
  const quiet = limitsAfter(600, mems, () => [podView('big', { limits }), podView('small')]);
  const killedAt = 300;
  const after = limitsAfter(600, mems, (t) => [
    podView('big', { limits, ...(t >= killedAt ? { restarts: 1, lastOomAtMs: killedAt * 1000 - 500 } : {}) }),
    podView('small'),
  ]);
  const lift = (after.get('ns/small')?.limits.memBytes ?? 0) - (quiet.get('ns/small')?.limits.memBytes ?? 0);
  // The 100 Mi sibling of a 300 Mi killed pod carries at most a third of the proven excess.
  const excess = sized * 1.2 - 300 * MiB;
  assert.ok(lift <= excess / 3 + MiB, `the sibling was lifted by ${Math.round(lift / MiB)} Mi, more than a third of the class's ${Math.round(excess / MiB)} Mi`);
  const small = after.get('ns/small');
  if (small !== undefined && /oom-memory/.test(small.reason)) assert.match(small.reason, /a sibling was OOM-killed: class share/);
  const big = after.get('ns/big');
  assert.ok(big !== undefined && big.limits.memBytes >= sized * 1.15, 'the killed pod keeps about its limit × 1.2 (the class memory decays slowly)');
});

test('oomShare: the killed pod carries the whole excess; a sibling the excess scaled to its own baseline, never more than the whole', () => {
  const E = 900 * MiB;
  assert.equal(oomShare(E, true, 100 * MiB, 300 * MiB).bytes, E);
  assert.equal(oomShare(E, false, 300 * MiB, 300 * MiB).bytes, E);
  assert.equal(oomShare(E, false, 100 * MiB, 300 * MiB).bytes, E / 3);
  assert.equal(oomShare(E, false, 600 * MiB, 300 * MiB).bytes, E, 'a larger sibling gets the whole excess, not more');
  assert.equal(oomShare(E, false, 100 * MiB, 0).bytes, E, 'the killed pod unknown: the whole excess');
  assert.equal(oomShare(0, false, 100 * MiB, 300 * MiB).source, 'none');
  assert.match(oomShare(E, false, 100 * MiB, 300 * MiB).note, /class share \+300Mi \(33% of the class's \+900Mi, scaled to its baseline 100Mi from the killed pod's 300Mi\)/);
});

test("a sibling as large as the killed pod is raised past the killed pod's limit × 1.2 on the next tick", () => {
  // Two pods of one class at the same baseline; one is killed at its limit. The kill proves the class
  // reaches that limit: its twin must not wait for the same spike (claude-code-local-model, --cv 5).
  const mems = { a: 1300 * MiB, b: 1300 * MiB };
  const limits = { memBytes: 3400 * MiB, cpuCores: 1 };
  const killedAt = 300;
  const after = limitsAfter(killedAt + 15, mems, (t) => [
    podView('a', { limits, ...(t >= killedAt ? { restarts: 1, lastOomAtMs: killedAt * 1000 - 500 } : {}) }),
    podView('b', { limits }),
  ]);
  const b = after.get('ns/b');
  assert.ok(b !== undefined && b.limits.memBytes >= limits.memBytes * 1.2 - MiB, `the twin's limit ${Math.round((b?.limits.memBytes ?? 0) / MiB)} Mi`);
  assert.match(b.reason, /a sibling was OOM-killed: class share/);
});
