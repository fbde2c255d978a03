/**
 * `burstguard tune`: replay every grid point on the tuning half of the trace's sessions, keep the
 * Pareto frontier (node-hours against disruptions), choose the cheapest point within the budget, and
 * score it (and, for comparison, the untuned config) on the validation half, which no choice saw.
 */
import type { Config } from '../../src/config/index.js';
import { configToInput } from '../../src/config/index.js';
import { err, ok, type Result } from '../../src/core/result.js';
import type { TraceHeader } from '../../src/trace/types.js';
import { MAX_CACHED_SAMPLES, scanAndCache } from '../replay/run-bench.js';
import { openTraceSource } from '../../src/trace/reader.js';
import { budgetFigure, type Budget } from './budget.js';
import { gridPoints, pointConfig, pointInput, type Grid, type Point } from './grid.js';
import { choose, paretoFrontier, type Score, type Scored } from './pareto.js';
import { runJobs, type Job } from './pool.js';
import { splitHalves } from './split.js';

export interface TuneRequest {
  readonly trace: string;
  readonly policy: string;
  readonly base: Config;
  readonly grid: Grid;
  readonly budget: Budget;
  readonly seed: number;
  readonly warmupS: number;
  readonly jobs: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TuneResult {
  readonly trace: { readonly name: string; readonly path: string; readonly sessions: number };
  readonly policy: string;
  readonly budget: string;
  readonly seed: number;
  readonly knobs: readonly string[];
  readonly halves: { readonly tuningSessions: number; readonly validationSessions: number };
  readonly points: ReadonlyArray<{ readonly point: Point; readonly tuning: Score }>;
  readonly frontier: readonly number[];
  readonly chosen: number;
  readonly validation: { readonly chosen: Score; readonly untuned: Score };
  readonly chosenConfig: Config;
  readonly jobs: number;
  readonly wallSeconds: number;
}

async function loadSamples(path: string): Promise<Result<{ header: TraceHeader; samples: NonNullable<Awaited<ReturnType<typeof scanAndCache>>['cached']> }, string>> {
  const { cached } = await scanAndCache(path, MAX_CACHED_SAMPLES);
  if (cached === undefined) return err(`${path}: more than ${MAX_CACHED_SAMPLES} samples; tune replays from memory, cut the trace or shard the grid (deploy/jobs/tune-job.yaml)`);
  const { header } = await openTraceSource(path);
  return ok({ header, samples: cached });
}

/** Everything a search, a shard or a merge starts from: the samples, their halves, the grid's configs. */
export interface Prepared {
  readonly r: TuneRequest;
  readonly header: TraceHeader;
  readonly halves: ReturnType<typeof splitHalves>;
  readonly points: Point[];
  readonly configs: Config[];
}

export async function prepareTune(r: TuneRequest): Promise<Result<Prepared, string>> {
  const loaded = await loadSamples(r.trace);
  if (!loaded.ok) return loaded;
  const halves = splitHalves(loaded.value.samples, r.seed);
  if (halves.validationSessions === 0) return err(`${r.trace}: tune needs at least two sessions (one to tune on, one to validate on)`);
  const points = gridPoints(r.grid);
  const configs: Config[] = [];
  for (const p of points) {
    const c = pointConfig(r.base, p, r.policy);
    if (!c.ok) return c;
    configs.push(c.value);
  }
  return ok({ r, header: loaded.value.header, halves, points, configs });
}

function task(p: Prepared, c: Config): Job['task'] {
  return { configInput: configToInput(c), policy: p.r.policy, seed: p.r.seed, warmupS: p.r.warmupS };
}

/** Replays the grid points `indexes` on the tuning half. */
export async function scoreTuning(p: Prepared, indexes: readonly number[], total = indexes.length + 2): Promise<Scored[]> {
  const jobs = indexes.map((i) => ({ set: 0, task: task(p, p.configs[i] as Config) }));
  const scores = await runJobs(p.header, [p.halves.tuning, p.halves.validation], jobs, p.r.jobs, (d) => p.r.onProgress?.(d, total));
  return indexes.map((index, k) => ({ index, point: p.points[index] as Point, score: scores[k] as Score }));
}

/** Frontier, choice within the budget, validation replays: the result (or why no point qualifies). */
export async function concludeTune(p: Prepared, scored: readonly Scored[], started: number): Promise<Result<TuneResult, string>> {
  const r = p.r;
  const chosen = choose(scored, r.budget);
  if (chosen === undefined) {
    const best = [...scored].sort((a, b) => budgetFigure(r.budget, a.score) - budgetFigure(r.budget, b.score))[0];
    const unit = r.budget.per100PodHours ? ' per 100 pod-hours' : '';
    return err(
      `impossible budget '${r.budget.text}': no grid point meets it on the tuning half; the least disruptive, ${JSON.stringify(best?.point ?? {})}, ` +
        `has ${(best ? budgetFigure(r.budget, best.score) : 0).toFixed(2)} disruptions${unit}. Loosen the budget or widen the grid (--grid FILE)`,
    );
  }
  const untunedInput = pointInput(r.base, {});
  untunedInput['policy'] = r.policy;
  const validation = await runJobs(
    p.header,
    [p.halves.tuning, p.halves.validation],
    [
      { set: 1, task: task(p, p.configs[chosen.index] as Config) },
      { set: 1, task: { ...task(p, r.base), configInput: untunedInput } },
    ],
    r.jobs,
    (d) => r.onProgress?.(p.points.length + d, p.points.length + 2),
  );
  return ok({
    trace: { name: p.header.name, path: r.trace, sessions: p.halves.tuningSessions + p.halves.validationSessions },
    policy: r.policy,
    budget: r.budget.text,
    seed: r.seed,
    knobs: r.grid.map(([k]) => k),
    halves: { tuningSessions: p.halves.tuningSessions, validationSessions: p.halves.validationSessions },
    points: scored.map((s) => ({ point: s.point, tuning: s.score })),
    frontier: paretoFrontier(scored),
    chosen: chosen.index,
    validation: { chosen: validation[0] as Score, untuned: validation[1] as Score },
    chosenConfig: p.configs[chosen.index] as Config,
    jobs: r.jobs,
    wallSeconds: (performance.now() - started) / 1000,
  });
}

/** Runs the search; errors are readable lines (bad grid point, impossible budget, too few sessions). */
export async function runTune(r: TuneRequest): Promise<Result<TuneResult, string>> {
  const started = performance.now();
  const p = await prepareTune(r);
  if (!p.ok) return p;
  const scored = await scoreTuning(p.value, p.value.points.map((_, i) => i));
  return concludeTune(p.value, scored, started);
}
