import { readFile, writeFile } from 'node:fs/promises';
import { parseBudget } from '../../bench/tune/budget.js';
import { DEFAULT_GRIDS, parseGrid, type Grid } from '../../bench/tune/grid.js';
import { tunedConfigMap, tuneReport, tuneTable } from '../../bench/tune/output.js';
import { defaultJobs } from '../../bench/tune/pool.js';
import { concludeTune, prepareTune, runTune, scoreTuning, type TuneRequest, type TuneResult } from '../../bench/tune/run-tune.js';
import { mergeShards, shardFile, type ShardFile } from '../../bench/tune/shard.js';
import { parseShard, readShardFiles, shardIndexes } from '../../bench/shard/shard.js';
import { ProgressBar } from '../../bench/replay/progress.js';
import { defaultConfig, loadConfigFile } from '../config/index.js';
import { err, ok, type Result } from '../core/result.js';
import { TraceFormatError } from '../trace/reader.js';
import type { CliIo } from './io.js';
import { parseShardedCommand, type Complain, type FlagValues } from './sharded-command.js';

const help = `Usage: burstguard tune --trace FILE --policy NAME [--budget EXPR] [--grid FILE] [--jobs N] --out configmap.yaml

Searches the policy's ConfigMap knobs on replays of the trace. Sessions are split (seeded) into a tuning
and a validation half: every grid point is replayed on the tuning half, the Pareto frontier (node-hours
against disruptions) is printed, the cheapest point within the budget is chosen and then scored on the
validation half. Writes that point as a ConfigMap the controller accepts, its figures in comments.

  --trace FILE      trace v1 (.jsonl or .jsonl.gz)                                   required
  --policy NAME     predictive (default), reactive or vpa
  --budget EXPR     disruptions<=X/100podh (default disruptions<=0.5/100podh) or disruptions<=N
  --grid FILE       YAML/JSON: knob -> values, e.g. {policies.predictive.riskBudget: [0.001, 0.01]}
                    (default grids in docs/bench.md; bare names mean policies.<policy>.<name>)
  --config FILE     base ConfigMap the points start from (default: the built-in defaults)
  --jobs N          replays in parallel on worker threads (default: the cores, ${defaultJobs()} here)
  --seed N          seed of the session split and of the simulated cluster (default 1)
  --warmup SECONDS  replay the first SECONDS unscored (default 0)
  --out FILE        the ConfigMap to write                                            required
  --report FILE     HTML report with the frontier chart
  --json FILE       every point's figures as JSON
  --shard I/N       replay only grid points with index I mod N (tuning half) into --shard-out FILE.json;
                    then: burstguard tune merge SHARD.json... (same flags) --out configmap.yaml
`;

const options = {
  trace: { type: 'string' },
  policy: { type: 'string' },
  budget: { type: 'string' },
  grid: { type: 'string' },
  config: { type: 'string' },
  jobs: { type: 'string' },
  seed: { type: 'string' },
  warmup: { type: 'string' },
  out: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'string' },
  shard: { type: 'string' },
  'shard-out': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function count(flag: string, raw: string | undefined, fallback: number, min: number): Result<number, string> {
  if (raw === undefined) return ok(fallback);
  const v = Number(raw);
  return Number.isSafeInteger(v) && v >= min ? ok(v) : err(`--${flag} expects a whole number >= ${min}, got '${raw}'`);
}

