import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { unwritableOutput } from './output-path.js';
import { benchEngineConfig, BENCH_POLICY_NAMES, policyFactory, simSettingsFor } from '../../bench/replay/bench-deps.js';
import { bundledTraceDir, findTraces } from '../../bench/replay/bundled-traces.js';
import { BENCH_USAGE, parseBenchArgs, type BenchOptions } from '../../bench/replay/options.js';
import { ProgressBar } from '../../bench/replay/progress.js';
import { fitsAtRunSettings } from '../../bench/replay/refit-static-tuned.js';
import { runCvBench } from '../../bench/replay/run-cv.js';
import { formatCvFolds } from '../../bench/score/cv-table.js';
import { DEFAULT_SIM_SETTINGS, replay } from '../../bench/replay/replay.js';
import { renderReport, type ReportContext } from '../../bench/report/render.js';
import { resultJsonText, toBenchResult } from '../../bench/score/result-json.js';
import { resizeResultSettings } from '../../bench/score/result-settings.js';
import type { SimSettings } from '../../bench/replay/replay-types.js';
import type { Resources } from '../core/types.js';
import type { Policy } from '../policy/policy.js';
import { BenchInputError, runBench, type BenchDeps, type ReplayFn, type TraceRun } from '../../bench/replay/run-bench.js';
import { policyTakesHints, withHintedTwins } from '../../bench/replay/hinted-policies.js';
import { formatResultTable, tableWidth } from '../../bench/score/table.js';
import { REPLICAS_POLICY_NAMES } from '../../bench/replicas/policies.js';
import { runReplicasBench, toReplicasResult, type ReplicasTraceRun } from '../../bench/replicas/run-replicas.js';
import { DEFAULT_REPLICAS_SETTINGS } from '../../bench/replicas/settings.js';
import { formatReplicasTable, renderReplicasReport } from '../../bench/replicas/table.js';
import { defaultConfig, loadConfigFile, type Config } from '../config/index.js';
import { err, ok, type Result } from '../core/result.js';
import { TraceFormatError } from '../trace/reader.js';
import type { CliIo } from './io.js';

/**
 * Sessions whose usage-vs-allocation timelines each replay keeps for the report; the report shows
 * the few most telling of them (kills first, then the largest peaks).
 */
const REPORT_TIMELINE_SESSIONS = 16;

async function loadConfig(path: string | undefined): Promise<Result<Config, string>> {
  if (path === undefined) return ok(defaultConfig());
  return loadConfigFile(path);
}

/** `--trace` paths, a directory standing for every trace under it. */
function expandTraces(paths: readonly string[]): Result<string[], string> {
  const out: string[] = [];
  for (const p of paths) {
    if (!isDirectory(p)) out.push(p);
    else {
      const found = findTraces(p);
      if (found.length === 0) return err(`no *.jsonl or *.jsonl.gz trace under ${p}`);
      out.push(...found);
    }
  }
  return ok(out);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    // Missing files are reported by the trace reader, with the file name, as trace errors.
    return false;
  }
}

function traceList(opts: BenchOptions): Result<string[], string> {
  if (opts.traces.length > 0) return expandTraces(opts.traces);
  const dir = bundledTraceDir();
  const found = dir === undefined ? [] : findTraces(dir);
  if (found.length === 0) return err(`no bundled traces found${dir === undefined ? '' : ` in ${dir}`}; name one with --trace PATH`);
  return ok(found);
}

function fail(io: CliIo, message: string, withUsage = false): number {
  io.stderr.write(`burstguard bench: ${message}\n${withUsage ? BENCH_USAGE : ''}`);
  return 2;
}

/** `--help`: the exit code, or undefined to go on. */
function earlyExit(opts: BenchOptions, io: CliIo): number | undefined {
  if (opts.help) {
    io.stdout.write(BENCH_USAGE);
    return 0;
  }
  return undefined;
}

/** Every policy name some scenario offers (parsing accepts them all; each scenario then checks its own). */
const ALL_POLICY_NAMES: readonly string[] = [...new Set([...BENCH_POLICY_NAMES, ...REPLICAS_POLICY_NAMES])];

