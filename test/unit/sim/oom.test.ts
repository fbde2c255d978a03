import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phase } from '../../../bench/sim/pod.js';
import { Harness, session } from './harness.js';

// 300 MiB, then 1500 MiB from 20 s of work on: above the 1 GiB default limit.
function spiky() {
  const rows: Array<[number, number, number]> = [];
  for (let r = 0; r <= 100; r++) rows.push([r, r < 20 ? 300 : 1500, 0.1]);
  return session('a', rows);
}

test('usage above the memory limit kills the container; it restarts after a doubling back-off and redoes its work', () => {
  const h = new Harness({ oomBackoffS: { initial: 10, max: 15 }, maxRestarts: 10 }).start(spiky());
  h.to(19);
  assert.equal(h.c.score.oomKills, 0);
  h.to(20);
  const pod = h.pod('a');
  assert.equal(h.c.score.oomKills, 1);
  assert.equal(pod.phase, Phase.BackOff);
  assert.equal(h.c.score.lostWorkSeconds, 20);
  h.to(29);
  assert.equal(pod.phase, Phase.BackOff);
  h.to(30); // back-off 10 s
  assert.equal(pod.phase, Phase.Running);
  assert.equal(pod.progress, 0, 'the session starts over');
  h.to(50); // killed again after 20 s of work; back-off 20 s capped at 15
  assert.equal(h.c.score.oomKills, 2);
  assert.equal(pod.restartAtT, 65);
  assert.equal(h.c.score.lostWorkSeconds, 40);
  assert.equal(pod.restarts, 2);
});

test('with restartPolicy Never the first OOM kill fails the session', () => {
  const h = new Harness({ restartPolicy: 'Never' }).start(spiky());
  h.to(20);
  assert.equal(h.c.score.oomKills, 1);
  assert.equal(h.c.score.sessionsFailed, 1);
  assert.equal(h.c.byKey.size, 0);
});

test('a session killed more than maxRestarts times fails', () => {
  const h = new Harness({ maxRestarts: 1, oomBackoffS: { initial: 10, max: 10 } }).start(spiky());
  h.to(49);
  assert.equal(h.c.score.sessionsFailed, 0);
  h.to(50);
  assert.equal(h.c.score.oomKills, 2);
  assert.equal(h.c.score.sessionsFailed, 1);
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
  const h = new Harness({ oomBackoffS: { initial: 10, max: 300 }, maxRestarts: 10 }).start(session('a', rows));
  h.to(700);
  assert.equal(h.pod('a').restartAtT, 710);
  h.to(1410); // restarted at 710, killed again at 1410
  assert.equal(h.pod('a').restarts, 2);
  assert.equal(h.pod('a').restartAtT, 1420, 'still 10 s: the kubelet forgot the first crash');
});
