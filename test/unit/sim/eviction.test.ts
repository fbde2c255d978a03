import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phase } from '../../../bench/sim/pod.js';
import { GiB, MiB } from './fixtures.js';
import { Harness, session, steady } from './harness.js';

const node2g = { nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, nodeProvisionDelayS: 1000 };
const roomy = { requests: { memBytes: 512 * MiB, cpuCores: 0.1 }, limits: { memBytes: 4 * GiB, cpuCores: 1 } };

// Grows to 1600 MiB at 20 s of work: far above its 512 MiB request.
function grower() {
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= 100; r++) rows.push([r, r < 20 ? 300 : 1600, 0.1]);
  return session('big', rows);
}

test('when usage on a node exceeds its allocatable memory, the pod furthest above its request is evicted', () => {
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('a', 100, 600), grower());
  h.to(19);
  assert.equal(h.c.score.evictions, 0, '600 + 300 MiB fit');
  h.to(20); // 600 + 1600 MiB > 2 GiB
  assert.equal(h.c.score.evictions, 1);
  assert.equal(h.pod('a').phase, Phase.Running, 'the pod within its request stays');
  assert.equal(h.c.score.lostWorkSeconds, 20, 'the evicted session loses its 20 s of work');
});

test('the evicted pod is replaced from the template: initial resources, no restarts, work from the start', () => {
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('a', 100, 600), grower());
  h.to(10);
  h.resize('big', { memBytes: 700 * MiB, cpuCores: 0.1 }, { memBytes: 3 * GiB, cpuCores: 1 });
  h.to(20);
  const big = h.pod('big');
  assert.equal(big.specReqMem, 512 * MiB);
  assert.equal(big.specLimMem, 4 * GiB);
  assert.equal(big.restarts, 0);
  assert.equal(big.phase, Phase.Running, 'it fits back on the node by requests and starts over');
  assert.equal(big.progress, 0);
});
