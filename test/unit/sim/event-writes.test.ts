import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimEventWrites } from '../../../bench/sim/event-writes.js';
import { EVENT_REASONS } from '../../../src/adapters/kube/events.js';
import { MiB, flat, run } from './fixtures.js';
import { Harness, steady } from './harness.js';

const pod = { namespace: 'agents', name: 'a' };
const resized = (mem: number): { type: 'Normal'; reason: string; message: string } => ({
  type: 'Normal',
  reason: EVENT_REASONS.resized,
  message: `container agent: requests ${mem}Mi mem, 250m cpu; limits 2Gi mem, 1 cpu by predictive: memory limit up`,
});

test('repeats of one Event on one pod are one create and series PATCHes: at once for the first repeat, then at most once a minute, and once when the series ends', () => {
  const e = new SimEventWrites();
  // Five resizes 15 s apart, one tick each, same words (numbers differ).
  for (let i = 0; i < 5; i++) {
    e.record(pod, resized(300 + i), i * 15_000, true);
    e.flush(i * 15_000, true);
  }
  assert.equal(e.writes, 2, 'the create, and the first repeat at once; the next counts wait for the minute');
  e.flush(75_000, true);
  assert.equal(e.writes, 3, 'a minute after the last write, the count so far');
  e.finish(true);
  assert.equal(e.writes, 3, 'nothing left unwritten');
});

test('different words on one pod are separate Events; a series left open at the end is counted as the PATCH it gets then', () => {
  const e = new SimEventWrites();
  e.record(pod, resized(300), 0, true);
  e.record(pod, { ...resized(300), message: 'container agent: ... by predictive: cpu request up' }, 0, true);
  e.record(pod, resized(310), 1_000, true);
  e.record(pod, resized(320), 2_000, true);
  assert.equal(e.writes, 2, 'two creates');
  e.finish(true);
  assert.equal(e.writes, 3, 'the series of three is patched when it ends');
});

test('warm-up occurrences are not counted', () => {
  const e = new SimEventWrites();
  e.record(pod, resized(300), 0, false);
  e.flush(0, false);
  assert.equal(e.writes, 0);
});

test("a Deferred resize costs its PATCH, the action's Event and the view's verdict Event", () => {
  // One 4 GiB node; a pod holding most of it, and one asking for more than is left.
  const h = new Harness({ nodeAllocatable: { memBytes: 4 * 1024 * MiB, cpuCores: 4 } });
  h.start(steady('a', 100, 3000), steady('b', 100, 300));
  const b = h.pod('b');
  const r = h.act.applySync(
    { kind: 'resize', pod: b.ref, container: 'agent', requests: { memBytes: 3900 * MiB, cpuCores: 0.25 }, limits: { memBytes: 4000 * MiB, cpuCores: 1 }, reason: 'test', policy: 'test', inputs: {} },
    false,
  );
  assert.ok(r.ok && r.value.outcome === 'deferred', JSON.stringify(r));
  void h.view.snapshot();
  h.c.events.flush(0, true);
  assert.equal(h.c.score.apiPatches, 1);
  assert.equal(h.c.events.writes, 2, 'the action’s Deferred Event and the kubelet verdict the view reports');
});

test('the replay counts each Event as the recorder writes it: never fewer than one per distinct series', async () => {
  const out = await run(flat('a', 0, 3600, 100));
  assert.equal(out.row.apiWrites, 0, 'static writes nothing');
});
