import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, steady } from './harness.js';

test('CPU demand above the limit is throttled and counted in core-seconds', () => {
  const h = new Harness().start(steady('a', 100, 300, 1.5));
  h.to(99);
  assert.equal(h.pod('a').usageCpu, 1, 'usage is capped at the 1-core limit');
  h.to(100);
  assert.equal(h.c.score.cpuThrottled, 0.5 * 100);
  assert.equal(h.c.score.cpuUsed, 1 * 100);
  assert.equal(h.c.score.sessionsCompleted, 1, 'not stretched: the session ends on time');
});

test('with throttleStretches the session takes longer by demand / limit', () => {
  const h = new Harness({ throttleStretches: true }).start(steady('a', 100, 300, 2));
  h.to(199);
  assert.equal(h.c.score.sessionsCompleted, 0);
  h.to(200);
  assert.equal(h.c.score.sessionsCompleted, 1);
  assert.equal(h.c.score.podSeconds, 200);
});

test('pods whose summed CPU passes the node cores contend: the excess is throttled, limits or not', () => {
  // Two pods each under their 1-core limit but together above a 1.5-core node: 0.4 core of contention.
  const h = new Harness({ nodeAllocatable: { memBytes: 14 * 1024 ** 3, cpuCores: 1.5 } }).start(steady('a', 100, 100, 0.95), steady('b', 100, 100, 0.95));
  h.to(99);
  assert.equal(h.pod('a').node, h.pod('b').node, 'both on one node (requests fit)');
  h.to(100);
  assert.ok(Math.abs(h.c.score.cpuThrottled - 0.4 * 100) < 1e-6, String(h.c.score.cpuThrottled));
});