async function gridFor(file: string | undefined, policy: string): Promise<Result<Grid, string>> {
  if (file === undefined) {
    const g = DEFAULT_GRIDS[policy];
    return g !== undefined ? ok(g) : err(`policy '${policy}' has no default grid (${Object.keys(DEFAULT_GRIDS).join(', ')} do); give --grid FILE`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return err(`--grid: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseGrid(text, file, policy);
}

type Values = FlagValues<typeof options>;

/** The request the flags describe, or the exit code after a message. */
async function tuneRequest(v: Values, io: CliIo, bad: Complain): Promise<TuneRequest | number> {
  if (v.trace === undefined || v.out === undefined) return bad('need --trace FILE and --out FILE', true);
  const policy = v.policy ?? 'predictive';
  const budget = parseBudget(v.budget ?? 'disruptions<=0.5/100podh');
  if (!budget.ok) return bad(budget.error);
  const jobs = count('jobs', v.jobs, defaultJobs(), 1);
  const seed = count('seed', v.seed, 1, 0);
  const warmup = count('warmup', v.warmup, 0, 0);
  if (!jobs.ok || !seed.ok || !warmup.ok) return bad([jobs, seed, warmup].flatMap((r) => (r.ok ? [] : [r.error]))[0] ?? '');
  const grid = await gridFor(v.grid, policy);
  if (!grid.ok) return bad(grid.error);
  const base = v.config !== undefined ? await loadConfigFile(v.config) : ok(defaultConfig());
  if (!base.ok) return bad(`config: ${base.error}`);
  const bar = io.stderrIsTty ? new ProgressBar(io.stderr) : undefined;
  return {
    trace: v.trace,
    policy,
    base: base.value,
    grid: grid.value,
    budget: budget.value,
    seed: seed.value,
    warmupS: warmup.value,
    jobs: jobs.value,
    ...(bar ? { onProgress: (d: number, n: number) => bar.update(`replay ${d}/${n}`, d / n) } : {}),
  };
}

/** Table, ConfigMap, report, JSON of a finished search. */
async function writeResult(result: TuneResult, v: Values, io: CliIo): Promise<void> {
  io.stdout.write(tuneTable(result));
  await writeFile(v.out ?? 'configmap.yaml', tunedConfigMap(result));
  io.stdout.write(`ConfigMap written to ${v.out}\n`);
  if (v.report !== undefined) await writeFile(v.report, tuneReport(result));
  // The config itself is in --out; the JSON keeps the figures.
  if (v.json !== undefined) await writeFile(v.json, `${JSON.stringify({ ...result, chosenConfig: undefined }, null, 2)}\n`);
}

/** Shard I/N of the grid: its points on the tuning half, into --shard-out. */
async function runShard(req: TuneRequest, v: Values): Promise<Result<string, string>> {
  const shard = parseShard(v.shard ?? '');
  if (!shard.ok) return shard;
  if (v['shard-out'] === undefined) return err('--shard needs --shard-out FILE.json');
  const p = await prepareTune(req);
  if (!p.ok) return p;
  const scored = await scoreTuning(p.value, shardIndexes(p.value.points.length, shard.value));
  await writeFile(v['shard-out'], `${JSON.stringify(shardFile(p.value, shard.value, scored))}\n`);
  return ok(`shard ${shard.value.index}/${shard.value.count}: ${scored.length} of ${p.value.points.length} grid points written to ${v['shard-out']}\n`);
}

/** `tune merge SHARD...`: the shards' points, concluded as one run. */
async function runMerge(req: TuneRequest, files: readonly string[]): Promise<Result<TuneResult, string>> {
  const started = performance.now();
  if (files.length === 0) return err('tune merge needs the shard files (one per index)');
  const p = await prepareTune(req);
  if (!p.ok) return p;
  const shards = await readShardFiles<ShardFile>(files);
  if (!shards.ok) return shards;
  const scored = mergeShards(p.value, shards.value);
  if (!scored.ok) return scored;
  return concludeTune(p.value, scored.value, started);
}

async function tuneMain(argv: readonly string[], io: CliIo, merge: boolean): Promise<number> {
  const cmd = parseShardedCommand({ command: 'tune', merge, options, help }, argv, io);
  if (typeof cmd === 'number') return cmd;
  const { values: v, positionals, complain: bad } = cmd;
  const req = await tuneRequest(v, io, bad);
  if (typeof req === 'number') return req;
  try {
    if (!merge && v.shard !== undefined) {
      const r = await runShard(req, v);
      if (!r.ok) return bad(r.error);
      io.stdout.write(r.value);
      return 0;
    }
    const result = merge ? await runMerge(req, positionals) : await runTune(req);
    if (!result.ok) return bad(result.error);
    await writeResult(result.value, v, io);
    return 0;
  } catch (e) {
    if (e instanceof TraceFormatError) return bad(e.message);
    io.stderr.write(`burstguard tune: replay failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    if (io.stderrIsTty) io.stderr.write('\r\x1b[K');
  }
}

/** `burstguard tune ...` (see help). Exit 0 written, 2 bad input (flags, grid, budget), 1 a replay failed. */
export async function tuneCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return tuneMain(argv, io, false);
}

/** `burstguard tune merge SHARD... --trace FILE --out configmap.yaml` (same flags as the shards). */
export async function tuneMergeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return tuneMain(argv, io, true);
}
