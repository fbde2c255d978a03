import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB } from './fixtures.js';
import { Harness, steady } from './harness.js';

const small = { nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, nodeProvisionDelayS: 30, nodeRemoveDelayS: 60 };

test('an empty node is removed after the removal delay, down to the minimum size; node-hours and peak count it', () => {
  const pods = ['a', 'b', 'c', 'd', 'e'].map((n) => steady(n, n === 'e' ? 100 : 40, 100));
  const h = new Harness(small, { minNodes: 1 }).start(...pods);
  assert.equal(h.c.pool.nodes.length, 2, 'e fits nowhere: a node is requested at once');
  h.to(99); // a-d finish at 40 and leave node-1 empty; e runs 30..130 on node-2
  assert.equal(h.c.pool.nodes.length, 2, 'node-1 empty since 40 is kept until 100');
  h.to(100);
  assert.deepEqual(h.c.pool.nodes.map((n) => n.name), ['node-2']);
  h.to(300);
  assert.deepEqual(h.c.pool.nodes.map((n) => n.name), ['node-2'], 'the last node stays: the pool keeps its minimum');
  assert.equal(h.c.score.peakNodes, 2);
  // Two nodes counted at T = 0..99 (node-2 from its request on), one from 100 until e ends at 130;
  // the tail after the last session (131..300) is not counted: the trace has no live session there.
  assert.equal(h.c.score.nodeSeconds, 2 * 100 + 31);
});

test('the pool never grows past maxNodes: extra pods wait', () => {
  const pods = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n) => steady(n, 100, 100));
  const h = new Harness({ ...small, maxNodes: 2 }).start(...pods);
  h.to(40);
  assert.equal(h.c.pool.nodes.length, 2);
  assert.equal(h.c.pending.length, 1);
  h.to(101);
  assert.equal(h.c.pending.length, 0, 'the waiting pod is placed once room frees');
});
