import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CPU_BUCKETS, DecayingHistogram, ExponentialBuckets, HISTOGRAM_EPSILON, MEMORY_BUCKETS } from '../../../src/policy/vpa/histogram.js';

const DAY = 24 * 3600 * 1000;
const T0 = 1_700_000_000_000;

test('CPU and memory histograms have 176 buckets each', () => {
  assert.equal(CPU_BUCKETS.numBuckets, 176);
  assert.equal(MEMORY_BUCKETS.numBuckets, 176);
});

test('bucket boundaries grow by 5 % from the first bucket size', () => {
  const cases = [
    { name: 'cpu', b: CPU_BUCKETS, first: 0.01 },
    { name: 'memory', b: MEMORY_BUCKETS, first: 1e7 },
  ];
  for (const { name, b, first } of cases) {
    assert.equal(b.bucketStart(0), 0, name);
    assert.ok(Math.abs(b.bucketStart(1) - first) < first * 1e-12, name);
    const w1 = b.bucketStart(2) - b.bucketStart(1);
    const w2 = b.bucketStart(3) - b.bucketStart(2);
    assert.ok(Math.abs(w2 / w1 - 1.05) < 1e-9, `${name}: width ratio ${w2 / w1}`);
  }
  // The last bucket starts at or beyond the max, the one before does not.
  assert.ok(CPU_BUCKETS.bucketStart(175) >= 1000 && CPU_BUCKETS.bucketStart(174) < 1000);
});

test('findBucket puts a value into the bucket whose range contains it', () => {
  const b = new ExponentialBuckets(1000, 0.01, 0.05, HISTOGRAM_EPSILON);
  for (const v of [0, 0.005, 0.01, 0.011, 0.5, 1, 3.3, 42, 999]) {
    const i = b.findBucket(v);
    assert.ok(b.bucketStart(i) <= v * (1 + 1e-12), `${v} ≥ start of ${i}`);
    if (i < b.numBuckets - 1) assert.ok(v < b.bucketStart(i + 1), `${v} < end of ${i}`);
  }
  assert.equal(b.findBucket(1e9), b.numBuckets - 1);
});

test('percentile returns the upper bound of the bucket, without interpolation', () => {
  const h = new DecayingHistogram(CPU_BUCKETS, DAY);
  h.addSample(1.0, 1, T0);
  const i = CPU_BUCKETS.findBucket(1.0);
  const upper = CPU_BUCKETS.bucketStart(i + 1);
  for (const p of [0.1, 0.5, 0.9, 1]) assert.equal(h.percentile(p), upper);
  assert.ok(upper > 1.0 && upper < 1.06);
});

test('percentile picks the bucket where the cumulative weight reaches p', () => {
  const h = new DecayingHistogram(CPU_BUCKETS, DAY);
  for (let i = 1; i <= 10; i++) h.addSample(i / 10, 1, T0); // 0.1 … 1.0 core, equal weights
  const upperOf = (v: number): number => CPU_BUCKETS.bucketStart(CPU_BUCKETS.findBucket(v) + 1);
  assert.equal(h.percentile(0.5), upperOf(0.5));
  assert.equal(h.percentile(0.9), upperOf(0.9));
  assert.equal(h.percentile(0.95), upperOf(1.0));
  assert.equal(h.percentile(0), upperOf(0.1));
});

test('an empty histogram has percentile 0', () => {
  assert.equal(new DecayingHistogram(MEMORY_BUCKETS, DAY).percentile(0.9), 0);
});

test('decay: a sample 24 h older carries half the weight of a newer one', () => {
  const h = new DecayingHistogram(CPU_BUCKETS, DAY);
  h.addSample(0.1, 1, T0);
  h.addSample(2.0, 1, T0 + DAY);
  const wOld = h.weights[CPU_BUCKETS.findBucket(0.1)] ?? 0;
  const wNew = h.weights[CPU_BUCKETS.findBucket(2.0)] ?? 0;
  assert.ok(Math.abs(wNew / wOld - 2) < 1e-12, `ratio ${wNew / wOld}`);
  // So p50 lies in the newer sample's bucket: it holds 2/3 of the weight.
  assert.equal(h.percentile(0.5), CPU_BUCKETS.bucketStart(CPU_BUCKETS.findBucket(2.0) + 1));
  assert.equal(h.percentile(0.3), CPU_BUCKETS.bucketStart(CPU_BUCKETS.findBucket(0.1) + 1));
});

test('decay: renormalisation past exponent 100 keeps the relative weights', () => {
  const h = new DecayingHistogram(CPU_BUCKETS, DAY);
  h.addSample(0.1, 1, T0);
  h.addSample(2.0, 1, T0 + 10 * DAY);
  const before = (h.weights[CPU_BUCKETS.findBucket(2.0)] ?? 0) / (h.weights[CPU_BUCKETS.findBucket(0.1)] ?? 1);
  h.addSample(5.0, 1e-30, T0 + 150 * DAY); // forces a shift of the reference time
  const after = (h.weights[CPU_BUCKETS.findBucket(2.0)] ?? 0) / (h.weights[CPU_BUCKETS.findBucket(0.1)] ?? 1);
  assert.ok(Math.abs(after / before - 1) < 1e-9, `before ${before} after ${after}`);
  assert.ok(Number.isFinite(h.totalWeight) && h.totalWeight < 1e10);
  assert.ok(h.referenceMs !== undefined && h.referenceMs > T0 + 100 * DAY);
});

test('subtracting a sample removes its weight and empties the bucket', () => {
  const h = new DecayingHistogram(MEMORY_BUCKETS, DAY);
  h.addSample(5e8, 1, T0);
  h.addSample(9e8, 1, T0);
  h.subtractSample(9e8, 1, T0);
  assert.equal(h.weights[MEMORY_BUCKETS.findBucket(9e8)], 0);
  assert.equal(h.percentile(0.99), MEMORY_BUCKETS.bucketStart(MEMORY_BUCKETS.findBucket(5e8) + 1));
  h.subtractSample(5e8, 1, T0);
  assert.ok(h.isEmpty());
});
