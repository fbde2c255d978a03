import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phase } from '../../../bench/sim/pod.js';
import { GiB } from './fixtures.js';
import { Harness, steady } from './harness.js';

const small = { nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, nodeProvisionDelayS: 30, nodeRemoveDelayS: 60 };

test('pods are placed first-fit by requests; one that fits nowhere waits while a node is provisioned', () => {
  const h = new Harness(small).start(steady('a', 300, 100), steady('b', 300, 100), steady('c', 300, 100), steady('d', 300, 100), steady('e', 300, 100));
  // 512Mi requests: four fit the 2 GiB node, the fifth waits.
  assert.deepEqual(['a', 'b', 'c', 'd'].map((n) => h.pod(n).node?.name), ['node-1', 'node-1', 'node-1', 'node-1']);
  assert.equal(h.pod('e').phase, Phase.Pending);
  assert.equal(h.c.pool.nodes.length, 2, 'a node is being provisioned');
  h.to(29);
  assert.equal(h.pod('e').phase, Phase.Pending, 'the new node is not ready before the provisioning delay');
  h.to(30);
  assert.equal(h.pod('e').phase, Phase.Running);
  assert.equal(h.pod('e').node?.name, 'node-2');
  assert.equal(h.pod('e').progress, 0, 'the waiting pod did no work');
});

test('placement counts requests, not usage', () => {
  // Each pod uses little but requests 1 GiB: only two fit a 2 GiB node.
  const big = { requests: { memBytes: 1 * GiB, cpuCores: 0.1 }, limits: { memBytes: 2 * GiB, cpuCores: 1 } };
  const h = new Harness({ ...small, initial: big }).start(steady('a', 100, 10), steady('b', 100, 10), steady('c', 100, 10));
  assert.equal(h.pod('c').phase, Phase.Pending);
});

test('a pod whose requests exceed any node fails its session instead of waiting forever', () => {
  const huge = { requests: { memBytes: 4 * GiB, cpuCores: 0.1 }, limits: { memBytes: 4 * GiB, cpuCores: 1 } };
  const h = new Harness({ ...small, initial: huge }).start(steady('a', 100, 10));
  assert.equal(h.c.byKey.size, 0);
  assert.equal(h.c.score.sessionsFailed, 1);
});
