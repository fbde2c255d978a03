/**
 * Sharding a plan across machines (a Kubernetes Indexed Job, deploy/jobs/plan-job.yaml): shard I of N
 * replays the (policy, node shape, scale) cells whose index is I modulo N and writes their scores to a
 * shard file; `burstguard plan merge` reads all N files, checks they come from the same plan and cover
 * every cell exactly once (bench/shard/shard.ts), and builds the table a single run would.
 */
import { createHash } from 'node:crypto';
import { configToInput } from '../../src/config/index.js';
import type { Result } from '../../src/core/result.js';
import { mergeShardResults, type ShardSpec } from '../shard/shard.js';
import type { Score } from '../tune/pareto.js';
import type { PreparedPlan } from './run-plan.js';

export interface PlanShardFile {
  readonly format: 'burstguard-plan-shard';
  readonly version: 1;
  readonly plan: PlanIdentity;
  readonly shard: ShardSpec;
  readonly results: ReadonlyArray<{ readonly index: number; readonly policy: string; readonly nodeShape: string; readonly scale: number; readonly score: Score }>;
}

/** Everything that changes a cell's replay or its row; two shards merge only when these are equal. */
interface PlanIdentity {
  readonly trace: string;
  readonly sessions: number;
  readonly seed: number;
  readonly policies: readonly string[];
  readonly nodeShapes: ReadonlyArray<{ readonly name: string; readonly pricePerNodeHour: number }>;
  readonly scales: readonly number[];
  /** sha256 of the config the replays ran with (--config), so a shard of another ConfigMap is refused. */
  readonly config: string;
}

function identity(p: PreparedPlan): PlanIdentity {
  return {
    trace: p.header.name,
    sessions: p.scan.sessions,
    seed: p.r.seed,
    policies: p.r.policies,
    nodeShapes: p.r.shapes.map((s) => ({ name: s.name, pricePerNodeHour: s.pricePerNodeHour })),
    scales: p.r.scales,
    config: createHash('sha256').update(JSON.stringify(configToInput(p.r.config))).digest('hex').slice(0, 16),
  };
}

export function planShardFile(p: PreparedPlan, s: ShardSpec, indexes: readonly number[], scores: readonly Score[]): PlanShardFile {
  return {
    format: 'burstguard-plan-shard',
    version: 1,
    plan: identity(p),
    shard: s,
    results: indexes.map((index, k) => {
      const c = p.cells[index];
      return { index, policy: c?.policy ?? '', nodeShape: c?.shape.name ?? '', scale: c?.scale ?? 0, score: scores[k] as Score };
    }),
  };
}

/** Every cell's score in cell order from shard files, or what is wrong with them (named by file). */
export function mergePlanShards(p: PreparedPlan, files: ReadonlyArray<{ readonly name: string; readonly shard: PlanShardFile }>): Result<Score[], string> {
  const merged = mergeShardResults<PlanShardFile, PlanShardFile['results'][number]>(files, {
    format: 'burstguard-plan-shard',
    tool: 'plan',
    run: 'plan',
    item: 'cell',
    size: p.cells.length,
    identity: (f) => f.plan,
    expect: identity(p),
    checkResult: (x) => {
      const c = p.cells[x.index];
      const want = `${c?.policy} ${c?.shape.name} ${c?.scale}x`;
      const got = `${x.policy} ${x.nodeShape} ${x.scale}x`;
      return got === want ? undefined : `cell ${x.index} is ${got}, this plan has ${want}`;
    },
  });
  return merged.ok ? { ok: true, value: merged.value.map((x) => x.score) } : merged;
}
