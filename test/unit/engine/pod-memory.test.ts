import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AgentSample } from '../../../src/core/types.js';
import { newPodMemory, recentPeak, rememberUsage, TREND_POINTS, TREND_WINDOW_MS } from '../../../src/engine/pod-memory.js';
import { memoryTrend, memoryTrendFlat, type MemoryPoint } from '../../../models/memory-trend.js';

/*
 * The engine keeps only the per-tick peaks no later peak covers in both values (keepPeak): the recent
 * peak must be exactly the maximum over every tick's peak in the window, as when all were kept.
 */

const T0 = 1_700_000_000_000;
const TICK_MS = 15_000;

const sample = (tMs: number, memBytes: number, cpuCores: number): AgentSample => ({ pod: 'ns/p', tMs, memBytes, cpuCores });

test('the recent peak is the maximum of every tick in the window, with only uncovered peaks kept', () => {
  const tickArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 3 });
  fc.assert(
    fc.property(fc.array(tickArb, { minLength: 1, maxLength: 200 }), fc.integer({ min: 15, max: 900 }), (ticks, windowS) => {
      const m = newPodMemory();
      const all: Array<{ tMs: number; memBytes: number; cpuCores: number }> = [];
      ticks.forEach((values, k) => {
        const nowMs = T0 + k * TICK_MS;
        const samples = values.map(([mem, cpu], j) => sample(nowMs - j, mem * 1e6, cpu / 4));
        rememberUsage(m, samples, nowMs, windowS);
        if (samples.length > 0) all.push({ tMs: nowMs, memBytes: Math.max(...samples.map((s) => s.memBytes)), cpuCores: Math.max(...samples.map((s) => s.cpuCores)) });
        const inWindow = all.filter((p) => p.tMs >= nowMs - windowS * 1000);
        const want = { memBytes: Math.max(0, ...inWindow.map((p) => p.memBytes)), cpuCores: Math.max(0, ...inWindow.map((p) => p.cpuCores)) };
        assert.deepEqual(recentPeak(m), want);
        // Oldest first, and no kept peak is covered by a later one.
        m.peaks.forEach((p, i) => {
          for (const q of m.peaks.slice(i + 1)) {
            assert.ok(q.tMs >= p.tMs);
            assert.ok(p.memBytes > q.memBytes || p.cpuCores > q.cpuCores);
          }
        });
      });
    }),
    { numRuns: 300 },
  );
});

test('a steady pod keeps one peak, not one per tick of the window', () => {
  const m = newPodMemory();
  for (let k = 0; k < 100; k++) rememberUsage(m, [sample(T0 + k * TICK_MS, 300e6, 0.2)], T0 + k * TICK_MS, 900);
  assert.equal(m.peaks.length, 1);
  assert.deepEqual(recentPeak(m), { memBytes: 300e6, cpuCores: 0.2 });
});

test('the trend points kept flat are the newest TREND_POINTS within the window, and give the same trend', () => {
  const stepArb = fc.tuple(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 100, max: 2000 }));
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
      const m = newPodMemory();
      let kept: MemoryPoint[] = [];
      let tMs = T0;
      for (const [gapMs, mib] of steps) {
        tMs += gapMs;
        const s = sample(tMs, mib * 2 ** 20 + 0.5, 0.1);
        const isNew = kept.length === 0 || tMs > (kept[kept.length - 1]?.tMs ?? 0);
        rememberUsage(m, [s], tMs, 900);
        if (isNew) {
          kept.push({ tMs, memBytes: s.memBytes });
          kept = kept.filter((p) => p.tMs >= tMs - TREND_WINDOW_MS).slice(-TREND_POINTS);
        }
        assert.deepEqual(m.recent, kept.flatMap((p) => [p.tMs, p.memBytes]));
        assert.deepEqual(memoryTrendFlat(m.recent ?? []), memoryTrend(kept));
      }
    }),
    { numRuns: 300 },
  );
});
