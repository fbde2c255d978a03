/**
 * One replay of one setting on one set of samples, reduced to the figures tune and plan compare.
 * The same code runs inline and in the worker threads, so `--jobs` never changes a result.
 */
import { parseConfigObject } from '../../src/config/index.js';
import type { Resources } from '../../src/core/types.js';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import { benchEngineConfig, policyFactory, simSettingsFor } from '../replay/bench-deps.js';
import { inMemoryStream } from '../replay/in-memory-trace.js';
import { DEFAULT_SIM_SETTINGS, replay } from '../replay/replay.js';
import { reshapedStream } from '../replay/scale-trace.js';
import type { ResizePolicyRow } from '../score/result-types.js';
import type { Score } from './pareto.js';

/** What a replay needs, all of it structured-cloneable (it crosses into worker threads). */
export interface ReplayTask {
  /** The config in its input form (what config.yaml holds). */
  readonly configInput: Readonly<Record<string, unknown>>;
  /** The policy to replay (the config's acting one, or any other the bench offers). */
  readonly policy: string;
  readonly seed: number;
  readonly warmupS: number;
  /** Node allocatable; the simulator's default shape when absent. */
  readonly nodeShape?: Resources;
  /** `--scale`: sessions multiplied over the same span, resampled with the seed (1 when absent). */
  readonly scale?: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The figures of a bench row (disruptions as BENCH.md v2 defines them). */
export function scoreOfRow(row: ResizePolicyRow, podSeconds: number): Score {
  const podHours = podSeconds / 3600;
  return {
    nodeHours: num(row.nodeHours),
    peakNodes: num(row.peakNodes),
    p95Nodes: num(row['p95Nodes']),
    liveHours: num(row['liveHours']),
    disruptions: num(row.disruptions),
    disruptionsPer100PodHours: num(row.disruptionsPer100PodHours),
    oomKills: num(row.oomKills),
    evictions: num(row.evictions),
    apiWrites: num(row.apiWrites),
    memSlack: num(row.memSlack),
    podHours,
  };
}

/** Replays the samples under the task's setting. Throws on an invalid config (callers check first). */
export async function scorePoint(header: TraceHeader, samples: readonly TraceSample[], task: ReplayTask): Promise<Score> {
  const config = parseConfigObject(task.configInput);
  if (!config.ok) throw new Error(`invalid config: ${JSON.stringify(config.error)}`);
  const base = task.nodeShape !== undefined ? { ...DEFAULT_SIM_SETTINGS, nodeAllocatable: task.nodeShape } : DEFAULT_SIM_SETTINGS;
  const sim = simSettingsFor(base, config.value.policies);
  const engine = benchEngineConfig(config.value.engine);
  const policy = policyFactory(config.value.policies, sim, engine)(task.policy);
  if (!policy.ok) throw new Error(policy.error);
  const scale = task.scale ?? 1;
  const open = (): AsyncIterable<TraceSample> => (scale === 1 ? inMemoryStream(samples) : reshapedStream(samples, { scale, seed: task.seed }));
  const outcome = await replay({ header, open, policy: policy.value, sim, engine, seed: task.seed, warmupS: task.warmupS, timelineSessions: 0 });
  return scoreOfRow(outcome.row, outcome.trace.podSeconds);
}
