/**
 * `burstguard plan`: the nodes and the money a trace needs, per policy, node shape and traffic level.
 * Every (policy, shape, scale) cell is one replay of the whole trace, the sessions multiplied by the
 * scale along the trace's own arrival shape (bench/replay/scale-trace.ts), on nodes of the shape.
 * Cost per month = mean nodes × 730 h × the price per node-hour, the mean over the time the replay had
 * live sessions (node-hours / live hours): it assumes the recorded span is typical of the month (record
 * a full day, or a week, to include the daily cycle).
 */
import { configToInput, type Config } from '../../src/config/index.js';
import type { Resources } from '../../src/core/types.js';
import type { TraceHeader } from '../../src/trace/types.js';
import { openTraceSource } from '../../src/trace/reader.js';
import { MAX_CACHED_SAMPLES, scanAndCache } from '../replay/run-bench.js';
import type { Score } from '../tune/pareto.js';
import { runJobs, type Job } from '../tune/pool.js';

export const HOURS_PER_MONTH = 730;

export interface PlanRequest {
  readonly trace: string;
  readonly policies: readonly string[];
  readonly shapes: ReadonlyArray<{ readonly name: string; readonly shape: Resources; readonly pricePerNodeHour: number }>;
  readonly scales: readonly number[];
  readonly config: Config;
  readonly seed: number;
  readonly jobs: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PlanRow {
  readonly policy: string;
  readonly nodeShape: string;
  readonly pricePerNodeHour: number;
  readonly scale: number;
  readonly peakNodes: number;
  readonly p95Nodes: number;
  readonly nodeHours: number;
  readonly meanNodes: number;
  readonly liveHours: number;
  readonly costPerMonth: number;
  readonly disruptions: number;
  readonly disruptionsPer100PodHours: number;
  readonly podHours: number;
}

export interface PlanResult {
  readonly trace: { readonly name: string; readonly path: string; readonly sessions: number; readonly spanHours: number };
  readonly seed: number;
  readonly rows: readonly PlanRow[];
}

/** The cells in table order: policy, then shape, then scale. */
function cells(r: PlanRequest): Array<{ policy: string; shape: PlanRequest['shapes'][number]; scale: number }> {
  return r.policies.flatMap((policy) => r.shapes.flatMap((shape) => r.scales.map((scale) => ({ policy, shape, scale }))));
}

function row(c: ReturnType<typeof cells>[number], s: Score): PlanRow {
  const price = c.shape.pricePerNodeHour;
  const meanNodes = s.liveHours > 0 ? s.nodeHours / s.liveHours : 0;
  return {
    policy: c.policy,
    nodeShape: c.shape.name,
    pricePerNodeHour: price,
    scale: c.scale,
    peakNodes: s.peakNodes,
    p95Nodes: s.p95Nodes,
    nodeHours: s.nodeHours,
    meanNodes: Math.round(meanNodes * 1000) / 1000,
    liveHours: s.liveHours,
    costPerMonth: Math.round(meanNodes * HOURS_PER_MONTH * price * 100) / 100,
    disruptions: s.disruptions,
    disruptionsPer100PodHours: s.disruptionsPer100PodHours,
    podHours: Math.round(s.podHours * 1000) / 1000,
  };
}

/** Replays every cell; throws TraceFormatError on a bad trace, Error when the trace is too large. */
export async function runPlan(r: PlanRequest): Promise<PlanResult> {
  const { scan, cached } = await scanAndCache(r.trace, MAX_CACHED_SAMPLES);
  if (cached === undefined) throw new Error(`${r.trace}: more than ${MAX_CACHED_SAMPLES} samples; plan replays from memory, shard the grid (deploy/) or cut the trace`);
  const header: TraceHeader = (await openTraceSource(r.trace)).header;
  const all = cells(r);
  const input = configToInput(r.config);
  const jobs: Job[] = all.map((c) => ({ set: 0, task: { configInput: input, policy: c.policy, seed: r.seed, warmupS: 0, nodeShape: c.shape.shape, scale: c.scale } }));
  const scores = await runJobs(header, [cached], jobs, r.jobs, (d) => r.onProgress?.(d, jobs.length));
  const spanHours = (scan.lastT - scan.firstT) / 3600;
  return {
    trace: { name: header.name, path: r.trace, sessions: scan.sessions, spanHours: Math.round(spanHours * 1000) / 1000 },
    seed: r.seed,
    rows: all.map((c, i) => row(c, scores[i] as Score)),
  };
}
