import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResizePhase } from '../../../bench/sim/pod.js';
import { GiB, MiB } from './fixtures.js';
import { Harness, session } from './harness.js';

// 300 MiB for the first 40 s of work, then 100 MiB until 200 s.
function dropsLater() {
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= 200; r++) rows.push([r, r <= 40 ? 300 : 100, 0.1]);
  return session('a', rows);
}

test('lowering the memory limit below current usage fails as the kubelet does: Error, limit unchanged', async () => {
  const h = new Harness({ resizeLatencyS: 5 }, { kubeletSyncS: 30 }).start(dropsLater());
  h.to(10);
  const r = h.resize('a', { memBytes: 128 * MiB, cpuCores: 0.5 }, { memBytes: 256 * MiB, cpuCores: 1 });
  assert.ok(r.ok && r.value.outcome === 'applied', 'the API accepts the PATCH');
  h.to(16);
  const pod = h.pod('a');
  assert.equal(pod.resize, ResizePhase.Error);
  assert.equal(pod.actLimMem, 1 * GiB, 'the enforced limit is unchanged');
  assert.equal(pod.oomKills, 0, 'and nothing was killed');
  assert.equal(h.c.score.resizeErrors, 1);
  const snap = await h.view.snapshot();
  assert.ok(snap.ok);
  assert.equal(snap.value.pods[0]?.resize.phase, 'error');
  assert.match((snap.value.pods[0]?.resize as { message: string }).message, /cannot decrease memory limit/);
});

test('the kubelet retries the refused decrease at its sync period once usage has dropped', () => {
  const h = new Harness({ resizeLatencyS: 5 }, { kubeletSyncS: 30 }).start(dropsLater());
  h.to(10);
  h.resize('a', { memBytes: 128 * MiB, cpuCores: 0.5 }, { memBytes: 256 * MiB, cpuCores: 1 });
  h.to(44);
  assert.equal(h.pod('a').actLimMem, 1 * GiB, 'retry at 45 not yet due');
  h.to(45);
  assert.equal(h.pod('a').actLimMem, 256 * MiB);
  assert.equal(h.pod('a').resize, ResizePhase.None);
});

test('a memory decrease above current usage goes through', () => {
  const h = new Harness({ resizeLatencyS: 5 }).start(dropsLater());
  h.to(10);
  h.resize('a', { memBytes: 256 * MiB, cpuCores: 0.5 }, { memBytes: 512 * MiB, cpuCores: 1 });
  h.to(15);
  assert.equal(h.pod('a').actLimMem, 512 * MiB);
});
