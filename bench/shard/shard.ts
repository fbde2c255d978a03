/**
 * Splitting a batch of independent replays across machines (a Kubernetes Indexed Job, deploy/jobs/):
 * shard I of N takes the items whose index is I modulo N and writes their results to a shard file; a
 * merge reads all N files, checks they come from the same run and cover every item exactly once, and
 * hands back the results in item order, so N processes conclude exactly as one would. tune (grid
 * points) and plan (policy × node shape × scale cells) keep their own file formats on top of this.
 */
import { readFile } from 'node:fs/promises';
import { err, ok, type Result } from '../../src/core/result.js';

export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** What every shard file has: its format tag, which shard it is, and results keyed by item index. */
export interface ShardEnvelope<R extends { readonly index: number }> {
  readonly format: string;
  readonly shard: ShardSpec;
  readonly results: readonly R[];
}

/** `I/N` with 0 <= I < N. */
export function parseShard(text: string): Result<ShardSpec, string> {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(count >= 1) || !(index < count)) return err(`--shard expects I/N with 0 <= I < N (e.g. 0/4; in an Indexed Job, $(JOB_COMPLETION_INDEX)/4), got '${text}'`);
  return ok({ index, count });
}

export function shardIndexes(size: number, s: ShardSpec): number[] {
  return Array.from({ length: size }, (_, i) => i).filter((i) => i % s.count === s.index);
}

/** The shard files parsed, or the first that cannot be read (named). */
export async function readShardFiles<F>(files: readonly string[]): Promise<Result<Array<{ name: string; shard: F }>, string>> {
  const out: Array<{ name: string; shard: F }> = [];
  for (const f of files) {
    try {
      const shard: unknown = JSON.parse(await readFile(f, 'utf8'));
      if (typeof shard !== 'object' || shard === null || !Array.isArray((shard as { results?: unknown }).results)) return err(`${f}: not a shard file (no results)`);
      out.push({ name: f, shard: shard as F });
    } catch (e) {
      return err(`${f}: cannot read a shard file: ${(e as Error).message}`);
    }
  }
  return ok(out);
}

export interface MergeSpec<F, R> {
  /** The format tag the files must carry, and the name of the command for the message. */
  readonly format: string;
  readonly tool: string;
  /** What a run is called ('search', 'plan') and what one item is ('grid point', 'cell'). */
  readonly run: string;
  readonly item: string;
  readonly size: number;
  /** The fields that must match for two shards to belong to one run; compared as JSON. */
  readonly identity: (f: F) => unknown;
  readonly expect: unknown;
  /** Why one result does not fit this run, if it does not. */
  readonly checkResult?: (r: R) => string | undefined;
}

/** The results in item order, or what is wrong with the shards (named by file). */
export function mergeShardResults<F extends ShardEnvelope<R>, R extends { readonly index: number }>(files: ReadonlyArray<{ readonly name: string; readonly shard: F }>, spec: MergeSpec<F, R>): Result<R[], string> {
  const byIndex = new Map<number, R>();
  const expect = JSON.stringify(spec.expect);
  for (const { name, shard } of files) {
    if (shard.format !== spec.format) return err(`${name}: not a ${spec.tool} shard file`);
    const got = JSON.stringify(spec.identity(shard));
    if (got !== expect) return err(`${name}: from another ${spec.run} (${got}; this merge is ${expect})`);
    for (const x of shard.results) {
      if (!Number.isSafeInteger(x.index) || x.index < 0 || x.index >= spec.size) return err(`${name}: ${spec.item} ${x.index} is outside this ${spec.run} (${spec.size} ${spec.item}s)`);
      if (byIndex.has(x.index)) return err(`${name}: ${spec.item} ${x.index} is also in another shard`);
      const bad = spec.checkResult?.(x);
      if (bad !== undefined) return err(`${name}: ${bad}`);
      byIndex.set(x.index, x);
    }
  }
  const missing = Array.from({ length: spec.size }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) return err(`${spec.item}s ${missing.join(', ')} are in no shard (${files.length} files for ${spec.size} ${spec.item.split(' ').pop() ?? spec.item}s): a shard is missing`);
  return ok(Array.from({ length: spec.size }, (_, i) => byIndex.get(i) as R));
}
