/**
 * `burstguard bench --cv K`: per trace, the sessions are split into K folds (seeded); for each fold the
 * class priors (and static-tuned's sizes, when it runs) are refitted on the other K−1 folds and every
 * policy replays the held-out fold's sessions alone. The trace's rows are the folds pooled
 * (bench/score/pool-rows.ts), and the per-fold rows travel with them. A fold replays a fifth of the
 * sessions over the same span, so it runs at a fifth of the density: pooled node-hours are the sum of
 * K sparser clusters, comparable across policies, not with a plain replay of the whole trace. With
 * `--scale F` each held-out fold is scaled by F, and static-tuned's search replays its training folds
 * scaled by F/(K−1), so it is fitted at the density the held-out fold runs at.
 */
import { BUNDLED_PRIORS } from '../../models/priors/index.js';
import { fitPriors } from '../../models/fit/fit-prior.js';
import { DEFAULT_PREDICTIVE_OPTIONS } from '../../src/policy/predictive/options.js';
import { openTraceSource } from '../../src/trace/reader.js';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import { poolRows } from '../score/pool-rows.js';
import type { ResizePolicyRow } from '../score/result-types.js';
import { cvSplit, type CvFoldData } from '../tune/cv-split.js';
import { fitStaticTuned } from '../tune/static-search.js';
import { inMemoryStream } from './in-memory-trace.js';
import type { ReplayOutcome } from './replay-types.js';
import { scanAndCache, traceFloor, type BenchDeps, type RunRequest, type TraceRun } from './run-bench.js';
import { reshapedStream, reshapes } from './scale-trace.js';
import type { TraceFits } from './trace-fits.js';
import { hintedReplay } from './hinted-policies.js';

/** One fold's figures, as the JSON's `cv.folds[]` carries them. */
export interface CvFold {
  /** 1-based, as printed. */
  readonly fold: number;
  readonly sessions: number;
  readonly trainSessions: number;
  readonly priors: Readonly<Record<string, string>>;
  readonly staticTuned?: Readonly<Record<string, string>>;
  readonly policies: readonly ResizePolicyRow[];
}

export interface CvDetail {
  readonly k: number;
  readonly seed: number;
  readonly folds: readonly CvFold[];
}

type Shape = RunRequest['shape'];

/** Samples as a replayable stream, reshaped (`--scale`, `--duration`) when asked. */
function streamOf(samples: readonly TraceSample[], shape: Shape, seed: number): () => AsyncIterable<TraceSample> {
  if (shape === undefined || !reshapes({ ...shape, seed })) return () => inMemoryStream(samples);
  const stream = reshapedStream(samples, { ...shape, seed });
  return () => stream;
}

/** What refits on the training folds (pure fit of priors; the static search replays the training sessions). */
async function foldFits(f: CvFoldData, header: TraceHeader, k: number, o: { seed: number; withStatic: boolean; deps: BenchDeps; shape: Shape }): Promise<TraceFits> {
  const template = BUNDLED_PRIORS.get('default');
  if (template === undefined) throw new Error('no bundled default prior');
  const where = `the ${k - 1} folds other than fold ${f.fold + 1} of ${header.name} (${f.train.length} sessions, seed ${o.seed})`;
  const priors = fitPriors(f.train, { horizonS: DEFAULT_PREDICTIVE_OPTIONS.horizonS, template, fittedOn: where });
  const classes = [...new Set(f.test.map((s) => s.agentClass ?? 'default'))].sort();
  const priorsUsed = Object.fromEntries(classes.map((c) => [c, priors.has(c) ? `prior '${c}' fitted on ${where}` : `prior 'default' fitted on ${where}: no training session has class '${c}'`]));
  if (!o.withStatic) return { priors, priorsUsed };
  // At the held-out fold's density: K−1 folds scaled by F/(K−1) hold as many sessions as one fold scaled by F.
  const trainShape = o.shape === undefined ? undefined : { ...o.shape, scale: o.shape.scale / (k - 1) };
  const trainSamples = trainShape === undefined || !reshapes({ ...trainShape, seed: o.seed }) ? f.trainSamples : [...reshapedStream(f.trainSamples, { ...trainShape, seed: o.seed })];
  const fitted = await fitStaticTuned([{ name: header.name, header, samples: trainSamples }], { replay: o.deps.replay, sim: o.deps.sim, engine: o.deps.engine, seed: o.seed }, classes);
  const staticTuned = Object.fromEntries(Object.entries(fitted).map(([c, x]) => [c, { requests: x.requests, limits: x.limits }]));
  const staticTunedUsed = Object.fromEntries(
    classes.map((c) => {
      const x = fitted[c] ?? fitted['default'];
      return [c, x ? `${Math.round(x.requests.memBytes / 2 ** 20)}Mi/${Math.round(x.requests.cpuCores * 1000)}m requested, ${Math.round(x.limits.memBytes / 2 ** 20)}Mi limit: fitted on ${where}` : 'none'];
    }),
  );
  return { priors, priorsUsed, staticTuned, staticTunedUsed };
}

