import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phase } from '../../../bench/sim/pod.js';
import { GiB, MiB } from './fixtures.js';
import { Harness, session, steady } from './harness.js';

// A 2 GiB node; the kernel line is 100 MiB above it (the hard eviction threshold).
const node2g = { nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, nodeProvisionDelayS: 1000 };
const roomy = { requests: { memBytes: 512 * MiB, cpuCores: 0.1 }, limits: { memBytes: 4 * GiB, cpuCores: 1 } };

/** 300 MiB, then `to` MiB from `at` s of work on. */
function grower(name: string, at: number, to: number) {
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= 100; r++) rows.push([r, r < at ? 300 : to, 0.1]);
  return session(name, rows);
}

test('the eviction manager looks every 10 s: pressure between two passes waits for the next', () => {
  // 600 + 1500 MiB = 2100 MiB from 13 s: above the 2048 MiB allocatable, below the 2148 MiB kernel line.
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('a', 100, 600), grower('big', 13, 1500));
  h.to(19);
  assert.equal(h.c.score.evictions, 0, 'no pass between 10 and 20');
  h.to(20);
  assert.equal(h.c.score.evictions, 1);
  assert.equal(h.c.score.nodeOomKills, 0, 'the kernel line was never crossed');
});

test('it evicts one pod per pass, the one using most above its request among those above it', () => {
  // Three pods above their 512 MiB request, 2250 MiB together would cross the kernel line: keep them below it.
  const h = new Harness({ ...node2g, initial: roomy }).start(grower('x', 5, 700), grower('y', 5, 800), grower('z', 5, 600));
  h.to(10);
  assert.equal(h.c.score.evictions, 1);
  assert.equal(h.pod('y').phase, Phase.Running, 'y is back, replaced from the template on the same node');
  assert.equal(h.pod('y').progress, 0, 'y (288 MiB above its request) was the one evicted');
  assert.ok(h.pod('x').progress > 0 && h.pod('z').progress > 0);
});

test('a pod within its request is evicted only after every pod above its request', () => {
  // 'a' uses 1800 MiB against a 2 GiB request; 'b' uses 400 MiB against a 100 MiB request.
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('a', 100, 300), steady('b', 100, 400));
  h.resize('a', { memBytes: 1900 * MiB, cpuCores: 0.1 }, { memBytes: 4 * GiB, cpuCores: 1 });
  h.resize('b', { memBytes: 100 * MiB, cpuCores: 0.1 }, { memBytes: 4 * GiB, cpuCores: 1 });
  h.to(5);
  const a = h.pod('a');
  a.session.mem.fill(1700 * MiB); // a grows to 1700 MiB, still within its 1900 MiB request
  h.to(10);
  assert.equal(h.c.score.evictions, 1);
  assert.equal(h.pod('b').progress, 0, 'b, only 300 MiB over but over its request, goes first');
  assert.ok(a.progress > 0);
});

test('the evicted pod is replaced from the template: initial resources, no restarts, work from the start', () => {
  const h = new Harness({ ...node2g, initial: roomy }).start(steady('a', 100, 600), grower('big', 13, 1500));
  h.to(12);
  h.resize('big', { memBytes: 700 * MiB, cpuCores: 0.1 }, { memBytes: 3 * GiB, cpuCores: 1 });
  h.to(20);
  const big = h.pod('big');
  assert.equal(big.specReqMem, 512 * MiB);
  assert.equal(big.specLimMem, 4 * GiB);
  assert.equal(big.restarts, 0);
  assert.equal(big.phase, Phase.Running, 'it fits back on the node by requests and starts over');
  assert.equal(big.progress, 0);
  assert.equal(h.c.score.lostWorkSeconds, 20, 'the evicted session loses its 20 s of work');
});
