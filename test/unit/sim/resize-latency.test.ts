import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResizePhase } from '../../../bench/sim/pod.js';
import { GiB, MiB } from './fixtures.js';
import { Harness, steady } from './harness.js';

test('an admitted resize is enforced only after the resize latency', () => {
  const h = new Harness({ resizeLatencyS: 5 }).start(steady('a', 100, 300));
  h.to(10);
  const r = h.resize('a', { memBytes: 512 * MiB, cpuCores: 0.5 }, { memBytes: 2 * GiB, cpuCores: 1 });
  assert.ok(r.ok && r.value.outcome === 'applied');
  const pod = h.pod('a');
  assert.equal(pod.specLimMem, 2 * GiB, 'the spec changes at once');
  assert.equal(pod.resize, ResizePhase.InProgress);
  h.to(14);
  assert.equal(pod.actLimMem, 1 * GiB, 'still the old limit before the latency has passed');
  h.to(15);
  assert.equal(pod.actLimMem, 2 * GiB);
  assert.equal(pod.resize, ResizePhase.None);
});

test('a pod view reports spec, enforced limits and the in-progress resize', async () => {
  const h = new Harness({ resizeLatencyS: 5 }).start(steady('a', 100, 300));
  h.to(3);
  h.resize('a', { memBytes: 512 * MiB, cpuCores: 0.5 }, { memBytes: 2 * GiB, cpuCores: 1 });
  const snap = await h.view.snapshot();
  assert.ok(snap.ok);
  const v = snap.value.pods[0];
  assert.ok(v);
  assert.equal(v.limits.memBytes, 2 * GiB);
  assert.equal(v.actualLimits?.memBytes, 1 * GiB);
  assert.deepEqual(v.resize, { phase: 'in-progress' });
  assert.equal(v.nodeName, 'node-1');
});
