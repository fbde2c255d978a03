/**
 * static-tuned at the run's own settings. The committed fit (bench/tune/fitted/static-tuned.json) was
 * searched at the default node shape, scale 1 and seed 1; a run at another node shape, scale, duration
 * or seed re-runs the same leave-one-trace-out search on the bundled traces reshaped as the run is, so
 * the baseline is tuned for the cluster it is scored on (its best honest setup), and says so.
 */
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { Resources } from '../../src/core/types.js';
import { ALL_BUNDLED } from '../tune/loo-priors.js';
import { buildStaticTunedFile, readSearchTrace } from '../tune/static-tuned-file.js';
import type { SearchTrace } from '../tune/static-search.js';
import { bundledTraceDir, findTraces } from './bundled-traces.js';
import type { ReplayInput, ReplayOutcome, SimSettings } from './replay-types.js';
import { reshapedStream, reshapes } from './scale-trace.js';
import { isBundledTrace, outOfSampleFits, type TraceFits, type TraceIdentity } from './trace-fits.js';
import { loadStaticTuned, traceStaticTuned } from './trace-static-tuned.js';

export interface RunSettings {
  readonly replay: (input: ReplayInput) => Promise<ReplayOutcome>;
  readonly sim: SimSettings;
  readonly engine: EngineConfig;
  readonly seed: number;
  readonly shape?: { readonly scale: number; readonly durationS?: number | undefined };
  /** Only when static-tuned runs is a refit worth its time. */
  readonly withStaticTuned: boolean;
}

function sameNode(a: Resources, b: Resources): boolean {
  return a.memBytes === b.memBytes && Math.abs(a.cpuCores - b.cpuCores) < 1e-9;
}

/** True when the committed fit was made at these settings. */
export function committedFitApplies(s: RunSettings): boolean {
  const c = loadStaticTuned().settings;
  const shaped = s.shape !== undefined && reshapes({ ...s.shape, seed: s.seed });
  return sameNode(c.nodeAllocatable, s.sim.nodeAllocatable) && c.seed === s.seed && !shaped;
}

/** The fits provider for a run: the committed fits, with static-tuned refitted when the settings differ. */
export function fitsAtRunSettings(s: RunSettings): (t: TraceIdentity) => Promise<TraceFits> {
  if (!s.withStaticTuned || committedFitApplies(s)) return (t) => Promise.resolve(outOfSampleFits(t));
  let traces: Promise<SearchTrace[]> | undefined;
  return async (t) => {
    const base = outOfSampleFits(t);
    traces ??= loadReshaped(s);
    const bundled = isBundledTrace(t.path) ? t.name : undefined;
    const file = await buildStaticTunedFile(await traces, { replay: s.replay, sim: s.sim, engine: s.engine, seed: s.seed }, { only: [bundled ?? ALL_BUNDLED] });
    const st = traceStaticTuned(bundled, t.classes, file);
    const note = ' (searched anew at this run\'s node shape, scale and seed)';
    return { ...base, staticTuned: st.table, staticTunedUsed: Object.fromEntries(Object.entries(st.used).map(([c, v]) => [c, v + note])) };
  };
}

/** The bundled traces in memory, reshaped as the run reshapes its traces. */
async function loadReshaped(s: RunSettings): Promise<SearchTrace[]> {
  const dir = bundledTraceDir();
  if (dir === undefined) throw new Error('static-tuned: no bundled traces to fit on');
  const out: SearchTrace[] = [];
  for (const p of findTraces(dir)) {
    const t = await readSearchTrace(p);
    const shape = s.shape === undefined ? undefined : { ...s.shape, seed: s.seed };
    out.push(shape !== undefined && reshapes(shape) ? { ...t, samples: [...reshapedStream(t.samples, shape)] } : t);
  }
  return out;
}
