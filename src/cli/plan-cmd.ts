import { writeFile } from 'node:fs/promises';
import { planReport, planTable } from '../../bench/plan/output.js';
import { concludePlan, preparePlan, runPlan, scoreCells, type PlanRequest, type PlanResult } from '../../bench/plan/run-plan.js';
import { mergePlanShards, planShardFile, type PlanShardFile } from '../../bench/plan/shard.js';
import { parseShard, readShardFiles, shardIndexes } from '../../bench/shard/shard.js';
import { BENCH_POLICY_NAMES } from '../../bench/replay/bench-deps.js';
import { parseNodeShape, parseScale } from '../../bench/replay/density-flags.js';
import { ProgressBar } from '../../bench/replay/progress.js';
import { defaultJobs } from '../../bench/tune/pool.js';
import { defaultConfig, loadConfigFile } from '../config/index.js';
import { err, ok, type Result } from '../core/result.js';
import type { Resources } from '../core/types.js';
import { TraceFormatError } from '../trace/reader.js';
import type { CliIo } from './io.js';
import { parseShardedCommand, type Complain, type FlagValues } from './sharded-command.js';

const help = `Usage: burstguard plan --trace FILE --scale 1,2,5 --node-shape 8x32Gi,16x64Gi --price PER_NODE_HOUR [options]

Replays the trace per policy, node shape and traffic level (the sessions multiplied by each scale along
the recorded arrivals) and prints, for each: peak and p95 nodes, node-hours, cost per month at the price
(mean nodes x 730 h x price: the recorded span taken as typical), and disruptions.

  --trace FILE        trace v1                                                      required
  --scale LIST        traffic levels, e.g. 1,2,5 (default 1)
  --node-shape LIST   node allocatable CPUxMEMORY, e.g. 8x32Gi,16x64Gi                required
  --price USD[,USD]   price of one node-hour, or one per node shape                 required
  --policies LIST     default static,vpa,predictive
  --config FILE       burstguard ConfigMap (e.g. the one tune wrote)
  --jobs N            replays in parallel (default: the cores, ${defaultJobs()} here)
  --seed N            seed of the scaling and the simulated cluster (default 1)
  --json FILE|-       the rows as JSON (- for stdout only)
  --report FILE       HTML report with cost against traffic
  --shard I/N         replay only the cells (policy x shape x scale, in table order) with index I mod N
                      into --shard-out FILE.json; then: burstguard plan merge SHARD.json... (same flags)
`;

