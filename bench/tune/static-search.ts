/**
 * The search behind `static-tuned`: for one agent class, the fixed memory request and limit that a
 * careful engineer would hand-set, found by replaying the fitting traces under each candidate.
 *
 * "Best", stated once (docs/bench.md): the fewest disruptions (OOM kills + evictions + node OOM kills)
 * summed over the fitting traces; among equals the fewest node-hours; among equals the request closest
 * above the median memory of the fitting pod-seconds (when node-hours cannot tell requests apart, e.g.
 * a few sessions that fit one node anyway, an engineer requests the typical usage, neither the least
 * nor the most); then the larger limit (headroom that cost nothing on the fitting data is kept). The search runs
 * in two stages because a limit changes nothing about placement: first every request on the grid
 * with the largest limit, then every smaller limit at the chosen request.
 *
 * CPU is not searched, because over its request CPU is only throttled and the objective would push the
 * request to nothing: the request is the mean CPU over the fitting pod-seconds (so the requests add up
 * to the usage), the limit the largest CPU sample seen (no throttling on the fitting data).
 */
import { GiB, MiB } from '../../src/core/resources.js';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import { inMemoryStream } from '../replay/in-memory-trace.js';
import type { ReplayInput, ReplayOutcome, SimSettings } from '../replay/replay-types.js';
import { createStaticTunedPolicy, type ClassSizing } from '../replay/static-tuned.js';

/** Memory requests tried (MiB): round figures an engineer would write. */
export const REQUEST_GRID_MIB = [64, 128, 192, 256, 320, 384, 512, 768, 1024, 1536, 2048, 3072] as const;
/** Memory limits tried (MiB). */
export const LIMIT_GRID_MIB = [1024, 2048, 3072, 4096, 6144, 8192] as const;

/** A trace held in memory for the search. */
export interface SearchTrace {
  readonly name: string;
  readonly header: TraceHeader;
  readonly samples: readonly TraceSample[];
}

export interface SearchDeps {
  readonly replay: (input: ReplayInput) => Promise<ReplayOutcome>;
  readonly sim: SimSettings;
  readonly engine: EngineConfig;
  readonly seed: number;
}

/** A class's fitted sizing with its score on the fitting traces. */
export interface ClassFit {
  readonly requests: { readonly memBytes: number; readonly cpuCores: number };
  readonly limits: { readonly memBytes: number; readonly cpuCores: number };
  readonly fit: { readonly disruptions: number; readonly nodeHours: number; readonly sessions: number; readonly replays: number };
}

interface Score {
  readonly disruptions: number;
  readonly nodeHours: number;
}

/**
 * One candidate's replay, or undefined when the replay cannot finish (a session that can never run,
 * e.g. killed at every restart under restartPolicy Always): such a sizing is the worst possible.
 */
async function replayOrGiveUp(deps: SearchDeps, input: ReplayInput): Promise<ReplayOutcome | undefined> {
  try {
    return await deps.replay(input);
  } catch (e) {
    if (e instanceof Error && /replay stalled/.test(e.message)) return undefined;
    throw e;
  }
}

/** Disruptions of a row: the v2 field when the simulator has it, else its parts. */
export function disruptionsOf(row: ReplayOutcome['row']): number {
  if (typeof row['disruptions'] === 'number') return row['disruptions'];
  const nodeOom = typeof row['nodeOomKills'] === 'number' ? row['nodeOomKills'] : 0;
  return row.oomKills + row.evictions + nodeOom;
}

type Scored = Score & { sizing: ClassSizing };

/** True when a is better than b under the stated objective; `typical` is the fitting sessions' median memory. */
function better(a: Scored, b: Scored, typical: number): boolean {
  if (a.disruptions !== b.disruptions) return a.disruptions < b.disruptions;
  const dn = Math.round((a.nodeHours - b.nodeHours) * 1e6);
  if (dn !== 0) return dn < 0;
  const ka = typicalKey(a.sizing.requests.memBytes, typical);
  const kb = typicalKey(b.sizing.requests.memBytes, typical);
  if (ka !== kb) return ka < kb;
  return a.sizing.limits.memBytes > b.sizing.limits.memBytes;
}

/** Distance of a request above the typical usage; any request below it ranks after every one above. */
function typicalKey(request: number, typical: number): number {
  return request >= typical ? request - typical : Number.MAX_SAFE_INTEGER / 2 + (typical - request);
}