/** Pools each policy's fold outcomes into one outcome (rows pooled, sessions' details concatenated). */
function pooled(name: string, perFold: readonly ReplayOutcome[]): ReplayOutcome {
  const first = perFold[0];
  if (first === undefined) throw new Error(`no folds for ${name}`);
  const sum = (f: (o: ReplayOutcome) => number): number => perFold.reduce((a, o) => a + f(o), 0);
  return {
    row: poolRows(perFold.map((o) => o.row)),
    trace: { name: first.trace.name, sessions: sum((o) => o.trace.sessions), samples: sum((o) => o.trace.samples), podSeconds: Math.round(sum((o) => o.trace.podSeconds) * 1000) / 1000 },
    timeline: perFold.flatMap((o) => o.timeline),
    perSession: perFold.flatMap((o) => o.perSession).sort((a, b) => (a.session < b.session ? -1 : a.session > b.session ? 1 : 0)),
    sampleActions: first.sampleActions,
  };
}

/** One sentence per class for the trace-level `priors`: what was refitted where. */
function describeCv(folds: readonly CvFold[], pick: (f: CvFold) => Readonly<Record<string, string>> | undefined, k: number, seed: number): Record<string, string> {
  const classes = [...new Set(folds.flatMap((f) => Object.keys(pick(f) ?? {})))].sort();
  return Object.fromEntries(classes.map((c) => [c, `refitted per fold on the other ${k - 1} of ${k} folds of this trace's sessions (seeded split, seed ${seed}); per fold in cv.folds`]));
}

/** Replays every trace with K-fold cross-validation; the result runs carry `cv`. */
export async function runCvBench(req: RunRequest & { readonly folds: number }, deps: BenchDeps): Promise<Array<TraceRun & { cv: CvDetail }>> {
  const runs: Array<TraceRun & { cv: CvDetail }> = [];
  const withStatic = req.policies.includes('static-tuned');
  for (const path of req.traces) {
    const { scan, cached } = await scanAndCache(path, Number.POSITIVE_INFINITY);
    const source = await openTraceSource(path);
    const samples: readonly TraceSample[] = cached ?? [];
    const folds: CvFold[] = [];
    const perPolicy = new Map<string, ReplayOutcome[]>(req.policies.map((p) => [p, []]));
    let floor = 0;
    for (const f of cvSplit(samples, req.folds, req.seed)) {
      const fits = await foldFits(f, source.header, req.folds, { seed: req.seed, withStatic, deps, shape: req.shape });
      const open = streamOf(f.test, req.shape, req.seed);
      floor += await traceFloor(open, deps.sim);
      const rows: ResizePolicyRow[] = [];
      for (const name of req.policies) {
        const policy = deps.makePolicy(name, fits);
        if (!policy.ok) throw new Error(policy.error);
        const outcome = await deps.replay({ header: source.header, open, policy: policy.value, sim: deps.sim, engine: deps.engine, seed: req.seed, warmupS: req.warmupS, timelineSessions: deps.timelineSessions, ...hintedReplay(name, req.hints) });
        perPolicy.get(name)?.push(outcome);
        rows.push(outcome.row);
      }
      folds.push({ fold: f.fold + 1, sessions: f.testSessions, trainSessions: f.train.length, priors: fits.priorsUsed, ...(fits.staticTunedUsed ? { staticTuned: fits.staticTunedUsed } : {}), policies: rows });
    }
    const outcomes = req.policies.map((name) => ({ policy: name, outcome: pooled(name, perPolicy.get(name) ?? []) }));
    runs.push({
      path,
      header: source.header,
      scan,
      outcomes,
      floorNodeHours: Math.round(floor * 1e6) / 1e6,
      priors: describeCv(folds, (f) => f.priors, req.folds, req.seed),
      ...(withStatic ? { staticTuned: describeCv(folds, (f) => f.staticTuned, req.folds, req.seed) } : {}),
      cv: { k: req.folds, seed: req.seed, folds },
    });
  }
  return runs;
}
