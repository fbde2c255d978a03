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
