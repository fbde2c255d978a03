/**
 * Exponentially bucketed, exponentially decaying histograms: the data structure the VPA recommender
 * keeps per resource and per aggregate (mirrors AS pkg/recommender/util/histogram.go,
 * util/histogram_options.go and util/decaying_histogram.go; written from the reference's facts).
 */

/**
 * Bucket boundaries that grow geometrically. Bucket i starts at
 *
 *   start(i) = first · (r^i − 1) / (r − 1),   r = 1 + growth,
 *
 * so bucket 0 is [0, first), bucket 1 is [first, first·(1+r)), and each bucket is `growth` wider than
 * the one before. The bucket count is the smallest n for which start(n−1) reaches `max`:
 *
 *   n = ceil( log_r( max·(r−1)/first + 1 ) ) + 1
 *
 * With first 0.01 core / 1e7 B, max 1000 cores / 1e12 B and growth 5 % that is 176 buckets each.
 */
export class ExponentialBuckets {
  readonly numBuckets: number;
  private readonly ratio: number;
  private readonly logRatio: number;

  /**
   * @param maxValue the value from which on every sample falls into the last bucket
   * @param firstBucketSize width of bucket 0
   * @param growth relative growth of each bucket's width (0.05 = 5 %)
   * @param epsilon weights below this count as empty
   */
  constructor(
    maxValue: number,
    readonly firstBucketSize: number,
    growth: number,
    readonly epsilon: number,
  ) {
    this.ratio = 1 + growth;
    this.logRatio = Math.log(this.ratio);
    this.numBuckets = Math.ceil(Math.log((maxValue * (this.ratio - 1)) / firstBucketSize + 1) / this.logRatio) + 1;
  }

  /** The bucket a value falls into (values past the last boundary land in the last bucket). */
  findBucket(value: number): number {
    if (value < this.firstBucketSize) return 0;
    const b = Math.floor(Math.log((value * (this.ratio - 1)) / this.firstBucketSize + 1) / this.logRatio);
    return Math.min(b, this.numBuckets - 1);
  }

  /** Lower boundary of a bucket (bucket 0 starts at 0). */
  bucketStart(bucket: number): number {
    if (bucket <= 0) return 0;
    return (this.firstBucketSize * (Math.pow(this.ratio, bucket) - 1)) / (this.ratio - 1);
  }
}

/** Upstream's `epsilon`: 0.001 × minSampleWeight (0.1). */
export const HISTOGRAM_EPSILON = 0.001 * 0.1;
/** CPU buckets: first 0.01 core, max 1000 cores, 5 % growth. */
export const CPU_BUCKETS = new ExponentialBuckets(1000, 0.01, 0.05, HISTOGRAM_EPSILON);
/** Memory buckets: first 1e7 B, max 1e12 B, 5 % growth. */
export const MEMORY_BUCKETS = new ExponentialBuckets(1e12, 1e7, 0.05, HISTOGRAM_EPSILON);

/** Past this exponent the reference time is moved forward and all weights rescaled (avoids overflow). */
const MAX_DECAY_EXPONENT = 100;

/**
 * A histogram whose samples lose half their weight every `halfLifeMs`. Rather than shrinking old
 * weights as time passes, it grows new ones: a sample at time t is added with weight
 *
 *   w · 2^((t − ref) / halfLife)
 *
 * relative to a reference time `ref`. Percentiles depend only on relative weights, so both views are
 * the same. When the exponent would pass 100, `ref` moves to t (rounded to a whole number of half
 * lives) and every stored weight is multiplied by 2^((oldRef − newRef)/halfLife); the distribution is
 * unchanged by that renormalisation.
 */
export class DecayingHistogram {
  readonly weights: Float64Array;
  totalWeight = 0;
  /** First non-empty bucket, or the last bucket when empty. */
  private minBucket: number;
  /** Last non-empty bucket, or 0 when empty. */
  private maxBucket = 0;
  /** Unset until the first sample, like upstream's zero time (which forces a shift on first use). */
  referenceMs: number | undefined;

  constructor(
    readonly buckets: ExponentialBuckets,
    readonly halfLifeMs: number,
  ) {
    this.weights = new Float64Array(buckets.numBuckets);
    this.minBucket = buckets.numBuckets - 1;
  }

  /** Adds a sample of `weight` taken at `tMs`. */
  addSample(value: number, weight: number, tMs: number): void {
    const w = weight * this.decayFactor(tMs);
    const b = this.buckets.findBucket(value);
    this.weights[b] = (this.weights[b] ?? 0) + w;
    this.totalWeight += w;
    if ((this.weights[b] ?? 0) >= this.buckets.epsilon) {
      if (b < this.minBucket) this.minBucket = b;
      if (b > this.maxBucket) this.maxBucket = b;
    }
  }

  /** Removes a sample added earlier with the same value, weight and time (used to replace a memory peak). */
  subtractSample(value: number, weight: number, tMs: number): void {
    let w = weight * this.decayFactor(tMs);
    const b = this.buckets.findBucket(value);
    const have = this.weights[b] ?? 0;
    // Never leave a negative or dust-sized remainder in the bucket.
    if (w > have - this.buckets.epsilon) w = have;
    this.weights[b] = have - w;
    this.totalWeight -= w;
    this.updateMinMax();
  }

  isEmpty(): boolean {
    return (this.weights[this.minBucket] ?? 0) < this.buckets.epsilon;
  }

  /**
   * The smallest bucket boundary below which at least `p` of the weight lies. Returns the bucket's
   * upper bound (no interpolation inside a bucket), or the last bucket's start for the last bucket.
   */
  percentile(p: number): number {
    if (this.isEmpty()) return 0;
    const threshold = p * this.totalWeight;
    let partial = 0;
    let b = this.minBucket;
    for (; b < this.maxBucket; b++) {
      partial += this.weights[b] ?? 0;
      if (partial >= threshold) break;
    }
    if (b < this.buckets.numBuckets - 1) return this.buckets.bucketStart(b + 1);
    return this.buckets.bucketStart(b);
  }

  /** The weight factor a sample at `tMs` gets; may renormalise first. */
  decayFactor(tMs: number): number {
    if (this.referenceMs === undefined || tMs > this.referenceMs + MAX_DECAY_EXPONENT * this.halfLifeMs) {
      this.shiftReference(tMs);
    }
    return Math.pow(2, (tMs - (this.referenceMs ?? tMs)) / this.halfLifeMs);
  }

  private shiftReference(tMs: number): void {
    const newRef = Math.round(tMs / this.halfLifeMs) * this.halfLifeMs;
    if (this.referenceMs !== undefined) {
      const exponent = Math.round((this.referenceMs - newRef) / this.halfLifeMs);
      this.scale(Math.pow(2, exponent));
    }
    this.referenceMs = newRef;
  }

  private scale(factor: number): void {
    for (let b = this.minBucket; b <= this.maxBucket; b++) this.weights[b] = (this.weights[b] ?? 0) * factor;
    this.totalWeight *= factor;
    this.updateMinMax();
  }

  private updateMinMax(): void {
    const eps = this.buckets.epsilon;
    const last = this.buckets.numBuckets - 1;
    while ((this.weights[this.minBucket] ?? 0) < eps && this.minBucket < last) this.minBucket++;
    while ((this.weights[this.maxBucket] ?? 0) < eps && this.maxBucket > 0) this.maxBucket--;
  }
}