/** The policies this scenario replays: its defaults, or the `--policies` list checked against what it offers. */
function scenarioPolicies(opts: BenchOptions): Result<readonly string[], string> {
  const offered = opts.scenario === 'replicas' ? REPLICAS_POLICY_NAMES : BENCH_POLICY_NAMES;
  if (opts.scenario === 'replicas' && opts.policiesExplicit !== true) return ok(REPLICAS_POLICY_NAMES);
  const wrong = opts.policies.filter((p) => !offered.includes(p));
  if (wrong.length > 0) return err(`--scenario ${opts.scenario} does not offer ${wrong.map((w) => `'${w}'`).join(', ')} (it offers ${offered.join(', ')})`);
  return ok(opts.policies);
}

/** `--scale` / `--duration` as the trace reshaper takes them. */
function traceShape(opts: BenchOptions): { scale: number; durationS?: number } {
  return { scale: opts.scale, ...(opts.durationS !== undefined ? { durationS: opts.durationS } : {}) };
}

/** Whether a policy the factory could build has a hint path (static-tuned, built only with fits, has none). */
function takesHints(p: Result<Policy, string>): boolean {
  return p.ok && policyTakesHints(p.value);
}

/** `--node-shape` replaces the node's allocatable; without it the simulator's default node stays. */
function withNodeShape(sim: SimSettings, shape: Resources | undefined): SimSettings {
  return shape === undefined ? sim : { ...sim, nodeAllocatable: shape };
}

