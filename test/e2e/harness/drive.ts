/**
 * Usage drivers: each second, set a pod's usage in the exporter from a function of the seconds since the
 * driver started (a ramp, a plateau, a tool loop), and remember what was set so a scenario can later ask
 * "what was the usage when the limit changed?".
 */
import type { Exporter, PodUsage } from './exporter.js';
import type { TraceSample } from '../../../src/trace/types.js';

export interface UsagePoint {
  readonly tMs: number;
  readonly usage: Partial<PodUsage>;
}

export interface Driver {
  readonly log: UsagePoint[];
  /** The first moment memory reached `bytes`, if it has. */
  firstMemAtLeast(bytes: number): number | undefined;
  /** Highest memory set at or before `tMs`. */
  peakMemUntil(tMs: number): number;
  stop(): void;
}

/** Drives `pod`'s usage with `f(seconds since start)` every `everyMs`. */
export function drive(exporter: Exporter, ns: string, pod: string, f: (tS: number) => Partial<PodUsage>, everyMs = 1000): Driver {
  const start = Date.now();
  const log: UsagePoint[] = [];
  const step = (): void => {
    const usage = f((Date.now() - start) / 1000);
    exporter.set(ns, pod, usage);
    log.push({ tMs: Date.now(), usage });
  };
  step();
  const timer = setInterval(step, everyMs);
  return {
    log,
    firstMemAtLeast: (bytes) => log.find((p) => (p.usage.memBytes ?? 0) >= bytes)?.tMs,
    peakMemUntil: (tMs) => Math.max(0, ...log.filter((p) => p.tMs <= tMs).map((p) => p.usage.memBytes ?? 0)),
    stop: () => clearInterval(timer),
  };
}

/** Replays `samples` for `pod` through the exporter's trace player, one sample per `everyMs`. */
export function driveTrace(exporter: Exporter, ns: string, pod: string, samples: readonly TraceSample[], everyMs = 1000): Driver {
  exporter.loadTrace(ns, pod, samples);
  return drive(exporter, ns, pod, () => {
    const s = exporter.advance(ns, pod);
    return s === undefined ? {} : { memBytes: s.memBytes, cpuCores: s.cpuCores, ...(s.contextTokens !== undefined ? { contextTokens: s.contextTokens } : {}) };
  }, everyMs);
}

/** A linear ramp from `from` to `to` over `seconds`, then flat. */
export function ramp(from: number, to: number, seconds: number): (tS: number) => number {
  return (tS) => from + (to - from) * Math.min(1, Math.max(0, tS / seconds));
}

/**
 * A tiny context-growth trace (format v1 samples): memory grows with the context, as an agent session
 * does when it keeps reading files into its prompt. `steps` samples, `intervalS` apart.
 */
export function contextGrowthTrace(session: string, steps: number, startMem: number, memPerStep: number, intervalS = 1): TraceSample[] {
  return Array.from({ length: steps }, (_, i) => ({
    session,
    t: i * intervalS,
    memBytes: startMem + i * memPerStep,
    cpuCores: 0.2,
    contextTokens: 8000 + i * 1500,
    toolCalls: 1,
    tool: i % 3 === 0 ? 'Read' : 'Grep',
    agentClass: 'coder',
  }));
}
