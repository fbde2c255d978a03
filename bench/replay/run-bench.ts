import type { Result } from '../../src/core/result.js';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { Policy } from '../../src/policy/policy.js';
import { openTraceSource, scanTrace } from '../../src/trace/reader.js';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import { floorNodeHours } from '../score/floor.js';
import type { PriorsProvenance } from '../score/result-types.js';
import { round } from '../score/scoring.js';
import { DEFAULT_SIM_TUNING } from '../sim/defaults.js';
import { inMemoryStream } from './in-memory-trace.js';
import type { CvDetail } from './run-cv.js';
import { bundledPriorFits, type TraceFits, type TraceIdentity } from './trace-fits.js';
import { reshapedStream, reshapes, type TraceShapeOptions } from './scale-trace.js';
import type { ReplayInput, ReplayOutcome, SimSettings } from './replay-types.js';
import type { HintSettings } from '../sim/hints.js';
import { hintedReplay } from './hinted-policies.js';

/** The simulator entry point (bench/replay.ts); injected so tests can run the bench without it. */
export type ReplayFn = (input: ReplayInput) => Promise<ReplayOutcome>;

/** What the bench needs besides its options: the simulator, the policies, and the cluster's knobs. */
export interface BenchDeps {
  readonly replay: ReplayFn;
  /** Builds a fresh policy by name (`oracle` included) with the trace's fits, or says why it cannot. */
  readonly makePolicy: (name: string, fits: TraceFits) => Result<Policy, string>;
  /** The fitted inputs for a trace (priors...); the product's bundled priors when absent. */
  readonly fitsFor?: (trace: TraceIdentity) => TraceFits | Promise<TraceFits>;
  readonly sim: SimSettings;
  readonly engine: EngineConfig;
  /** Sessions whose timelines each replay keeps (for the report); 0 when no report is wanted. */
  readonly timelineSessions: number;
  /** Largest trace (in samples) replayed from memory; default MAX_CACHED_SAMPLES. */
  readonly maxCachedSamples?: number;
  /** Called as a replay advances: which trace and policy, and the fraction of trace time done. */
  readonly onProgress?: (p: { readonly trace: string; readonly policy: string; readonly fraction: number }) => void;
  /** Told of what the validating pass noticed but the format allows (a misspelt optional field). */
  readonly onWarning?: (message: string) => void;
}

/** The checked shape of a trace, from a full validating pass before any replay. */
export interface TraceScan {
  readonly sessions: number;
  readonly samples: number;
  readonly firstT: number;
  readonly lastT: number;
  /** The agent classes the trace's samples name, sorted (`default` for samples without one). */
  readonly classes: readonly string[];
}

/** One trace replayed under every requested policy, in the order the policies were asked for. */
export interface TraceRun {
  readonly path: string;
  readonly header: TraceHeader;
  readonly scan: TraceScan;
  readonly outcomes: ReadonlyArray<{ readonly policy: string; readonly outcome: ReplayOutcome }>;
  /** The trace's physical floor at the run's node shape (BENCH.md `floorNodeHours`). */
  readonly floorNodeHours?: number;
  /** Where each class prior used in this trace's replays was fitted (the JSON `priors`); absent: `{}`. */
  readonly priors?: PriorsProvenance;
  /** Per agent class: static-tuned's sizes and where they were fitted, when it ran. */
  readonly staticTuned?: Readonly<Record<string, string>>;
  /** Under `--cv K`: the folds, each with its own rows and fits (the outcomes are the folds pooled). */
  readonly cv?: CvDetail;
}

/**
 * Traces up to this many samples are parsed once and replayed from memory by every policy (about
 * 250 bytes a sample); larger ones stream from the file for each policy, so a trace larger than
 * memory still replays.
 */
export const MAX_CACHED_SAMPLES = 300_000;

/** The validating pass: counts, and the samples themselves while they fit the cache budget. */
export async function scanAndCache(path: string, limit: number): Promise<{ scan: TraceScan; cached: TraceSample[] | undefined; warnings: readonly string[] }> {
  let cached: TraceSample[] | undefined = [];
  const classes = new Set<string>();
  const { sessions, samples, firstT, lastT, warnings } = await scanTrace(path, (s) => {
    classes.add(s.agentClass ?? 'default');
    if (cached === undefined) return;
    if (cached.length < limit) cached.push(s);
    else cached = undefined;
  });
  return { scan: { sessions, samples, firstT, lastT, classes: [...classes].sort() }, cached, warnings };
}

/** Bench input that would replay to nothing (a header-only trace, a warm-up past the end): exit 2. */
export class BenchInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchInputError';
  }
}

/**
 * Refuses a replay that would score nothing, instead of printing an empty table: a trace with no
 * samples, or a `--warmup` that reaches the last sample (t is seconds from the trace's start).
 */
