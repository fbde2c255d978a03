import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slack } from '../../../bench/score/scoring.js';
import { flat, GiB, run, sorted } from './fixtures.js';

test('memSlack = 1 - ∫used / ∫requested over scored pod-seconds; GiB-hours and core-hours add up', async () => {
  // 256 MiB used against the 512 MiB default request, for 3600 s: half is slack.
  const out = await run(flat('a', 0, 3600, 256, 0.125));
  assert.equal(out.row.memSlack, 0.5);
  assert.equal(out.row.cpuSlack, 0.75);
  assert.equal(out.row.memRequestedGiBHours, 0.5);
  assert.equal(out.row.memUsedGiBHours, 0.25);
  assert.equal(out.row.cpuRequestedCoreHours, 0.5);
  assert.equal(out.row.scoredPodSeconds, 3600);
});

test('the warm-up is replayed but not scored', async () => {
  // 512 MiB (no slack) for the first 1000 s, then 128 MiB (75 % slack).
  const samples = sorted(flat('a', 0, 999, 512), flat('a', 1000, 2000, 128));
  const cold = await run(samples);
  const warm = await run(samples, { warmupS: 1000 });
  assert.equal(warm.row.memSlack, 0.75);
  assert.ok(cold.row.memSlack < 0.4);
  assert.equal(warm.row.scoredPodSeconds, 1000);
});

test('events in the warm-up are not counted', async () => {
  const samples = sorted(flat('a', 0, 100, 2048), flat('b', 500, 600, 2048));
  const out = await run(samples, { warmupS: 300, sim: { restartPolicy: 'Never' } });
  assert.equal(out.row.oomKills, 1);
  assert.equal(out.row.sessionsFailed, 1);
});

test('slack is 0 when nothing was requested', () => {
  assert.equal(slack(0, 0), 0);
  assert.equal(slack(1, 4), 0.75);
});

test('node-hours and peak nodes come from the elastic pool', async () => {
  const samples = sorted(...['a', 'b', 'c'].map((s) => flat(s, 0, 3600, 100)));
  const out = await run(samples, { sim: { initial: { requests: { memBytes: 6 * GiB, cpuCores: 0.5 }, limits: { memBytes: 8 * GiB, cpuCores: 1 } } } });
  assert.equal(out.row.peakNodes, 2, 'two 6 GiB pods per 14 GiB node');
  assert.ok(out.row.nodeHours > 1.9 && out.row.nodeHours < 2.4, `nodeHours ${out.row.nodeHours}`);
});
