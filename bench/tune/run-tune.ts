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
  if (cached === undefined) return err(`${path}: more than ${MAX_CACHED_SAMPLES} samples; tune replays from memory, cut the trace or shard the grid (deploy/tune-job.yaml)`);
  const { header } = await openTraceSource(path);
  return ok({ header, samples: cached });
}

/** Runs the search; errors are readable lines (bad grid point, impossible budget, too few sessions). */
export async function runTune(r: TuneRequest): Promise<Result<TuneResult, string>> {
  const started = performance.now();
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
  const task = (c: Config): Job['task'] => ({ configInput: configToInput(c), policy: r.policy, seed: r.seed, warmupS: r.warmupS });
  const total = points.length + 2;
  const tuning = await runJobs(loaded.value.header, [halves.tuning, halves.validation], configs.map((c) => ({ set: 0, task: task(c) })), r.jobs, (d) => r.onProgress?.(d, total));
  const scored: Scored[] = points.map((point, index) => ({ index, point, score: tuning[index] as Score }));
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
    loaded.value.header,
    [halves.tuning, halves.validation],
    [
      { set: 1, task: task(configs[chosen.index] as Config) },
      { set: 1, task: { ...task(r.base), configInput: untunedInput } },
    ],
    r.jobs,
    (d) => r.onProgress?.(points.length + d, total),
  );
  return ok({
    trace: { name: loaded.value.header.name, path: r.trace, sessions: halves.tuningSessions + halves.validationSessions },
    policy: r.policy,
    budget: r.budget.text,
    seed: r.seed,
    knobs: r.grid.map(([k]) => k),
    halves: { tuningSessions: halves.tuningSessions, validationSessions: halves.validationSessions },
    points: scored.map((s) => ({ point: s.point, tuning: s.score })),
    frontier: paretoFrontier(scored),
    chosen: chosen.index,
    validation: { chosen: validation[0] as Score, untuned: validation[1] as Score },
    chosenConfig: configs[chosen.index] as Config,
    jobs: r.jobs,
    wallSeconds: (performance.now() - started) / 1000,
  });
}
