/**
 * The VPA recommender's model: one aggregate per (VPA object, container name) holding decaying
 * histograms of CPU usage and memory peaks, and one small state per live container that decides which
 * memory samples become peaks (mirrors AS pkg/recommender/model/aggregate_container_state.go and
 * model/container.go; written from the reference's facts).
 *
 * Why peaks and not every memory sample: memory is not compressible, so what matters is the worst a
 * container did in a period. Each container therefore contributes exactly one sample per aggregation
 * interval (24 h): the largest usage seen in that interval. While the interval is open, a larger
 * sample replaces the previous peak (subtract old, add new). CPU is compressible, so every CPU sample
 * counts, each with the same small weight.
 */
import { CPU_BUCKETS, DecayingHistogram, MEMORY_BUCKETS } from './histogram.js';

/** Upstream's `minSampleWeight`: the weight of every CPU sample since commit ca812b36. */
export const CPU_SAMPLE_WEIGHT = 0.1;

/** The histograms and sample bookkeeping of one aggregate (one agentClass = one VPA object). */
export interface Aggregate {
  readonly cpu: DecayingHistogram;
  readonly memoryPeaks: DecayingHistogram;
  /** First and last CPU sample times and the CPU sample count: confidence is computed from these. */
  firstSampleMs?: number;
  lastSampleMs?: number;
  totalSamples: number;
}

/** Per live container: the open memory-peak window and the latest sample times. */
export interface ContainerState {
  lastCpuSampleMs?: number;
  lastMemorySampleMs?: number;
  /** End of the open aggregation window; unset before the first memory sample. */
  windowEndMs?: number;
  /** Largest usage-based and OOM-based memory samples in the open window (0 = none). */
  memoryPeak: number;
  oomPeak: number;
}

/** One memory observation; OOM samples come from recordOom. */
export interface MemorySample {
  readonly bytes: number;
  readonly tMs: number;
  readonly isOom: boolean;
}

/** Knobs of the model (defaults: half lives 24 h, aggregation interval 24 h, OOM ×1.2 / +100 Mi). */
export interface AggregateConfig {
  readonly cpuHalfLifeMs: number;
  readonly memoryHalfLifeMs: number;
  readonly memoryAggregationIntervalMs: number;
  readonly oomBumpUpRatio: number;
  readonly oomMinBumpUpBytes: number;
}

export function newAggregate(cfg: AggregateConfig): Aggregate {
  return {
    cpu: new DecayingHistogram(CPU_BUCKETS, cfg.cpuHalfLifeMs),
    memoryPeaks: new DecayingHistogram(MEMORY_BUCKETS, cfg.memoryHalfLifeMs),
    totalSamples: 0,
  };
}

export function newContainerState(): ContainerState {
  return { memoryPeak: 0, oomPeak: 0 };
}

/** Adds one CPU sample (cores). Out-of-order or duplicate samples are discarded, as upstream. */
export function addCpuSample(agg: Aggregate, c: ContainerState, cores: number, tMs: number): boolean {
  if (cores < 0 || (c.lastCpuSampleMs !== undefined && tMs <= c.lastCpuSampleMs)) return false;
  agg.cpu.addSample(cores, CPU_SAMPLE_WEIGHT, tMs);
  if (agg.firstSampleMs === undefined || tMs < agg.firstSampleMs) agg.firstSampleMs = tMs;
  if (agg.lastSampleMs === undefined || tMs > agg.lastSampleMs) agg.lastSampleMs = tMs;
  agg.totalSamples++;
  c.lastCpuSampleMs = tMs;
  return true;
}

/**
 * Adds one memory sample (bytes) under the one-peak-per-interval rule. A sample inside the open
 * window replaces the window's peak only if larger; a sample past the window's end moves the window
 * forward by whole intervals and starts a new peak. The peak sample is timestamped at the window's
 * end, so the decay treats every peak of one window alike. OOM samples are always taken, even late.
 */
export function addMemorySample(agg: Aggregate, c: ContainerState, sample: MemorySample, cfg: AggregateConfig): boolean {
  const { bytes, tMs, isOom } = sample;
  if (bytes < 0 || (!isOom && c.lastMemorySampleMs !== undefined && tMs < c.lastMemorySampleMs)) return false;
  c.lastMemorySampleMs = tMs;
  c.windowEndMs ??= tMs;
  let addNewPeak = false;
  if (tMs < c.windowEndMs) {
    const oldMax = Math.max(c.memoryPeak, c.oomPeak);
    if (oldMax !== 0 && bytes > oldMax) {
      agg.memoryPeaks.subtractSample(oldMax, 1, c.windowEndMs);
      addNewPeak = true;
    }
  } else {
    const interval = cfg.memoryAggregationIntervalMs;
    const shift = Math.floor((tMs - c.windowEndMs) / interval) * interval + interval;
    c.windowEndMs += shift;
    c.memoryPeak = 0;
    c.oomPeak = 0;
    addNewPeak = true;
  }
  if (addNewPeak) {
    agg.memoryPeaks.addSample(bytes, 1, c.windowEndMs);
    if (isOom) c.oomPeak = bytes;
    else c.memoryPeak = bytes;
  }
  return true;
}

/**
 * The OOM bump: an OOM says the container needed more than it had, so an artificial memory sample of
 *
 *   needed = max(used + minBump, used · ratio),   used = max(request, usage peak of the open window)
 *
 * is added. The earlier OOM peak is left out of `used` on purpose, so that repeated OOMs do not
 * compound the bump. An OOM is discarded only when it is more than one interval (24 h) older than the
 * newest memory sample, as upstream's ContainerState.RecordOOM (v1.8.1, kubernetes/autoscaler#8548).
 * The window's end is no reference: it runs up to an interval ahead of the samples, so an OOM that
 * happened before a pod's first sample would be dropped, and that is the pod's most telling OOM.
 * @returns the bytes added as a sample, or undefined when the OOM was discarded
 */
export function recordOom(agg: Aggregate, c: ContainerState, tMs: number, requestBytes: number, cfg: AggregateConfig): number | undefined {
  if (c.lastMemorySampleMs !== undefined && tMs < c.lastMemorySampleMs - cfg.memoryAggregationIntervalMs) return undefined;
  const needed = oomBump(requestBytes, c.memoryPeak, cfg);
  return addMemorySample(agg, c, { bytes: needed, tMs, isOom: true }, cfg) ? needed : undefined;
}

/** The bumped memory an OOM asks for (pure arithmetic, exported for the worked-number tests). */
export function oomBump(requestBytes: number, memoryPeak: number, cfg: Pick<AggregateConfig, 'oomBumpUpRatio' | 'oomMinBumpUpBytes'>): number {
  const used = Math.max(requestBytes, memoryPeak);
  return Math.max(used + cfg.oomMinBumpUpBytes, used * cfg.oomBumpUpRatio);
}
