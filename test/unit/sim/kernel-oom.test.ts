import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oomScoreAdj } from '../../../bench/sim/node-memory.js';
import { Phase } from '../../../bench/sim/pod.js';
import { GiB, MiB } from './fixtures.js';
import { Harness, session, steady } from './harness.js';

const node2g = { nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, nodeProvisionDelayS: 1000 };
const roomy = { requests: { memBytes: 512 * MiB, cpuCores: 0.1 }, limits: { memBytes: 4 * GiB, cpuCores: 1 } };

test('oom_score_adj as the kubelet sets it: Guaranteed -997, BestEffort 1000, Burstable 1000 - 1000·request/capacity in [3, 999]', () => {
  assert.equal(oomScoreAdj('Guaranteed', GiB, 4 * GiB), -997);
  assert.equal(oomScoreAdj('BestEffort', 0, 4 * GiB), 1000);
  assert.equal(oomScoreAdj('Burstable', GiB, 4 * GiB), 750);
  assert.equal(oomScoreAdj('Burstable', 4 * GiB, 4 * GiB), 3, 'never as low as Guaranteed');
  assert.equal(oomScoreAdj('Burstable', 0, 4 * GiB), 999, 'never as high as BestEffort');
});

test('when the pods pass the node memory, the kernel kills at once, before any eviction pass', () => {
  // 600 + 1700 MiB = 2300 MiB from 13 s: above the 2148 MiB kernel line (allocatable + 100Mi).
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= 100; r++) rows.push([r, r < 13 ? 300 : 1700, 0.1]);
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('a', 100, 600), session('big', rows));
  h.to(13);
  assert.equal(h.c.score.nodeOomKills, 1);
  assert.equal(h.c.score.evictions, 0);
  assert.equal(h.pod('big').phase, Phase.BackOff, 'big (same adj, more memory) dies');
  assert.equal(h.pod('big').restartAtT, 13, 'and restarts at once, as after any first OOM kill');
  assert.equal(h.pod('a').phase, Phase.Running);
  assert.equal(h.c.score.lostWorkSeconds, 13);
});

test('the kernel picks by oom_score: the smallest request relative to usage dies, not the largest user', () => {
  // 'small' uses 900 MiB on a 64 MiB request (adj ≈ 969); 'large' uses 1300 MiB on a 1.5 GiB request (adj ≈ 302).
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('small', 100, 300), steady('large', 100, 300));
  h.resize('small', { memBytes: 64 * MiB, cpuCores: 0.1 }, { memBytes: 4 * GiB, cpuCores: 1 });
  h.resize('large', { memBytes: 1536 * MiB, cpuCores: 0.1 }, { memBytes: 4 * GiB, cpuCores: 1 });
  h.to(6);
  // oom_score_adj is set when a container starts: restart both so their adj follows the new requests.
  for (const name of ['small', 'large']) h.pod(name).restartWork(h.T);
  h.pod('small').session.mem.fill(900 * MiB);
  h.pod('large').session.mem.fill(1300 * MiB);
  h.to(7);
  assert.equal(h.c.score.nodeOomKills, 1);
  assert.equal(h.pod('small').phase, Phase.BackOff);
  assert.equal(h.pod('large').phase, Phase.Running);
});

test('the kernel kills only until the pods fit again', () => {
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('a', 100, 800), steady('b', 100, 800), steady('c', 100, 300));
  h.to(3);
  h.pod('c').session.mem.fill(700 * MiB); // 2300 MiB: one kill brings it under
  h.to(4);
  assert.equal(h.c.score.nodeOomKills, 1);
  assert.equal(h.c.live.filter((p) => p.phase === Phase.Running).length, 2);
});
