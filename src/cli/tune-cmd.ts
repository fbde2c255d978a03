import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseBudget } from '../../bench/tune/budget.js';
import { DEFAULT_GRIDS, parseGrid, type Grid } from '../../bench/tune/grid.js';
import { tunedConfigMap, tuneReport, tuneTable } from '../../bench/tune/output.js';
import { defaultJobs } from '../../bench/tune/pool.js';
import { runTune } from '../../bench/tune/run-tune.js';
import { ProgressBar } from '../../bench/replay/progress.js';
import { defaultConfig, loadConfigFile } from '../config/index.js';
import { err, ok, type Result } from '../core/result.js';
import { TraceFormatError } from '../trace/reader.js';
import type { CliIo } from './io.js';

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

/** `burstguard tune ...` (see help). Exit 0 written, 2 bad input (flags, grid, budget), 1 a replay failed. */
export async function tuneCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const bad = (m: string, usage = false): number => {
    io.stderr.write(`burstguard tune: ${m}\n${usage ? `\n${help}` : ''}`);
    return 2;
  };
  let v;
  try {
    ({ values: v } = parseArgs({ args: [...argv], allowPositionals: false, strict: true, options }));
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e), true);
  }
  if (v.help === true) {
    io.stdout.write(help);
    return 0;
  }
  if (v.trace === undefined || v.out === undefined) return bad('need --trace FILE and --out FILE', true);
  const policy = v.policy ?? 'predictive';
  const budget = parseBudget(v.budget ?? 'disruptions<=0.5/100podh');
  if (!budget.ok) return bad(budget.error);
  const jobs = count('jobs', v.jobs, defaultJobs(), 1);
  const seed = count('seed', v.seed, 1, 0);
  const warmup = count('warmup', v.warmup, 0, 0);
  for (const r of [jobs, seed, warmup]) if (!r.ok) return bad(r.error);
  const grid = await gridFor(v.grid, policy);
  if (!grid.ok) return bad(grid.error);
  const base = v.config !== undefined ? await loadConfigFile(v.config) : ok(defaultConfig());
  if (!base.ok) return bad(`config: ${base.error}`);
  const bar = io.stderrIsTty ? new ProgressBar(io.stderr) : undefined;
  let result;
  try {
    result = await runTune({
      trace: v.trace,
      policy,
      base: base.value,
      grid: grid.value,
      budget: budget.value,
      seed: seed.ok ? seed.value : 1,
      warmupS: warmup.ok ? warmup.value : 0,
      jobs: jobs.ok ? jobs.value : 1,
      ...(bar ? { onProgress: (d: number, n: number) => bar.update(`replay ${d}/${n}`, d / n) } : {}),
    });
  } catch (e) {
    bar?.clear();
    if (e instanceof TraceFormatError) return bad(e.message);
    io.stderr.write(`burstguard tune: replay failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  bar?.clear();
  if (!result.ok) return bad(result.error);
  io.stdout.write(tuneTable(result.value));
  await writeFile(v.out, tunedConfigMap(result.value));
  io.stdout.write(`ConfigMap written to ${v.out}\n`);
  if (v.report !== undefined) await writeFile(v.report, tuneReport(result.value));
  if (v.json !== undefined) {
    // The config itself is in --out; the JSON keeps the figures.
    await writeFile(v.json, `${JSON.stringify({ ...result.value, chosenConfig: undefined }, null, 2)}\n`);
  }
  return 0;
}
