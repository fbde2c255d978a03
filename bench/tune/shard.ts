/**
 * Sharding a tune grid across machines (a Kubernetes Indexed Job, deploy/jobs/tune-job.yaml): shard I
 * of N replays the grid points whose index is I modulo N on the tuning half and writes them to a shard
 * file; `burstguard tune merge` reads all N files, checks they come from the same search and cover
 * every point exactly once (bench/shard/shard.ts), and concludes as a single run would (frontier,
 * choice, validation half), so N processes give the same ConfigMap as one.
 */
import { ok, type Result } from '../../src/core/result.js';
import { mergeShardResults, type ShardSpec } from '../shard/shard.js';
import type { Point } from './grid.js';
import type { Score, Scored } from './pareto.js';
import type { Prepared } from './run-tune.js';

export interface ShardFile {
  readonly format: 'burstguard-tune-shard';
  readonly version: 1;
  readonly trace: string;
  readonly policy: string;
  readonly seed: number;
  readonly warmupS: number;
  readonly knobs: readonly string[];
  readonly gridSize: number;
  readonly shard: ShardSpec;
  readonly results: ReadonlyArray<{ readonly index: number; readonly point: Point; readonly tuning: Score }>;
}

export function shardFile(p: Prepared, s: ShardSpec, scored: readonly Scored[]): ShardFile {
  return {
    format: 'burstguard-tune-shard',
    version: 1,
    trace: p.header.name,
    policy: p.r.policy,
    seed: p.r.seed,
    warmupS: p.r.warmupS,
    knobs: p.r.grid.map(([k]) => k),
    gridSize: p.points.length,
    shard: s,
    results: scored.map((x) => ({ index: x.index, point: x.point, tuning: x.score })),
  };
}

/** The scored grid from shard files, or what is wrong with them (named by file). */
export function mergeShards(p: Prepared, files: ReadonlyArray<{ readonly name: string; readonly shard: ShardFile }>): Result<Scored[], string> {
  const merged = mergeShardResults<ShardFile, ShardFile['results'][number]>(files, {
    format: 'burstguard-tune-shard',
    tool: 'tune',
    run: 'search',
    item: 'grid point',
    size: p.points.length,
    identity: (s) => ({ trace: s.trace, policy: s.policy, seed: s.seed, warmupS: s.warmupS, knobs: s.knobs, gridSize: s.gridSize }),
    expect: { trace: p.header.name, policy: p.r.policy, seed: p.r.seed, warmupS: p.r.warmupS, knobs: p.r.grid.map(([k]) => k), gridSize: p.points.length },
    checkResult: (x) => (JSON.stringify(x.point) !== JSON.stringify(p.points[x.index]) ? `grid point ${x.index} is ${JSON.stringify(x.point)}, this grid has ${JSON.stringify(p.points[x.index])}` : undefined),
  });
  return merged.ok ? ok(merged.value.map((x) => ({ index: x.index, point: x.point, score: x.tuning }))) : merged;
}
