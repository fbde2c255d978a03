import type { TraceHeader } from '../../src/trace/types.js';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { PolicySettings } from '../../src/policy/registry.js';
import { resultHead } from '../score/result-json.js';
import type { BenchResult, ReplicasPolicyRow } from '../score/result-types.js';
import { checkReplayable, MAX_CACHED_SAMPLES, openReplayable, type TraceScan } from '../replay/run-bench.js';
import type { TraceShapeOptions } from '../replay/scale-trace.js';
import { shapeSettings, type RunShape } from '../score/result-settings.js';
import { replicasRun } from './policies.js';
import { replayReplicas, type ReplicasOutcome } from './replay.js';
import type { ReplicasSettings } from './settings.js';

/** What a replicas bench needs besides its options. */
export interface ReplicasBenchDeps {
  readonly settings: ReplicasSettings;
  readonly engine: EngineConfig;
  readonly policies: PolicySettings;
  readonly onProgress?: (p: { readonly trace: string; readonly policy: string; readonly fraction: number }) => void;
  /** Told of what the validating pass noticed but the format allows (a misspelt optional field). */
  readonly onWarning?: (message: string) => void;
  /** Wall clock for replaySeconds (tests may fix it). */
  readonly wall?: () => number;
}

/** One trace replayed in the replicas scenario under every requested policy, in the order asked. */
export interface ReplicasTraceRun {
  readonly path: string;
  readonly header: TraceHeader;
  readonly scan: TraceScan;
  readonly outcomes: ReadonlyArray<{ readonly policy: string; readonly outcome: ReplicasOutcome }>;
}

/**
 * Replays every trace under every policy of the replicas scenario. As in the resize bench, each trace
 * is validated in full first (a bad line fails before any replay) and every policy gets a fresh
 * policy object and a fresh stream; the scenario has no randomness, so the seed only labels the result.
 */
export async function runReplicasBench(
  req: { readonly traces: readonly string[]; readonly policies: readonly string[]; readonly warmupS: number; readonly shape?: TraceShapeOptions },
  deps: ReplicasBenchDeps,
): Promise<ReplicasTraceRun[]> {
  const runs: ReplicasTraceRun[] = [];
  for (const path of req.traces) {
    const source = await openReplayable(path, MAX_CACHED_SAMPLES, req.shape);
    const { scan, open } = source;
    checkReplayable(path, scan, req.warmupS);
    for (const w of source.warnings) deps.onWarning?.(w);
    const outcomes: Array<{ policy: string; outcome: ReplicasOutcome }> = [];
    for (const name of req.policies) {
      const run = replicasRun(name, deps.settings, deps.engine, deps.policies);
      if (!run.ok) throw new Error(run.error);
      const progress = deps.onProgress;
      const span = Math.max(scan.lastT, 1e-9);
      const outcome = await replayReplicas(
        {
          header: source.header,
          open,
          policy: run.value.policy,
          autoscaler: run.value.autoscaler,
          settings: deps.settings,
          engine: deps.engine,
          warmupS: req.warmupS,
          name,
          ...(progress ? { onProgress: (t: number) => progress({ trace: source.header.name, policy: name, fraction: Math.min(1, t / span) }) } : {}),
        },
        deps.wall,
      );
      outcomes.push({ policy: name, outcome });
    }
    runs.push({ path, header: source.header, scan, outcomes });
  }
  return runs;
}

/** Predictive (or another policy) against KEDA alone and the oracle: differences of the two numbers that matter. */
export interface ReplicasGap {
  readonly policy: string;
  readonly against: string;
  readonly queueWaitP95Seconds: number;
  readonly replicaHours: number;
}

function gap(rows: readonly ReplicasPolicyRow[], policy: string, against: string): ReplicasGap | undefined {
  const p = rows.find((r) => r.policy === policy);
  const o = rows.find((r) => r.policy === against);
  if (!p || !o) return undefined;
  return { policy, against, queueWaitP95Seconds: p.queueWaitP95Seconds - o.queueWaitP95Seconds, replicaHours: Math.round((p.replicaHours - o.replicaHours) * 1e6) / 1e6 };
}

/**
 * The result JSON v2 of one replicas trace (BENCH.md): the same head as a resize result, the
 * scenario's knobs in `settings`, then the self-describing extras.
 */
export function toReplicasResult(run: ReplicasTraceRun, shape: RunShape, settings: ReplicasSettings): BenchResult {
  const rows = run.outcomes.map((o) => o.outcome.row);
  const gaps = [gap(rows, 'predictive', 'keda'), gap(rows, 'predictive', 'oracle')].filter((g): g is ReplicasGap => g !== undefined);
  return { ...resultHead('replicas', run, rows, { settings: { ...shapeSettings(shape), ...settings } }), ...(gaps.length > 0 ? { gaps } : {}) };
}
