import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiB } from '../../../src/core/resources.js';
import { addCpuSample, addMemorySample, newAggregate, newContainerState, oomBump, recordOom, type AggregateConfig } from '../../../src/policy/vpa/aggregate.js';
import { confidence, estimate, lowerMultiplier, upperMultiplier, type EstimatorConfig } from '../../../src/policy/vpa/estimator.js';
import { CPU_BUCKETS, MEMORY_BUCKETS } from '../../../src/policy/vpa/histogram.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = 1_700_000_000_000;
const cfg: AggregateConfig = { cpuHalfLifeMs: DAY, memoryHalfLifeMs: DAY, memoryAggregationIntervalMs: DAY, oomBumpUpRatio: 1.2, oomMinBumpUpBytes: 100 * MiB };
const est: EstimatorConfig = {
  targetPercentile: 0.9,
  lowerBoundPercentile: 0.5,
  upperBoundPercentile: 0.95,
  safetyMarginFraction: 0.15,
  podMinCpuCores: 0.025,
  podMinMemoryBytes: 250 * MiB,
  samplesPerDay: 1440,
};
const close = (a: number, b: number, tol: number, msg: string): void => assert.ok(Math.abs(a - b) <= tol, `${msg}: ${a} vs ${b} (±${tol})`);

test('OOM bump: worked numbers from the reference', () => {
  const cases = [
    { name: 'request 500Mi, peak 400Mi → 600Mi', request: 500 * MiB, peak: 400 * MiB, want: 600 * MiB },
    { name: 'small pod: peak 200Mi → 300Mi (+100Mi wins over ×1.2)', request: 128 * MiB, peak: 200 * MiB, want: 300 * MiB },
    { name: 'big pod: 2000Mi → 2400Mi (×1.2 wins)', request: 2000 * MiB, peak: 1000 * MiB, want: 2400 * MiB },
  ];
  for (const c of cases) close(oomBump(c.request, c.peak, cfg), c.want, 1, c.name);
});

test('confidence multipliers: worked numbers from the reference', () => {
  const upper = [
    { name: '12 h', days: 0.5, want: 3 },
    { name: '24 h', days: 1, want: 2 },
    { name: '1 week', days: 7, want: 1.14 },
  ];
  for (const c of upper) close(upperMultiplier(c.days), c.want, 0.005, `upper ${c.name}`);
  assert.equal(upperMultiplier(0), Number.POSITIVE_INFINITY);
  const lower = [
    { name: '5 m', days: 5 / 1440, want: 0.6 },
    { name: '30 m', days: 30 / 1440, want: 0.9 },
    { name: '60 m', days: 60 / 1440, want: 0.95 },
  ];
  for (const c of lower) close(lowerMultiplier(c.days), c.want, 0.011, `lower ${c.name}`);
});

test('confidence is the smaller of lifespan and samples/1440, in days', () => {
  const agg = newAggregate(cfg);
  const c = newContainerState();
  // One sample a minute for 12 h: lifespan 0.5 d, samples 720/1440 = 0.5 d.
  for (let i = 0; i <= 720; i++) addCpuSample(agg, c, 0.5, T0 + i * MIN);
  close(confidence(agg, 1440), 0.5, 1e-3, 'one pod 12 h');
  // Ten pods for 12 h: more samples, but the lifespan still caps it at 0.5 d.
  const agg10 = newAggregate(cfg);
  for (let p = 0; p < 10; p++) {
    const cp = newContainerState();
    for (let i = 0; i <= 720; i++) addCpuSample(agg10, cp, 0.5, T0 + i * MIN);
  }
  close(confidence(agg10, 1440), 0.5, 1e-3, 'ten pods 12 h');
  // Two samples a day apart: lifespan 1 d but only 2 samples.
  const sparse = newAggregate(cfg);
  const cs = newContainerState();
  addCpuSample(sparse, cs, 0.5, T0);
  addCpuSample(sparse, cs, 0.5, T0 + DAY);
  close(confidence(sparse, 1440), 2 / 1440, 1e-9, 'sparse');
});

