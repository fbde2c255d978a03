import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantile, sessionFigures, toolExcesses } from '../../../bench/record/synth/series-stats.js';
import type { TraceSample } from '../../../src/trace/types.js';

const s = (t: number, mb: number, cpu = 0.1): TraceSample => ({ session: 'x', t, memBytes: mb * 1e6, cpuCores: cpu });

test('quantile interpolates linearly', () => {
  const cases: [number[], number, number][] = [
    [[1, 2, 3, 4], 0.5, 2.5],
    [[10], 0.9, 10],
    [[4, 1, 3, 2], 0, 1],
    [[4, 1, 3, 2], 1, 4],
  ];
  for (const [xs, q, want] of cases) assert.ok(Math.abs(quantile(xs, q) - want) < 1e-9);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('sessionFigures counts only increases above the threshold', () => {
  const f = sessionFigures([s(0, 12), s(1, 190), s(2, 250), s(3, 900), s(4, 200), s(60, 200)]);
  assert.deepEqual(f.burstSizes.map((b) => Math.round(b / 1e6)), [178, 650]);
  assert.equal(f.peakBytes, 900e6);
  assert.equal(f.durationSeconds, 60);
  assert.ok(Math.abs(f.burstsPerMinute - 2) < 1e-9);
});

test('toolExcesses measures the peak above the level before each call', () => {
  const samples = [s(0, 190), s(1, 190), s(2, 400, 2), s(3, 195), s(4, 195)];
  const [e] = toolExcesses({ id: 'x', agentClass: 'swe', durationSeconds: 4, tools: [{ start: 1.2, end: 1.4, tool: 'Bash:test', error: false, retry: false }], contextPoints: [] }, samples);
  assert.equal(e?.excessBytes, 210e6);
  assert.equal(e?.peakCpu, 2);
});
