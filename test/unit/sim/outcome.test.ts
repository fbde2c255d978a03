import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askFor, flat, GiB, MiB, run, sorted } from './fixtures.js';

test('the outcome keeps decimated timelines of the first sessions, with events', async () => {
  const samples = sorted(flat('a', 0, 300, 300), flat('b', 0, 300, 1500), flat('c', 0, 300, 300));
  const out = await run(samples, { timelineSessions: 2, hooks: { tuning: { timelineEveryS: 10 } } });
  const sessions = new Set(out.timeline.map((p) => p.session));
  assert.deepEqual([...sessions].sort(), ['a', 'b']);
  const a = out.timeline.filter((p) => p.session === 'a');
  assert.ok(a.length >= 29 && a.length <= 32, `${a.length} points for 300 s every 10 s`);
  assert.ok(out.timeline.some((p) => p.session === 'b' && p.event === 'oom'));
  assert.equal(a[5]?.memUsed, 300 * MiB);
  assert.equal(a[5]?.memLimit, 1 * GiB);
});

test('per-session scores and example actions with their reasons', async () => {
  const samples = sorted(flat('b', 0, 300, 300), flat('a', 0, 200, 300));
  const out = await run(samples, { policy: askFor({ memBytes: 400 * MiB, cpuCores: 0.2 }, { memBytes: 800 * MiB, cpuCores: 1 }) });
  assert.deepEqual(out.perSession.map((s) => s.session), ['a', 'b']);
  assert.equal(out.perSession[0]?.peakMem, 300 * MiB);
  assert.ok(out.sampleActions.length >= 2);
  assert.match(out.sampleActions[0]?.reason ?? '', /^test asks; newest sample \d+ s old$/);
  assert.match(out.sampleActions[0]?.pod ?? '', /^agents\/[ab]$/);
  assert.equal(out.row.resizes, 2);
});

test('progress is reported in trace seconds', async () => {
  const seen: number[] = [];
  const { replay } = await import('../../../bench/replay/replay.js');
  const { header, streamOf, sim, engine, idle } = await import('./fixtures.js');
  await replay({ header, open: streamOf(flat('a', 0, 300, 100)), policy: idle, sim: sim(), engine: engine(), seed: 1, warmupS: 0, onProgress: (t) => seen.push(t) });
  assert.deepEqual(seen, [0, 60, 120, 180, 240, 300]);
});
