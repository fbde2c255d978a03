/**
 * Sharding a tune grid across machines (a Kubernetes Indexed Job, deploy/jobs/tune-job.yaml): shard I
 * of N replays the grid points whose index is I modulo N on the tuning half and writes them to a shard
 * file; `burstguard tune merge` reads all N files, checks they come from the same search and cover
 * every point exactly once, and concludes as a single run would (frontier, choice, validation half),
 * so N processes give the same ConfigMap as one.
 */
import { err, ok, type Result } from '../../src/core/result.js';
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
  readonly shard: { readonly index: number; readonly count: number };
  readonly results: ReadonlyArray<{ readonly index: number; readonly point: Point; readonly tuning: Score }>;
}

/** `I/N` with 0 <= I < N. */
export function parseShard(text: string): Result<{ index: number; count: number }, string> {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(count >= 1) || !(index < count)) return err(`--shard expects I/N with 0 <= I < N (e.g. 0/4; in an Indexed Job, $(JOB_COMPLETION_INDEX)/4), got '${text}'`);
  return ok({ index, count });
}

export function shardIndexes(gridSize: number, s: { index: number; count: number }): number[] {
  return Array.from({ length: gridSize }, (_, i) => i).filter((i) => i % s.count === s.index);
}

export function shardFile(p: Prepared, s: { index: number; count: number }, scored: readonly Scored[]): ShardFile {
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
  const byIndex = new Map<number, Scored>();
  const expect = { trace: p.header.name, policy: p.r.policy, seed: p.r.seed, warmupS: p.r.warmupS, knobs: p.r.grid.map(([k]) => k), gridSize: p.points.length };
  for (const { name, shard } of files) {
    if (shard.format !== 'burstguard-tune-shard') return err(`${name}: not a tune shard file`);
    const got = { trace: shard.trace, policy: shard.policy, seed: shard.seed, warmupS: shard.warmupS, knobs: shard.knobs, gridSize: shard.gridSize };
    if (JSON.stringify(got) !== JSON.stringify(expect)) return err(`${name}: from another search (${JSON.stringify(got)}; this merge is ${JSON.stringify(expect)})`);
    for (const x of shard.results) {
      if (byIndex.has(x.index)) return err(`${name}: grid point ${x.index} is also in another shard`);
      if (JSON.stringify(x.point) !== JSON.stringify(p.points[x.index])) return err(`${name}: grid point ${x.index} is ${JSON.stringify(x.point)}, this grid has ${JSON.stringify(p.points[x.index])}`);
      byIndex.set(x.index, { index: x.index, point: x.point, score: x.tuning });
    }
  }
  const missing = p.points.map((_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) return err(`grid points ${missing.join(', ')} are in no shard (${files.length} files for ${p.points.length} points): a shard is missing`);
  return ok(p.points.map((_, i) => byIndex.get(i) as Scored));
}
