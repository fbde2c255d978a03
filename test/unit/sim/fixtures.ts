// Shared fixtures of the simulator tests: traces from arrays, small policies, settings.
import { GiB, MiB } from '../../../src/core/resources.js';
import type { Resources } from '../../../src/core/types.js';
import type { EngineConfig } from '../../../src/engine/engine-config.js';
import type { Policy, Recommendation } from '../../../src/policy/policy.js';
import type { TraceHeader, TraceSample } from '../../../src/trace/types.js';
import { replay, type ReplayHooks } from '../../../bench/replay/replay.js';
import { DEFAULT_SIM_SETTINGS } from '../../../bench/sim/defaults.js';
import type { ReplayOutcome, SimSettings } from '../../../bench/replay/replay-types.js';
import type { HintSettings } from '../../../bench/sim/hints.js';
import { engineConfig } from '../../support/fakes.js';

export { GiB, MiB };

export const header: TraceHeader = { format: 'burstguard-trace', version: 1, name: 'test', source: 'unit test', license: 'CC0-1.0', intervalSeconds: 1 };

/** One session's demand: `[t, memMiB, cpuCores]` rows, or a constant level over [from, to] each second. */
export function flat(session: string, from: number, to: number, memMiB: number, cpu = 0.1, extra: Partial<TraceSample> = {}): TraceSample[] {
  const out: TraceSample[] = [];
  for (let t = from; t <= to; t++) out.push({ session, t, memBytes: memMiB * MiB, cpuCores: cpu, agentClass: 'swe', ...extra });
  return out;
}

/** Samples sorted by t (stable), as bundled traces are. */
export function sorted(...parts: TraceSample[][]): TraceSample[] {
  return parts.flat().sort((a, b) => a.t - b.t);
}

/** A trace stream over an array (what the trace reader yields, without the file). */
export function streamOf(samples: readonly TraceSample[]): () => AsyncIterable<TraceSample> {
  return () => ({
    [Symbol.asyncIterator](): AsyncIterator<TraceSample> {
      let i = 0;
      return {
        next: (): Promise<IteratorResult<TraceSample>> =>
          Promise.resolve(i < samples.length ? { done: false, value: samples[i++] as TraceSample } : { done: true, value: undefined }),
      };
    },
  });
}

/** The tests' pod template: 512Mi / 0.5 CPU requested, 1Gi / 1 CPU limit (Burstable), whatever the defaults become. */
export const TEST_INITIAL = { requests: { memBytes: 512 * MiB, cpuCores: 0.5 }, limits: { memBytes: 1 * GiB, cpuCores: 1 } };

export function sim(over: Partial<SimSettings> = {}): SimSettings {
  return { ...DEFAULT_SIM_SETTINGS, initial: TEST_INITIAL, ...over };
}

/** Engine settings that let a test's policy act freely (no cooldown, big steps). */
export function engine(over: Partial<EngineConfig> = {}): EngineConfig {
  const base = engineConfig();
  return { ...base, ...over, guards: { ...base.guards, downscaleCooldownS: 0, maxDecreaseFraction: 1, ...over.guards } };
}

/** A policy that does nothing (static: pods keep their initial resources). */
export const idle: Policy<null> = { name: 'idle', init: () => null, observe: () => undefined, recommend: () => [] };

/** A policy asking every pod for fixed resources, from trace time `fromS` on (epoch of the sim: 2026-01-01). */
export function askFor(requests: Resources, limits: Resources, fromS = 0): Policy<null> {
  return {
    name: 'ask',
    init: () => null,
    observe: () => undefined,
    recommend: (_s, ctx): Recommendation[] =>
      ctx.nowMs - Date.UTC(2026, 0, 1) < fromS * 1000
        ? []
        : ctx.pods.map((p) => ({ kind: 'resize' as const, pod: p.key, requests, limits, reason: 'test asks', inputs: {} })),
  };
}

export interface RunOptions {
  readonly policy?: Policy;
  readonly sim?: Partial<SimSettings>;
  readonly engine?: Partial<EngineConfig>;
  readonly warmupS?: number;
  readonly timelineSessions?: number;
  readonly hooks?: ReplayHooks;
  readonly seed?: number;
  /** The trace stream instead of the samples' (e.g. a reshaped trace). */
  readonly open?: () => AsyncIterable<TraceSample>;
  /** `--hints`: the simulated agents announce their tool starts. */
  readonly hints?: HintSettings;
}

export function run(samples: readonly TraceSample[], o: RunOptions = {}): Promise<ReplayOutcome> {
  return replay(
    {
      header,
      open: o.open ?? streamOf(samples),
      policy: o.policy ?? idle,
      sim: sim(o.sim),
      engine: engine(o.engine),
      seed: o.seed ?? 1,
      warmupS: o.warmupS ?? 0,
      timelineSessions: o.timelineSessions ?? 0,
      ...(o.hints ? { hints: o.hints } : {}),
    },
    { wallClock: () => 0, ...o.hooks },
  );
}
