/**
 * Everything a replay of one trace uses that was fitted on data: the predictive policy's class priors
 * and static-tuned's per-class sizes. Chosen per trace so that nothing is fitted on the trace it
 * scores; the result JSON's `priors` field carries `priorsUsed`.
 */
import { realpathSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import type { AgentClassPrior } from '../../models/priors/index.js';
import { bundledTraceDir } from './bundled-traces.js';
import type { StaticTunedTable } from './static-tuned.js';
import { tracePriors } from './trace-priors.js';
import { traceStaticTuned } from './trace-static-tuned.js';

export interface TraceFits {
  /** Class priors for `predictive`; absent: the product's bundled priors (tests, the perf script). */
  readonly priors?: ReadonlyMap<string, AgentClassPrior>;
  /** Per agent class of the trace: which prior, fitted where (the JSON's `priors`). */
  readonly priorsUsed: Readonly<Record<string, string>>;
  /** Per-class sizes for `static-tuned`; absent where no fit was asked for (then it cannot run). */
  readonly staticTuned?: StaticTunedTable;
  /** Per agent class: what static-tuned set, fitted where (the JSON's extra `staticTuned`). */
  readonly staticTunedUsed?: Readonly<Record<string, string>>;
}

/** What is known of a trace when its fits are chosen. */
export interface TraceIdentity {
  readonly path: string;
  readonly name: string;
  readonly classes: readonly string[];
}

/** True when the file lives under the bundled trace folder (then it has a leave-one-out set). */
export function isBundledTrace(path: string): boolean {
  const dir = bundledTraceDir();
  if (dir === undefined) return false;
  try {
    const rel = relative(realpathSync(dir), realpathSync(path));
    return rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel);
  } catch {
    return false;
  }
}

/** The out-of-sample fits for a trace: leave-one-trace-out for a bundled one, all bundled otherwise. */
export function outOfSampleFits(t: TraceIdentity): TraceFits {
  const bundled = isBundledTrace(t.path) ? t.name : undefined;
  const p = tracePriors(bundled, t.classes);
  const st = traceStaticTuned(bundled, t.classes);
  return { priors: p.priors, priorsUsed: p.used, staticTuned: st.table, staticTunedUsed: st.used };
}

/** The product's own priors, said plainly (used where no fit was asked for). */
export function bundledPriorFits(classes: readonly string[]): TraceFits {
  return { priorsUsed: Object.fromEntries([...new Set(classes)].sort().map((c) => [c, `bundled prior (models/priors), not fitted out of sample`])) };
}