test('estimator chain: p90 + 15 %, bounds widened by confidence, minimums', () => {
  const agg = newAggregate(cfg);
  const c = newContainerState();
  for (let i = 0; i <= 720; i++) {
    addCpuSample(agg, c, 1.0, T0 + i * MIN);
    addMemorySample(agg, c, { bytes: 1000 * MiB, tMs: T0 + i * MIN, isOom: false }, cfg);
  }
  const r = estimate(agg, est);
  const cpuUpper = CPU_BUCKETS.bucketStart(CPU_BUCKETS.findBucket(1.0) + 1);
  const memUpper = MEMORY_BUCKETS.bucketStart(MEMORY_BUCKETS.findBucket(1000 * MiB) + 1);
  close(r.target.cpuCores, cpuUpper * 1.15, 1e-9, 'cpu target');
  close(r.target.memBytes, memUpper * 1.15, 1, 'memory target');
  close(r.upper.cpuCores, cpuUpper * 1.15 * 3, 1e-3, 'cpu upper at 12 h');
  close(r.lower.memBytes, memUpper * 1.15 * lowerMultiplier(0.5), 1, 'memory lower');
  // A tiny workload is lifted to the minimums.
  const tiny = newAggregate(cfg);
  const ct = newContainerState();
  addCpuSample(tiny, ct, 0.001, T0);
  addMemorySample(tiny, ct, { bytes: 1 * MiB, tMs: T0, isOom: false }, cfg);
  const rt = estimate(tiny, est);
  assert.equal(rt.target.cpuCores, 0.025);
  assert.equal(rt.target.memBytes, 250 * MiB);
  assert.equal(rt.upper.memBytes, Number.POSITIVE_INFINITY, 'no lifespan yet: unbounded upper');
});

test('memory: one peak per container per 24 h window; a larger sample replaces the peak', () => {
  const agg = newAggregate(cfg);
  const c = newContainerState();
  addMemorySample(agg, c, { bytes: 300 * MiB, tMs: T0, isOom: false }, cfg);
  addMemorySample(agg, c, { bytes: 500 * MiB, tMs: T0 + HOUR, isOom: false }, cfg);
  addMemorySample(agg, c, { bytes: 400 * MiB, tMs: T0 + 2 * HOUR, isOom: false }, cfg);
  close(agg.memoryPeaks.totalWeight / agg.memoryPeaks.decayFactor(c.windowEndMs ?? 0), 1, 1e-9, 'one peak in the window');
  assert.equal(c.memoryPeak, 500 * MiB);
  assert.equal(agg.memoryPeaks.percentile(1), MEMORY_BUCKETS.bucketStart(MEMORY_BUCKETS.findBucket(500 * MiB) + 1));
  // Past the window's end a new peak starts: two peaks now.
  addMemorySample(agg, c, { bytes: 200 * MiB, tMs: T0 + DAY + HOUR, isOom: false }, cfg);
  assert.equal(c.memoryPeak, 200 * MiB);
  assert.ok(agg.memoryPeaks.percentile(0.1) < 250 * MiB);
});

test('an OOM adds the bumped sample as the window peak and is not compounded by the earlier OOM', () => {
  const agg = newAggregate(cfg);
  const c = newContainerState();
  addMemorySample(agg, c, { bytes: 400 * MiB, tMs: T0, isOom: false }, cfg);
  assert.equal(recordOom(agg, c, T0 + MIN, 500 * MiB, cfg), 600 * MiB);
  assert.equal(c.oomPeak, 600 * MiB);
  // Second OOM with the same request: used is still max(request, usage peak) = 500Mi, so 600Mi again.
  assert.equal(recordOom(agg, c, T0 + 2 * MIN, 500 * MiB, cfg), 600 * MiB);
  assert.ok(agg.memoryPeaks.percentile(0.9) >= 600 * MiB);
  // An OOM from long before the window is discarded.
  assert.equal(recordOom(agg, c, T0 - 3 * DAY, 500 * MiB, cfg), undefined);
});

test('CPU samples: out-of-order and duplicate samples are discarded and do not count', () => {
  const agg = newAggregate(cfg);
  const c = newContainerState();
  assert.equal(addCpuSample(agg, c, 0.5, T0 + MIN), true);
  assert.equal(addCpuSample(agg, c, 0.5, T0 + MIN), false);
  assert.equal(addCpuSample(agg, c, 0.5, T0), false);
  assert.equal(agg.totalSamples, 1);
  close(agg.cpu.totalWeight, 0.1 * agg.cpu.decayFactor(T0 + MIN), 1e-12, 'weight 0.1 per sample');
});
