import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartDelayS } from '../../../bench/sim/kubelet.js';
import { Phase } from '../../../bench/sim/pod.js';
import { Harness, session } from './harness.js';

// 300 MiB, then 1500 MiB from 20 s of work on: above the 1 GiB default limit.
function spiky() {
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= 100; r++) rows.push([r, r < 20 ? 300 : 1500, 0.1]);
  return session('a', rows);
}

test('usage above the memory limit kills the container; it restarts at once, and redoes its work', () => {
  const h = new Harness({ oomBackoffS: { initial: 10, max: 15 } }).start(spiky());
  h.to(19);
  assert.equal(h.c.score.oomKills, 0);
  h.to(20);
  const pod = h.pod('a');
  assert.equal(h.c.score.oomKills, 1);
  assert.equal(pod.phase, Phase.BackOff);
  assert.equal(pod.restartAtT, 20, 'the first restart is immediate: the kubelet has no back-off yet');
  assert.equal(h.c.score.lostWorkSeconds, 20);
  h.to(21);
  assert.equal(pod.phase, Phase.Running);
  assert.equal(pod.progress, 0, 'the session starts over');
});

test('later kills wait out CrashLoopBackOff: 10 s, doubling, capped', () => {
  const h = new Harness({ oomBackoffS: { initial: 10, max: 15 } }).start(spiky());
  h.to(41); // restarted at 21, killed again after 20 s of work
  const pod = h.pod('a');
  assert.equal(h.c.score.oomKills, 2);
  assert.equal(pod.restartAtT, 51, 'second kill: 10 s');
  h.to(71); // restarted at 51, killed after 20 s of work at 71: 20 s capped at 15
  assert.equal(h.c.score.oomKills, 3);
  assert.equal(pod.restartAtT, 86);
  assert.deepEqual([1, 2, 3, 4, 5, 10].map((k) => restartDelayS({ initial: 10, max: 300 }, k)), [0, 10, 20, 40, 80, 300]);
});

test('under restartPolicy Always there is no restart cap: the session keeps restarting', () => {
  const h = new Harness({ oomBackoffS: { initial: 1, max: 1 } }).start(spiky());
  h.to(1000);
  assert.ok(h.c.score.oomKills > 20, `kills ${h.c.score.oomKills}`);
  assert.equal(h.c.score.sessionsFailed, 0);
  assert.equal(h.pod('a').phase === Phase.Gone, false);
});

test('with restartPolicy Never the first OOM kill fails the session', () => {
  const h = new Harness({ restartPolicy: 'Never' }).start(spiky());
  h.to(20);
  assert.equal(h.c.score.oomKills, 1);
  assert.equal(h.c.score.sessionsFailed, 1);
  assert.equal(h.c.byKey.size, 0);
});

test('a brief spike between steps still kills: the OOM check sees the peak of every sample crossed', () => {
  const rows: Array<[number, number, number]> = [[0, 300, 0.1], [10, 300, 0.1], [10.5, 1500, 0.1], [11, 300, 0.1], [30, 300, 0.1]];
  const h = new Harness().start(session('a', rows));
  h.to(11);
  assert.equal(h.c.score.oomKills, 1);
});

test('the back-off resets after the container has run 10 minutes without a kill', () => {
  // 300 MiB, then 1500 MiB at 700 s of work: every run is killed 700 s in, longer than the 600 s reset.
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= 800; r++) rows.push([r, r < 700 ? 300 : 1500, 0.1]);
  const h = new Harness({ oomBackoffS: { initial: 10, max: 300 } }).start(session('a', rows));
  h.to(700);
  assert.equal(h.pod('a').restartAtT, 700);
  h.to(1401); // restarted at 701, killed again at 1401
  assert.equal(h.pod('a').restarts, 2);
  assert.equal(h.pod('a').restartAtT, 1401, 'at once again: the kubelet forgot the first crash');
});
