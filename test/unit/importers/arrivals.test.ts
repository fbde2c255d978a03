import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRng } from '../../../src/core/rng.js';
import { meanConcurrency, mergeSessions, parseAzureTimestamp, placeSessions } from '../../../bench/record/importers/arrivals.js';
import { pickSeeded } from '../../../bench/record/importers/common.js';
import type { TraceSample } from '../../../src/trace/types.js';

test('parseAzureTimestamp reads the Azure trace format to the millisecond', () => {
  const a = parseAzureTimestamp('2023-11-16 18:15:46.6805900');
  const b = parseAzureTimestamp('2023-11-16 18:15:47.0000000');
  assert.ok(a !== undefined && b !== undefined);
  assert.ok(Math.abs(b - a - 0.32) < 1e-6);
  assert.equal(parseAzureTimestamp('yesterday'), undefined);
});

test('placeSessions stretches arrivals so that session-seconds / span = target concurrency', () => {
  const arrivals = Array.from({ length: 1000 }, (_, i) => i * 0.1 + (i % 7) * 0.01);
  const durations = Array.from({ length: 50 }, () => 300);
  const starts = placeSessions(durations, arrivals, 10, createRng(3));
  assert.equal(starts.length, 50);
  assert.equal(starts[0], 0);
  // 50 sessions of 300 s, 10 at once: the trace spans 1,500 s, so the last one starts at 1,200 s.
  const span = starts[49] ?? 0;
  assert.ok(Math.abs(span - 1200) < 1e-3, String(span));
  for (let i = 1; i < starts.length; i++) assert.ok((starts[i] ?? 0) >= (starts[i - 1] ?? 0));
});

test('placeSessions stops squeezing when long sessions make the target unreachable', () => {
  const arrivals = Array.from({ length: 100 }, (_, i) => i);
  const durations = [3600, 100, 100, 100];
  const starts = placeSessions(durations, arrivals, 10, createRng(1));
  const little = 3900 / 10;
  assert.ok(Math.abs((starts[3] ?? 0) - little / 4) < 1e-3, String(starts[3]));
});

test('mergeSessions sorts globally by t and keeps each session increasing', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 6 }), fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 6, maxLength: 6 }), (steps, starts) => {
      const sessions = steps.map((gaps, i) => {
        let t = 0;
        const samples: TraceSample[] = gaps.map((g) => ({ session: `s${i}`, t: (t += g), memBytes: 1, cpuCores: 0 }));
        return { id: `s${i}`, samples };
      });
      const merged = mergeSessions(sessions, starts);
      assert.equal(merged.length, steps.flat().length);
      const last = new Map<string, number>();
      for (let i = 0; i < merged.length; i++) {
        const s = merged[i];
        assert.ok(s);
        if (i > 0) assert.ok(s.t >= (merged[i - 1]?.t ?? 0));
        assert.ok(s.t > (last.get(s.session) ?? -1));
        last.set(s.session, s.t);
      }
    }),
    { numRuns: 100 },
  );
});

test('meanConcurrency is session-seconds over the trace span', () => {
  const s = (session: string, t: number): TraceSample => ({ session, t, memBytes: 1, cpuCores: 0 });
  assert.equal(meanConcurrency([s('a', 0), s('b', 0), s('a', 10), s('b', 5)]), 1.5);
});

test('pickSeeded: same seed same choice, original order kept', () => {
  const items = Array.from({ length: 30 }, (_, i) => i);
  const a = pickSeeded(items, 10, createRng(9));
  assert.deepEqual(a, pickSeeded(items, 10, createRng(9)));
  assert.equal(a.length, 10);
  assert.deepEqual(a, [...a].sort((x, y) => x - y));
  assert.notDeepEqual(a, pickSeeded(items, 10, createRng(10)));
  assert.deepEqual(pickSeeded(items, 40, createRng(1)), items);
});