export function checkReplayable(path: string, scan: TraceScan, warmupS: number): void {
  if (scan.samples === 0) throw new BenchInputError(`${path}: the trace has a header but no samples: nothing to replay`);
  if (warmupS > 0 && warmupS >= scan.lastT) {
    throw new BenchInputError(`${path}: --warmup ${warmupS} s reaches past the trace's last sample (t = ${scan.lastT} s): nothing would be scored; use a smaller --warmup`);
  }
}

export interface RunRequest {
  readonly traces: readonly string[];
  readonly policies: readonly string[];
  readonly seed: number;
  readonly warmupS: number;
  /** `--scale` / `--duration`; absent: the traces as recorded. */
  readonly shape?: Omit<TraceShapeOptions, 'seed'>;
  /** `--hints`: how the `NAME+hints` rows' hints travel (hinted-policies.ts). */
  readonly hints?: HintSettings;
}

/** A trace ready to replay any number of times: header, checked shape, and a fresh stream per call. */
export interface ReplayableTrace {
  readonly header: TraceHeader;
  readonly scan: TraceScan;
  readonly open: () => AsyncIterable<TraceSample>;
  /** What the validating pass noticed but the format allows (a misspelt optional field). */
  readonly warnings: readonly string[];
}

/**
 * Validates a trace in full, then offers it for replay: from memory when it fits the cache budget,
 * streamed from the file otherwise. A reshaped trace (`--scale`, `--duration`) is built from the
 * recorded sessions held in memory and merged lazily on each pass.
 */
export async function openReplayable(path: string, maxCached: number, shape: TraceShapeOptions | undefined): Promise<ReplayableTrace> {
  const reshape = shape !== undefined && reshapes(shape);
  const { scan, cached, warnings } = await scanAndCache(path, reshape ? Number.POSITIVE_INFINITY : maxCached);
  const source = await openTraceSource(path);
  if (reshape && cached !== undefined) {
    const stream = reshapedStream(cached, shape);
    return { header: source.header, scan, open: () => stream, warnings };
  }
  const open = cached ? (): AsyncIterable<TraceSample> => inMemoryStream(cached) : source.open;
  return { header: source.header, scan, open, warnings };
}

/** The floor of one trace stream at the run's node shape, in node-hours (one pass, no replay). */
export async function traceFloor(open: () => AsyncIterable<TraceSample>, sim: SimSettings): Promise<number> {
  return round(await floorNodeHours(open(), sim.nodeAllocatable, DEFAULT_SIM_TUNING.lookaheadS), 6);
}

/**
 * Replays every trace under every policy. Each trace is validated in full first, so a bad line fails
 * the bench (TraceFormatError) before minutes of replay are spent; then each policy gets a fresh
 * policy object, a fresh stream of the trace (from memory when it fits) and the same seed, so the
 * rows differ only by policy.
 */
export async function runBench(req: RunRequest, deps: BenchDeps): Promise<TraceRun[]> {
  const runs: TraceRun[] = [];
  for (const path of req.traces) {
    const source = await openReplayable(path, deps.maxCachedSamples ?? MAX_CACHED_SAMPLES, req.shape ? { ...req.shape, seed: req.seed } : undefined);
    const { scan, open } = source;
    checkReplayable(path, scan, req.warmupS);
    for (const w of source.warnings) deps.onWarning?.(w);
    const floor = await traceFloor(open, deps.sim);
    const fits = deps.fitsFor ? await deps.fitsFor({ path, name: source.header.name, classes: scan.classes }) : bundledPriorFits(scan.classes);
    const outcomes: Array<{ policy: string; outcome: ReplayOutcome }> = [];
    for (const name of req.policies) {
      const policy = deps.makePolicy(name, fits);
      if (!policy.ok) throw new Error(policy.error);
      const progress = deps.onProgress;
      const span = Math.max(scan.lastT, 1e-9);
      const outcome = await deps.replay({
        header: source.header,
        open,
        policy: policy.value,
        sim: deps.sim,
        engine: deps.engine,
        seed: req.seed,
        warmupS: req.warmupS,
        timelineSessions: deps.timelineSessions,
        ...hintedReplay(name, req.hints),
        ...(progress ? { onProgress: (t: number) => progress({ trace: source.header.name, policy: name, fraction: Math.min(1, t / span) }) } : {}),
      });
      outcomes.push({ policy: name, outcome });
    }
    const tuned = req.policies.includes('static-tuned') ? fits.staticTunedUsed : undefined;
    runs.push({ path, header: source.header, scan, outcomes, floorNodeHours: floor, priors: fits.priorsUsed, ...(tuned ? { staticTuned: tuned } : {}) });
  }
  return runs;
}