/** Runs the replays; a trace error is bad input (2), anything else a failed replay (1). */
async function replayAll(opts: BenchOptions, traces: readonly string[], deps: BenchDeps, io: CliIo, bar?: ProgressBar): Promise<TraceRun[] | number> {
  try {
    const req = { traces, policies: opts.policies, seed: opts.seed, warmupS: opts.warmupS, shape: traceShape(opts), ...(opts.hints ? { hints: opts.hints } : {}) };
    const runs = opts.cv !== undefined ? await runCvBench({ ...req, folds: opts.cv }, deps) : await runBench(req, deps);
    bar?.clear();
    return runs;
  } catch (e) {
    // The bar goes first, so the message starts on a clean line.
    bar?.clear();
    if (e instanceof TraceFormatError || e instanceof BenchInputError) return fail(io, e.message);
    io.stderr.write(`burstguard bench: replay failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

/** The table, the JSON and the report of a finished bench. */
async function writeOutputs(opts: BenchOptions, runs: readonly TraceRun[], io: CliIo, ctx: ReportContext): Promise<void> {
  const settings = resizeResultSettings(ctx.sim, ctx.engine, opts);
  const results = runs.map((r) => toBenchResult(r, { settings }));
  // `--json -` owns stdout: the human table moves to stderr so a pipe gets nothing but JSON.
  const tableOut = opts.json === '-' ? io.stderr : io.stdout;
  const width = tableWidth(process.env['COLUMNS']);
  tableOut.write(results.map((r) => formatResultTable(r, width) + formatCvFolds(r)).join('\n'));
  const json = resultJsonText(results);
  if (opts.json === '-') io.stdout.write(json);
  else if (opts.json !== undefined) await writeFile(opts.json, json);
  if (opts.report !== undefined) {
    await writeFile(opts.report, renderReport(runs, results, ctx));
    io.stderr.write(`report written to ${opts.report}\n`);
  }
}

/**
 * `burstguard bench` with an injectable simulator (tests pass a fake). Exit 0 on success, 2 on bad
 * input (flags, config, trace errors), 1 when a replay itself fails.
 */
export async function runBenchCommand(argv: readonly string[], io: CliIo, replayFn: ReplayFn): Promise<number> {
  const parsed = parseBenchArgs(argv, ALL_POLICY_NAMES);
  if (!parsed.ok) return fail(io, parsed.error, true);
  const early = earlyExit(parsed.value, io);
  if (early !== undefined) return early;
  const policies = scenarioPolicies(parsed.value);
  if (!policies.ok) return fail(io, policies.error, true);
  let opts: BenchOptions = { ...parsed.value, policies: policies.value };
  const config = await loadConfig(opts.configPath);
  if (!config.ok) return fail(io, `config: ${config.error}`);
  const traces = traceList(opts);
  if (!traces.ok) return fail(io, traces.error);
  // Before minutes of replay, not after: an output that cannot be written is bad input.
  for (const [flag, path] of [['--json', opts.json], ['--report', opts.report]] as const) {
    const why = path === undefined || path === '-' ? undefined : unwritableOutput(path);
    if (why !== undefined) return fail(io, `${flag} ${path}: ${why}`);
  }
  const warn = (w: string): void => void io.stderr.write(`burstguard bench: warning: ${w}\n`);

  if (opts.scenario === 'replicas') return replicasBench(opts, traces.value, config.value, io, warn);
  const sim = withNodeShape(simSettingsFor(DEFAULT_SIM_SETTINGS, config.value.policies), opts.nodeShape);
  const engine = benchEngineConfig(config.value.engine);
  const bar = io.stderrIsTty ? new ProgressBar(io.stderr) : undefined;
  const makePolicy = policyFactory(config.value.policies, sim, engine, opts.hints);
  if (opts.hints) opts = { ...opts, policies: withHintedTwins(opts.policies, (n) => takesHints(makePolicy(n))) };
  const deps: BenchDeps = {
    replay: replayFn,
    makePolicy,
    fitsFor: fitsAtRunSettings({ replay: replayFn, sim, engine, seed: opts.seed, shape: traceShape(opts), withStaticTuned: opts.policies.includes('static-tuned') }),
    sim,
    engine,
    timelineSessions: opts.report !== undefined ? REPORT_TIMELINE_SESSIONS : 0,
    onWarning: warn,
    ...(bar ? { onProgress: (p) => bar.update(`${p.trace}: ${p.policy}`, p.fraction) } : {}),
  };
  const runs = await replayAll(opts, traces.value, deps, io, bar);
  if (typeof runs === 'number') return runs;

  try {
    await writeOutputs(opts, runs, io, { seed: opts.seed, warmupS: opts.warmupS, sim, engine });
  } catch (e) {
    io.stderr.write(`burstguard bench: cannot write the results: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return 0;
}

/** `--scenario replicas`: KEDA alone, burstguard's pre-warm, a fixed pool and the oracle, per trace. */
async function replicasBench(opts: BenchOptions, traces: readonly string[], config: Config, io: CliIo, onWarning: (w: string) => void): Promise<number> {
  const bar = io.stderrIsTty ? new ProgressBar(io.stderr) : undefined;
  let runs: ReplicasTraceRun[];
  try {
    runs = await runReplicasBench(
      { traces, policies: opts.policies, warmupS: opts.warmupS, shape: { ...traceShape(opts), seed: opts.seed } },
      {
        settings: DEFAULT_REPLICAS_SETTINGS,
        engine: benchEngineConfig(config.engine),
        policies: config.policies,
        onWarning,
        ...(bar ? { onProgress: (p) => bar.update(`${p.trace}: ${p.policy}`, p.fraction) } : {}),
      },
    );
    bar?.clear();
  } catch (e) {
    bar?.clear();
    if (e instanceof TraceFormatError || e instanceof BenchInputError) return fail(io, e.message);
    io.stderr.write(`burstguard bench: replay failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
  const results = runs.map((r) => toReplicasResult(r, opts, DEFAULT_REPLICAS_SETTINGS));
  try {
    const tableOut = opts.json === '-' ? io.stderr : io.stdout;
    tableOut.write(results.map(formatReplicasTable).join('\n'));
    const json = resultJsonText(results);
    if (opts.json === '-') io.stdout.write(json);
    else if (opts.json !== undefined) await writeFile(opts.json, json);
    if (opts.report !== undefined) {
      await writeFile(opts.report, renderReplicasReport(runs, results));
      io.stderr.write(`report written to ${opts.report}\n`);
    }
  } catch (e) {
    io.stderr.write(`burstguard bench: cannot write the results: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return 0;
}

/** `burstguard bench [--trace PATH ...] [--policies a,b,c] ... [--json FILE|-] [--report FILE.html]` (BENCH.md). */
export async function benchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return runBenchCommand(argv, io, replay);
}
