/**
 * Forecasts for pods that export no agent series (no context tokens, no tool in flight, no tool
 * counters): the pod's own memory trend and CPU usage are all there is. Without this, a steady ramp
 * had no growth forecast at all (issue 11: a 4 MB/s ramp OOM-killed twice at ε = 0.5), and CPU limits
 * stood at the class prior's any-state peak, which for a pod the class knows nothing about meant the
 * guard maximum (8 cores on a 2-core node).
 *
 * Memory: Theil–Sen over the pod's recent samples (models/memory-trend.ts); when it is a ramp, the
 * limit must hold the usage the ramp reaches by the time the next action can land: the horizon is the
 * actuation latency (`horizonS`) plus the staleness of the newest sample. CPU: the limit follows the
 * pod's own observed peak (CPU_LIMIT_FACTOR × peak, at least CPU_LIMIT_MIN_CORES), never above the
 * class's standing peak; over-limit CPU is throttled, not killed, so a limit sized from evidence is
 * the honest default.
 *
 * The points live beside the policy state (a WeakMap keyed by the pod's track, so they go when the
 * track goes) to keep this forecast in its own file.
 */
import type { AgentSample } from '../../core/types.js';
import { memoryTrend, rampGrowth, type MemoryPoint } from '../../../models/memory-trend.js';
import type { PodTrack } from './state.js';

/**
 * Cold-start headroom of a memory-only pod: at most this many times its own baseline above it (a
 * 100 MB pod gets ≤ 300 MB of burst room, a 400 MB limit), instead of the class prior's ε-tail, which
 * is measured on agent sessions running tools (≈ 2 GiB at ε = 0.002) and says nothing about a pod
 * that exports no agent series. Its own evidence lifts it: its largest burst (held), its ramp, and an
 * OOM kill of its own (× 1.2). See docs/models.md "Pods without agent series".
 */
export const SOLO_HEADROOM_FRACTION = 3;

/** The class headroom a memory-only pod carries: capped by its own baseline (SOLO_HEADROOM_FRACTION). */
export function soloHeadroom(classHeadroom: number, base: number): number {
  return Math.min(classHeadroom, SOLO_HEADROOM_FRACTION * base);
}

/** Samples kept per pod for the trend, and how far back. */
const POINTS = 12;
const WINDOW_MS = 5 * 60_000;
/** A memory-only pod's CPU limit: this many times its observed peak, at least CPU_LIMIT_MIN_CORES. */
export const CPU_LIMIT_FACTOR = 2;
export const CPU_LIMIT_MIN_CORES = 0.5;
/** The observed CPU peak halves over this many seconds (an old spike stops lifting the limit). */
const CPU_PEAK_HALF_LIFE_S = 1800;

interface Evidence {
  readonly points: MemoryPoint[];
  /** Whether the pod ever showed an agent signal; then the agent-series forecast applies instead. */
  agentSeries: boolean;
  cpuPeak: number;
  cpuPeakAtMs: number;
}

const evidence = new WeakMap<PodTrack, Evidence>();

/** Folds one sample (call after the track has folded it). */
export function noteMemoryOnly(t: PodTrack | undefined, s: AgentSample): void {
  if (t === undefined) return;
  let e = evidence.get(t);
  if (!e) evidence.set(t, (e = { points: [], agentSeries: false, cpuPeak: 0, cpuPeakAtMs: s.tMs }));
  if (s.contextTokens !== undefined || s.tool !== undefined || s.toolCalls !== undefined) e.agentSeries = true;
  const last = e.points[e.points.length - 1];
  if (last !== undefined && s.tMs <= last.tMs) return;
  e.points.push({ tMs: s.tMs, memBytes: s.memBytes });
  while (e.points.length > POINTS || (e.points[0]?.tMs ?? s.tMs) < s.tMs - WINDOW_MS) e.points.shift();
  const decayedPeak = e.cpuPeak * 2 ** (-(s.tMs - e.cpuPeakAtMs) / (CPU_PEAK_HALF_LIFE_S * 1000));
  if (s.cpuCores >= decayedPeak) {
    e.cpuPeak = s.cpuCores;
    e.cpuPeakAtMs = s.tMs;
  }
}

/** The memory-only forecast of a pod, or undefined when it has agent series (or no evidence yet). */
export interface MemoryOnlyForecast {
  /** Usage the ramp reaches by the time the next action can land (lastMem when no ramp). */
  readonly usageAtLanding: number;
  /** Growth over that horizon, bytes, and the Theil–Sen slope (bytes/s). */
  readonly growth: number;
  readonly slope: number;
  readonly horizonS: number;
  /** The CPU limit its own usage supports. */
  readonly cpuLimit: number;
}

export function memoryOnlyForecast(t: PodTrack, nowMs: number, horizonS: number): MemoryOnlyForecast | undefined {
  const e = evidence.get(t);
  if (!e || e.agentSeries) return undefined;
  const h = horizonS + Math.max(0, (nowMs - t.lastTMs) / 1000);
  const trend = memoryTrend(e.points);
  const growth = rampGrowth(trend, h);
  return {
    usageAtLanding: t.lastMem + growth,
    growth,
    slope: trend.slope,
    horizonS: h,
    cpuLimit: Math.max(CPU_LIMIT_MIN_CORES, CPU_LIMIT_FACTOR * e.cpuPeak),
  };
}
