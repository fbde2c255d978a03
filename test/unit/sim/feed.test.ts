import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flat, run, sorted } from './fixtures.js';

test('samples slightly out of global order are reordered', async () => {
  // Session b's samples arrive 20 s late (within the 60 s reorder window); each session stays in order.
  const late = (s: { session: string; t: number }) => (s.session === 'b' ? s.t + 20 : s.t);
  const shuffled = [...flat('a', 0, 100, 100), ...flat('b', 0, 100, 100)].sort((x, y) => late(x) - late(y));
  const out = await run(shuffled);
  assert.equal(out.trace.samples, 202);
  assert.equal(out.row.sessionsCompleted, 2);
});

test('a sample arriving further behind than the reorder window fails with the session and t', async () => {
  const samples = [...flat('a', 0, 200, 100), ...flat('late', 5, 10, 100)];
  await assert.rejects(run(samples), /session 'late' at t=5 arrived 195 s behind/);
});

test('a session going back in time fails with its name', async () => {
  const samples = [...flat('a', 10, 20, 100), { session: 'a', t: 15, memBytes: 1, cpuCores: 0 }];
  await assert.rejects(run(samples), /session 'a' went back in time: t=15/);
});

test('a session silent for longer than the lookahead ends; its later samples are a new session', async () => {
  const samples = sorted(flat('a', 0, 50, 100), flat('a', 1000, 1050, 100));
  const out = await run(samples, { hooks: { tuning: { lookaheadS: 300 } } });
  assert.deepEqual(out.perSession.map((s) => s.session), ['a', 'a#2']);
  assert.equal(out.trace.sessions, 2);
  assert.equal(out.trace.podSeconds, 100);
});

test('demand between samples is the later sample: a sparse session lives from its first to its last sample', async () => {
  const samples = [
    { session: 'a', t: 0, memBytes: 100, cpuCores: 0.1 },
    { session: 'a', t: 100, memBytes: 2 ** 31, cpuCores: 0.1 },
  ];
  const out = await run(samples, { hooks: { tuning: { drainS: 300 } } });
  assert.ok(out.row.oomKills > 5, 'killed at every restart, until the replay gives up on it');
  assert.equal(out.row.lostWorkSeconds, out.row.oomKills, 'each time 1 s in: the 2 GiB of the later sample applies from just after t=0');
  assert.equal(out.row.sessionsFailed, 1, 'unfinished when the replay stops');
  assert.equal(out.trace.podSeconds, 100);
});

test('an empty trace replays to an empty row', async () => {
  const out = await run([]);
  assert.equal(out.row.scoredPodSeconds, 0);
  assert.equal(out.trace.samples, 0);
});

test('an in-memory trace that is also synchronously iterable replays the same as the async stream', async () => {
  const samples = sorted(flat('a', 0, 100, 100), flat('b', 20, 90, 300));
  const { replay } = await import('../../../bench/replay/replay.js');
  const { header, streamOf, sim, engine, idle } = await import('./fixtures.js');
  const base = { header, policy: idle, sim: sim(), engine: engine(), seed: 1, warmupS: 0 };
  const both = () => Object.assign(streamOf(samples)(), { [Symbol.iterator]: () => samples[Symbol.iterator]() });
  const a = await replay({ ...base, open: streamOf(samples) }, { wallClock: () => 0 });
  const b = await replay({ ...base, open: both }, { wallClock: () => 0 });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});
