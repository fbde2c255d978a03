/**
 * The committed static-tuned fits (bench/tune/fitted/static-tuned.json): for each bundled trace, the
 * classes it has fitted on the *other* bundled traces (leave-one-trace-out), and one set fitted on all
 * of them for traces the bench has never seen. Regenerate with `npm run fit:static`.
 */
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { TraceSample } from '../../src/trace/types.js';
import { scanTrace } from '../../src/trace/reader.js';
import type { ReplayInput, ReplayOutcome, SimSettings } from '../replay/replay-types.js';
import { ALL_BUNDLED } from './loo-priors.js';
import { fitStaticTuned, GRID_SUMMARY, type ClassFit, type SearchTrace } from './static-search.js';

export const FIT_STATIC_COMMAND = 'npm run fit:static';

export const STATIC_TUNED_OBJECTIVE =
  'fewest disruptions (OOM kills + evictions + node OOM kills) summed over the fitting traces, then fewest node-hours, then the request closest above the median memory of the fitting pod-seconds, then the larger limit; CPU request = mean CPU over the fitting pod-seconds, CPU limit = largest CPU sample';

export interface StaticTunedSet {
  readonly fittedOn: readonly string[];
  readonly classes: Readonly<Record<string, ClassFit>>;
}

export interface StaticTunedFile {
  readonly generatedBy: string;
  readonly objective: string;
  readonly grid: string;
  readonly settings: { readonly seed: number; readonly nodeAllocatable: SimSettings['nodeAllocatable'] };
  readonly sets: Readonly<Record<string, StaticTunedSet>>;
}

/** Reads (and validates) a whole trace into memory for the search. */
export async function readSearchTrace(path: string): Promise<SearchTrace> {
  const samples: TraceSample[] = [];
  const { header } = await scanTrace(path, (s) => samples.push(s));
  return { name: header.name, header, samples };
}

/** Fits the leave-one-trace-out sets and the all-bundled one. */
export async function buildStaticTunedFile(
  traces: readonly SearchTrace[],
  deps: { replay: (i: ReplayInput) => Promise<ReplayOutcome>; sim: SimSettings; engine: EngineConfig; seed: number },
  o: { readonly onSet?: (name: string) => void; readonly only?: readonly string[] } = {},
): Promise<StaticTunedFile> {
  const sets: Record<string, StaticTunedSet> = {};
  const onSet = o.onSet;
  const wanted = (name: string): boolean => o.only === undefined || o.only.includes(name);
  for (const held of traces.filter((t) => wanted(t.name))) {
    const others = traces.filter((t) => t !== held);
    const classes = [...new Set(held.samples.map((s) => s.agentClass ?? 'default'))];
    sets[held.name] = { fittedOn: others.map((t) => t.name), classes: await fitStaticTuned(others, deps, classes) };
    onSet?.(held.name);
  }
  if (wanted(ALL_BUNDLED)) {
    sets[ALL_BUNDLED] = { fittedOn: traces.map((t) => t.name), classes: await fitStaticTuned(traces, deps) };
    onSet?.(ALL_BUNDLED);
  }
  return {
    generatedBy: FIT_STATIC_COMMAND,
    objective: STATIC_TUNED_OBJECTIVE,
    grid: GRID_SUMMARY,
    settings: { seed: deps.seed, nodeAllocatable: deps.sim.nodeAllocatable },
    sets,
  };
}