/** Median memory over the samples (each ~1 s: the pod-seconds' median). */
function medianMem(samples: readonly TraceSample[]): number {
  const xs = samples.map((s) => s.memBytes).sort((x, y) => x - y);
  return xs[Math.floor(xs.length / 2)] ?? 0;
}

/** The CPU rule: mean usage requested, the largest sample as the limit. */
function cpuSizing(samples: readonly TraceSample[]): { request: number; limit: number } {
  let sum = 0;
  let max = 0;
  for (const s of samples) {
    sum += s.cpuCores;
    max = Math.max(max, s.cpuCores);
  }
  const mean = samples.length > 0 ? sum / samples.length : 0.1;
  return { request: Math.max(0.01, Math.ceil(mean * 100) / 100), limit: Math.max(0.1, Math.ceil(max * 10) / 10) };
}

/**
 * Fits one class (`default`: every session, pooled) on the fitting traces. Each candidate replays the
 * class's sessions of every fitting trace under static-tuned with that sizing, at the given simulator
 * settings and seed.
 */
export async function searchClass(agentClass: string, traces: readonly SearchTrace[], deps: SearchDeps): Promise<ClassFit> {
  const pooled = agentClass === 'default';
  const parts = traces
    .map((t) => ({ header: t.header, samples: pooled ? t.samples : t.samples.filter((s) => (s.agentClass ?? 'default') === agentClass) }))
    .filter((p) => p.samples.length > 0);
  const all = parts.flatMap((p) => p.samples);
  const cpu = cpuSizing(all);
  const typical = medianMem(all);
  let replays = 0;
  const score = async (sizing: ClassSizing): Promise<Scored> => {
    let disruptions = 0;
    let nodeHours = 0;
    for (const p of parts) {
      const out = await replayOrGiveUp(deps, {
        header: p.header,
        open: () => inMemoryStream(p.samples),
        policy: createStaticTunedPolicy({ [agentClass]: sizing }),
        sim: deps.sim,
        engine: deps.engine,
        seed: deps.seed,
        warmupS: 0,
      });
      replays++;
      if (out === undefined) return { disruptions: Number.POSITIVE_INFINITY, nodeHours: Number.POSITIVE_INFINITY, sizing };
      disruptions += disruptionsOf(out.row);
      nodeHours += out.row.nodeHours;
    }
    return { disruptions, nodeHours, sizing };
  };
  const size = (reqMiB: number, limMiB: number): ClassSizing => ({
    requests: { memBytes: reqMiB * MiB, cpuCores: cpu.request },
    limits: { memBytes: limMiB * MiB, cpuCores: cpu.limit },
  });
  const topLimit = LIMIT_GRID_MIB[LIMIT_GRID_MIB.length - 1] as number;
  let best = await score(size(REQUEST_GRID_MIB[0], topLimit));
  for (const r of REQUEST_GRID_MIB.slice(1)) {
    const s = await score(size(r, topLimit));
    if (better(s, best, typical)) best = s;
  }
  const reqMiB = best.sizing.requests.memBytes / MiB;
  // A limit under the largest usage seen kills that session at every restart: no engineer sets one.
  const peakMiB = all.reduce((m, s) => Math.max(m, s.memBytes), 0) / MiB;
  for (const l of LIMIT_GRID_MIB.filter((x) => x < topLimit && x >= reqMiB && x > peakMiB)) {
    const s = await score(size(reqMiB, l));
    if (better(s, best, typical)) best = s;
  }
  const sessions = new Set(all.map((s) => s.session)).size;
  return {
    requests: best.sizing.requests,
    limits: best.sizing.limits,
    fit: { disruptions: best.disruptions, nodeHours: Math.round(best.nodeHours * 1e6) / 1e6, sessions, replays },
  };
}

/** Fits every class present in the traces, plus `default` over all sessions. */
export async function fitStaticTuned(traces: readonly SearchTrace[], deps: SearchDeps, classes?: readonly string[]): Promise<Record<string, ClassFit>> {
  const present = [...new Set(traces.flatMap((t) => t.samples.map((s) => s.agentClass ?? 'default')))].sort();
  const wanted = classes ? present.filter((c) => classes.includes(c)) : present;
  const out: Record<string, ClassFit> = {};
  for (const c of wanted) out[c] = await searchClass(c, traces, deps);
  out['default'] = await searchClass('default', traces, deps);
  return out;
}

/** For the docs: the grid in GiB. */
export const GRID_SUMMARY = `requests ${REQUEST_GRID_MIB.join(', ')} MiB; limits ${LIMIT_GRID_MIB.map((m) => m / (GiB / MiB)).join(', ')} GiB`;