const options = {
  trace: { type: 'string' },
  scale: { type: 'string' },
  'node-shape': { type: 'string' },
  price: { type: 'string' },
  policies: { type: 'string' },
  config: { type: 'string' },
  jobs: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  report: { type: 'string' },
  shard: { type: 'string' },
  'shard-out': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function list<T>(raw: string, each: (s: string) => Result<T, string>): Result<T[], string> {
  const out: T[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const r = each(part);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return out.length > 0 ? ok(out) : err(`empty list '${raw}'`);
}

interface PlanFlags {
  readonly shapes: Array<{ name: string; shape: Resources; pricePerNodeHour: number }>;
  readonly scales: number[];
  readonly policies: string[];
  readonly jobs: number;
  readonly seed: number;
}

function checkFlags(v: { scale?: string | undefined; 'node-shape'?: string | undefined; price?: string | undefined; policies?: string | undefined; jobs?: string | undefined; seed?: string | undefined }): Result<PlanFlags, string> {
  if (v['node-shape'] === undefined) return err('need --node-shape, e.g. 8x32Gi,16x64Gi');
  const shapes = list(v['node-shape'], (s) => {
    const p = parseNodeShape(s);
    return p.ok ? ok({ name: s, shape: p.value, pricePerNodeHour: 0 }) : p;
  });
  if (!shapes.ok) return shapes;
  const scales = list(v.scale ?? '1', parseScale);
  if (!scales.ok) return scales;
  const prices = list(v.price ?? '', (p) => (p !== '' && Number.isFinite(Number(p)) && Number(p) >= 0 ? ok(Number(p)) : err(`--price expects the price of one node-hour (e.g. 0.38), got '${p}'`)));
  if (!prices.ok) return err(v.price === undefined ? 'need --price, the price of one node-hour (e.g. 0.38; or one per node shape: 0.38,0.76)' : prices.error);
  if (prices.value.length !== 1 && prices.value.length !== shapes.value.length) return err(`--price takes one price, or one per node shape (${shapes.value.length}), got ${prices.value.length}`);
  const price = (i: number): number => prices.value[prices.value.length === 1 ? 0 : i] ?? 0;
  const policies = list(v.policies ?? 'static,vpa,predictive', (p) => (BENCH_POLICY_NAMES.includes(p) ? ok(p) : err(`unknown policy '${p}' (known: ${BENCH_POLICY_NAMES.join(', ')})`)));
  if (!policies.ok) return policies;
  const jobs = v.jobs === undefined ? defaultJobs() : Number(v.jobs);
  const seed = v.seed === undefined ? 1 : Number(v.seed);
  if (!Number.isSafeInteger(jobs) || jobs < 1) return err(`--jobs expects a whole number >= 1, got '${v.jobs ?? ''}'`);
  if (!Number.isSafeInteger(seed) || seed < 0) return err(`--seed expects a whole number >= 0, got '${v.seed ?? ''}'`);
  return ok({ shapes: shapes.value.map((s, i) => ({ ...s, pricePerNodeHour: price(i) })), scales: scales.value, policies: policies.value, jobs, seed });
}

type Values = FlagValues<typeof options>;

/** The request the flags describe, or the exit code after a message. */
async function planRequest(v: Values, io: CliIo, bad: Complain): Promise<PlanRequest | number> {
  if (v.trace === undefined) return bad('need --trace FILE', true);
  const flags = checkFlags(v);
  if (!flags.ok) return bad(flags.error);
  const config = v.config !== undefined ? await loadConfigFile(v.config) : ok(defaultConfig());
  if (!config.ok) return bad(`config: ${config.error}`);
  const bar = io.stderrIsTty ? new ProgressBar(io.stderr) : undefined;
  return {
    trace: v.trace,
    policies: flags.value.policies,
    shapes: flags.value.shapes,
    scales: flags.value.scales,
    config: config.value,
    seed: flags.value.seed,
    jobs: flags.value.jobs,
    ...(bar ? { onProgress: (d: number, n: number) => bar.update(`replay ${d}/${n}`, d / n) } : {}),
  };
}

/** Shard I/N of the cells into --shard-out. */
async function runShard(req: PlanRequest, v: Values): Promise<Result<string, string>> {
  const shard = parseShard(v.shard ?? '');
  if (!shard.ok) return shard;
  if (v['shard-out'] === undefined) return err('--shard needs --shard-out FILE.json');
  const p = await preparePlan(req);
  const indexes = shardIndexes(p.cells.length, shard.value);
  const scores = await scoreCells(p, indexes);
  await writeFile(v['shard-out'], `${JSON.stringify(planShardFile(p, shard.value, indexes, scores))}\n`);
  return ok(`shard ${shard.value.index}/${shard.value.count}: ${indexes.length} of ${p.cells.length} cells written to ${v['shard-out']}\n`);
}

/** `plan merge SHARD...`: the shards' cells, as one run's table. */
async function runMerge(req: PlanRequest, files: readonly string[]): Promise<Result<PlanResult, string>> {
  if (files.length === 0) return err('plan merge needs the shard files (one per index)');
  const shards = await readShardFiles<PlanShardFile>(files);
  if (!shards.ok) return shards;
  const p = await preparePlan(req);
  const scores = mergePlanShards(p, shards.value);
  return scores.ok ? ok(concludePlan(p, scores.value)) : scores;
}

/** Table (stdout, or stderr when the JSON goes to stdout), JSON and report of a finished plan. */
async function writeResult(result: PlanResult, v: Values, io: CliIo): Promise<void> {
  (v.json === '-' ? io.stderr : io.stdout).write(planTable(result));
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (v.json === '-') io.stdout.write(json);
  else if (v.json !== undefined) await writeFile(v.json, json);
  if (v.report !== undefined) await writeFile(v.report, planReport(result));
}

/** Erases the progress bar's line (drawn only on a terminal) so the table starts clean. */
function clearBar(io: CliIo): void {
  if (io.stderrIsTty) io.stderr.write('\r\x1b[K');
}

async function planMain(argv: readonly string[], io: CliIo, merge: boolean): Promise<number> {
  const cmd = parseShardedCommand({ command: 'plan', merge, options, help }, argv, io);
  if (typeof cmd === 'number') return cmd;
  const { values: v, positionals, complain: bad } = cmd;
  const req = await planRequest(v, io, bad);
  if (typeof req === 'number') return req;
  let result: PlanResult;
  try {
    if (!merge && v.shard !== undefined) {
      const r = await runShard(req, v);
      clearBar(io);
      if (!r.ok) return bad(r.error);
      io.stdout.write(r.value);
      return 0;
    }
    const r = merge ? await runMerge(req, positionals) : ok(await runPlan(req));
    clearBar(io);
    if (!r.ok) return bad(r.error);
    result = r.value;
  } catch (e) {
    clearBar(io);
    if (e instanceof TraceFormatError) return bad(e.message);
    io.stderr.write(`burstguard plan: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  await writeResult(result, v, io);
  return 0;
}

/** `burstguard plan ...` (see help). Exit 0, 2 on bad input, 1 when a replay fails. */
export async function planCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return planMain(argv, io, false);
}

/** `burstguard plan merge SHARD... --trace FILE ...` (same flags as the shards). */
export async function planMergeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return planMain(argv, io, true);
}
