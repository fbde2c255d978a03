import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slack } from '../../../bench/score/scoring.js';
import { askFor, flat, GiB, MiB, run, sorted } from './fixtures.js';

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

test('node-hours count only while the trace has live sessions: a lull counts, the tail after the last session does not', async () => {
  // a: 0..600, lull 600..1200 (nodes kept, removal takes 600 s), b: 1200..1800, then nothing.
  const out = await run(sorted(flat('a', 0, 600, 100), flat('b', 1200, 1800, 100)));
  assert.equal(out.row.peakNodes, 1);
  assert.ok(Math.abs(out.row.nodeHours - 1800 / 3600) < 2 / 3600, `nodeHours ${out.row.nodeHours}`);
});

test('disruptions add up kills, evictions and node OOM kills, per 100 pod-hours', async () => {
  const out = await run(sorted(flat('a', 0, 3600, 2048), flat('b', 0, 3600, 100)), { sim: { restartPolicy: 'Never' } });
  assert.equal(out.row.oomKills, 1, 'a passes its 1 GiB limit at once');
  assert.equal(out.row.disruptions, out.row.oomKills + out.row.evictions + out.row.nodeOomKills);
  const podHours = (out.row.scoredPodSeconds as number) / 3600;
  assert.ok(Math.abs(out.row.disruptionsPer100PodHours - (100 * out.row.disruptions) / podHours) < 1e-3);
});

test('unreservedGiBHours integrates usage above the request; overRequestShare is the share of pod-seconds above it', async () => {
  // 768 MiB used against the 512 MiB request for the second half of the session.
  const out = await run(sorted(flat('a', 0, 1800, 256), flat('a', 1801, 3600, 768)));
  assert.ok(Math.abs(out.row.unreservedGiBHours - 0.125) < 0.001, `unreserved ${out.row.unreservedGiBHours}`);
  assert.ok(Math.abs(out.row.overRequestShare - 0.5) < 0.001, `share ${out.row.overRequestShare}`);
});

test('apiWrites counts a PATCH and an Event for every resize the controller sends', async () => {
  const steadyAsk = askFor({ memBytes: 400 * MiB, cpuCores: 0.2 }, { memBytes: 800 * MiB, cpuCores: 1 });
  const out = await run(flat('a', 0, 3600, 100), { policy: steadyAsk });
  assert.ok(out.row.resizes >= 1);
  assert.equal(out.row.apiWrites, 2 * out.row.resizes, 'every PATCH here is accepted, and each gets an Event');
  assert.ok(Math.abs(out.row.apiWritesPerPodHour - out.row.apiWrites) < 0.01, 'one pod-hour');
  const none = await run(flat('a', 0, 3600, 100));
  assert.equal(none.row.apiWrites, 0, 'static writes nothing');
});
