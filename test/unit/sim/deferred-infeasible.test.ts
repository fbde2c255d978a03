import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResizePhase } from '../../../bench/sim/pod.js';
import { GiB, MiB } from './fixtures.js';
import { Harness, steady } from './harness.js';

const node2g = { nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, resizeLatencyS: 5 };

test('a resize that does not fit beside the other pods is Deferred, then admitted when room frees', async () => {
  const h = new Harness(node2g).start(steady('a', 200, 100), steady('b', 50, 100), steady('c', 200, 100));
  const r = h.resize('a', { memBytes: 1200 * MiB, cpuCores: 0.5 }, { memBytes: 2 * GiB, cpuCores: 1 });
  assert.ok(r.ok);
  assert.equal(r.value.outcome, 'deferred');
  assert.match((r.value as { message: string }).message, /Node didn't have enough resources: memory/);
  assert.equal(h.c.score.resizesDeferred, 1);
  h.to(10);
  const snap = await h.view.snapshot();
  assert.ok(snap.ok);
  assert.equal(snap.value.pods.find((p) => p.ref.name === 'a')?.resize.phase, 'deferred');
  assert.equal(h.pod('a').allocReqMem, 512 * MiB, 'the node keeps counting the old request');
  h.to(50); // b finishes at 50: the kubelet retries and admits
  assert.equal(h.pod('a').resize, ResizePhase.InProgress);
  assert.equal(h.pod('a').allocReqMem, 1200 * MiB);
  h.to(55);
  assert.equal(h.pod('a').actLimMem, 2 * GiB);
});

test('a resize whose requests exceed the node allocatable is Infeasible and never retried', () => {
  const h = new Harness(node2g).start(steady('a', 200, 100));
  const r = h.resize('a', { memBytes: 3 * GiB, cpuCores: 0.5 }, { memBytes: 4 * GiB, cpuCores: 1 });
  assert.ok(r.ok);
  assert.equal(r.value.outcome, 'infeasible');
  assert.match((r.value as { message: string }).message, /Node didn't have enough capacity/);
  h.to(100);
  assert.equal(h.pod('a').resize, ResizePhase.Infeasible);
  assert.equal(h.pod('a').allocReqMem, 512 * MiB);
  assert.equal(h.pod('a').actLimMem, 1 * GiB, 'nothing of an Infeasible resize is enforced');
  assert.equal(h.c.score.resizesInfeasible, 1);
  assert.equal(h.c.score.resizes, 1);
});

test('a new spec replaces a Deferred one', () => {
  const h = new Harness(node2g).start(steady('a', 200, 100), steady('b', 200, 100), steady('c', 200, 100));
  h.resize('a', { memBytes: 1200 * MiB, cpuCores: 0.5 }, { memBytes: 2 * GiB, cpuCores: 1 });
  const r = h.resize('a', { memBytes: 600 * MiB, cpuCores: 0.5 }, { memBytes: 2 * GiB, cpuCores: 1 });
  assert.ok(r.ok && r.value.outcome === 'applied');
  h.to(5);
  assert.equal(h.pod('a').allocReqMem, 600 * MiB);
  assert.equal(h.pod('a').resize, ResizePhase.None);
});

test('the scheduler keeps the room a Deferred resize is waiting for', () => {
  // a, b, c hold 1536 of 2048 MiB; a asks for 1200 (Deferred). d (512) would fit by allocated requests
  // alone, but the scheduler counts a at its desired 1200 and sends d elsewhere.
  const h = new Harness({ ...node2g, nodeProvisionDelayS: 30 }).start(steady('a', 200, 100), steady('b', 200, 100), steady('c', 200, 100));
  const r = h.resize('a', { memBytes: 1200 * MiB, cpuCores: 0.5 }, { memBytes: 2 * GiB, cpuCores: 1 });
  assert.ok(r.ok && r.value.outcome === 'deferred');
  h.c.addSessions([steady('d', 100, 100, 0.1, 5)], 5);
  h.to(6);
  assert.equal(h.pod('d').node, null, 'd waits for a new node');
  h.to(36);
  assert.equal(h.pod('d').node?.name, 'node-2');
});

test('Deferred resizes are retried longest-waiting first, not in the order the kubelet listed them', () => {
  const initial = { requests: { memBytes: 500 * MiB, cpuCores: 0.1 }, limits: { memBytes: 2 * GiB, cpuCores: 1 } };
  const h = new Harness({ ...node2g, initial }).start(steady('a', 200, 100), steady('b', 200, 100), steady('c', 200, 100), steady('d', 50, 100));
  const ask = (name: string, mem: number) => h.resize(name, { memBytes: mem * MiB, cpuCores: 0.1 }, { memBytes: 2 * GiB, cpuCores: 1 });
  ask('a', 540); // fits (2040 MiB of 2048): a is listed first
  h.to(1);
  ask('c', 1000); // Deferred since 1
  h.to(2);
  ask('a', 1000); // Deferred since 2, though listed before c
  assert.equal(h.pod('a').resize, ResizePhase.Deferred);
  h.to(50); // d leaves: 508 MiB free, room for one of them
  assert.equal(h.pod('c').resize, ResizePhase.InProgress, 'c waited longest');
  assert.equal(h.pod('a').resize, ResizePhase.Deferred);
});
