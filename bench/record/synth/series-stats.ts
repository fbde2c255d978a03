/**
 * Figures that describe a memory/CPU series the way the calibration compares them: per-session peak
 * and mean, bursts (an increase of more than a threshold between consecutive samples, 100 MB by
 * default, as in the AgentCgroup paper), and per-tool-call excess over the level before the call.
 */
import type { TraceSample } from '../../../src/trace/types.js';
import type { SessionActivity } from './activity.js';

export const BURST_THRESHOLD_BYTES = 100e6;

/** One session's summary. */
export interface SessionFigures {
  readonly peakBytes: number;
  readonly meanBytes: number;
  readonly meanCpu: number;
  readonly peakCpu: number;
  /** Sizes of the increases above the threshold. */
  readonly burstSizes: readonly number[];
  /** Bursts per minute of session time. */
  readonly burstsPerMinute: number;
  readonly durationSeconds: number;
}

/** Summarises one session's samples (in time order). */
export function sessionFigures(samples: readonly TraceSample[], threshold = BURST_THRESHOLD_BYTES): SessionFigures {
  let peak = 0;
  let memSum = 0;
  let cpuSum = 0;
  let peakCpu = 0;
  const bursts: number[] = [];
  samples.forEach((s, i) => {
    peak = Math.max(peak, s.memBytes);
    memSum += s.memBytes;
    cpuSum += s.cpuCores;
    peakCpu = Math.max(peakCpu, s.cpuCores);
    const prev = samples[i - 1];
    if (prev && s.memBytes - prev.memBytes > threshold) bursts.push(s.memBytes - prev.memBytes);
  });
  const n = Math.max(1, samples.length);
  const duration = samples.length > 1 ? (samples[samples.length - 1]?.t ?? 0) - (samples[0]?.t ?? 0) : 0;
  return {
    peakBytes: peak,
    meanBytes: memSum / n,
    meanCpu: cpuSum / n,
    peakCpu,
    burstSizes: bursts,
    burstsPerMinute: duration > 0 ? (bursts.length * 60) / duration : 0,
    durationSeconds: duration,
  };
}

/** Linear-interpolated quantile of unsorted values (NaN when empty). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] ?? 0;
  const b = s[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Excess of each tool call over the memory just before it, and the peak CPU during it, by tool. */
export interface ToolExcess {
  readonly tool: string;
  readonly excessBytes: number;
  readonly peakCpu: number;
}

/**
 * For each call: the level is the last sample at or before its start; the excess is the highest
 * sample in (start, end + 1.5 s] above that level (so a sub-second call is seen in the next sample).
 */
export function toolExcesses(activity: SessionActivity, samples: readonly TraceSample[]): ToolExcess[] {
  const out: ToolExcess[] = [];
  for (const c of activity.tools) {
    let level = samples[0]?.memBytes ?? 0;
    let peak = -Infinity;
    let cpu = 0;
    for (const s of samples) {
      if (s.t <= c.start) level = s.memBytes;
      else if (s.t <= c.end + 1.5) {
        peak = Math.max(peak, s.memBytes);
        cpu = Math.max(cpu, s.cpuCores);
      } else break;
    }
    out.push({ tool: c.tool, excessBytes: Math.max(0, peak - level), peakCpu: cpu });
  }
  return out;
}
