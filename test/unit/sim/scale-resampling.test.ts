import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSample } from '../../../src/trace/types.js';
import { planCopies, reshapedStream } from '../../../bench/replay/scale-trace.js';
import { floorNodeHours } from '../../../bench/score/floor.js';
import { flat, GiB, run, sorted } from './fixtures.js';

// Forty 60 s sessions: a burst of 30 in the first 300 s, then 10 spread over the next hour.
function bursty(): TraceSample[] {
  const parts: TraceSample[][] = [];
  for (let i = 0; i < 30; i++) parts.push(flat(`burst-${i}`, i * 10, i * 10 + 60, 100 + i));
  for (let i = 0; i < 10; i++) parts.push(flat(`calm-${i}`, 600 + i * 360, 600 + i * 360 + 60, 200 + i));
  return sorted(...parts);
}

function sessionsOf(samples: Iterable<TraceSample>): Map<string, TraceSample[]> {
  const by = new Map<string, TraceSample[]>();
  for (const s of samples) by.set(s.session, [...(by.get(s.session) ?? []), s]);
  return by;
}

test('--scale 1 is the trace itself', () => {
  const key = (s: TraceSample): string => `${s.t}/${s.session}/${s.memBytes}`;
  const trace = bursty();
  const out = [...reshapedStream(trace, { scale: 1, seed: 3 })];
  assert.deepEqual(out.map(key).sort(), trace.map(key).sort());
});

test('--scale 4 gives four copies of every session, each under its own name with its series unchanged', () => {
  const trace = bursty();
  const out = [...reshapedStream(trace, { scale: 4, seed: 3 })];
  const by = sessionsOf(out);
  assert.equal(by.size, 160);
  for (const k of [1, 2, 3]) assert.ok(by.has(`burst-7~${k}`), `burst-7~${k}`);
  const orig = sessionsOf(trace).get('calm-4') as TraceSample[];
  const copy = by.get('calm-4~2') as TraceSample[];
  const shift = (copy[0] as TraceSample).t - (orig[0] as TraceSample).t;
  assert.deepEqual(copy.map((s) => [s.t - shift, s.memBytes]), orig.map((s) => [s.t, s.memBytes]), 'same series, shifted');
  for (let i = 1; i < out.length; i++) assert.ok((out[i] as TraceSample).t >= (out[i - 1] as TraceSample).t, 'in time order');
});

test('copies arrive along the trace own arrival shape: the burst stays a burst, the span stays the span', () => {
  const copies = planCopies(bursty(), { scale: 10, seed: 5 });
  const arrivals = copies.map((c) => c.arrival);
  const inBurst = arrivals.filter((a) => a <= 300).length / arrivals.length;
  assert.ok(inBurst > 0.6 && inBurst < 0.9, `share arriving in the burst ${inBurst} (recorded: 0.75)`);
  assert.ok(Math.min(...arrivals) >= 0 && Math.max(...arrivals) <= 600 + 9 * 360, 'within the recorded arrival span');
});

test('a fractional scale keeps the expected share of sessions; the seed fixes which', () => {
  const n = (seed: number): number => planCopies(bursty(), { scale: 2.5, seed }).length;
  assert.ok(n(1) >= 90 && n(1) <= 110, `2.5 × 40 ≈ 100, got ${n(1)}`);
  assert.equal(n(1), n(1));
  const half = planCopies(bursty(), { scale: 0.5, seed: 1 }).length;
  assert.ok(half >= 12 && half <= 28, `0.5 × 40 ≈ 20, got ${half}`);
});

test('--duration continues the arrivals in further periods until D, and cuts them at D', () => {
  const long = planCopies(bursty(), { scale: 1, durationS: 4 * 3600, seed: 2 });
  const arrivals = long.map((c) => c.arrival);
  assert.ok(Math.max(...arrivals) <= 4 * 3600);
  assert.ok(Math.max(...arrivals) > 3 * 3600, 'arrivals continue into the fourth hour');
  assert.ok(long.length > 120 && long.length <= 200, `about 40 per ${(600 + 9 * 360) / 3600} h period, got ${long.length}`);
  const short = planCopies(bursty(), { scale: 1, durationS: 300, seed: 2 });
  assert.equal(short.length, 30, 'only the burst arrives by 300 s');
});

test('a reshaped trace replays the same from whole prebuilt sessions as from its samples, and has the same floor', async () => {
  const reshaped = reshapedStream(bursty(), { scale: 3.5, seed: 4 });
  const samples = [...reshaped];
  const fast = await run([], { open: () => reshaped });
  const slow = await run(samples);
  assert.deepEqual(fast.row, slow.row);
  assert.deepEqual(fast.trace, slow.trace);
  const node = { memBytes: GiB, cpuCores: 1 };
  assert.equal(await floorNodeHours(reshaped, node, 300), await floorNodeHours(samples, node, 300));
  assert.ok((await floorNodeHours(samples, node, 300)) > 0);
});
