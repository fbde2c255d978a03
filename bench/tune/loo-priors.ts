/**
 * Priors fitted out of sample for the bundled traces: for each trace, every class prior is fitted on
 * the *other* bundled traces (leave-one-trace-out), so no bundled replay scores predictive with a prior
 * fitted on the sessions it replays; and one set fitted on all of them, for traces the bench has never
 * seen (a user's --trace). Pure: named sessions in, prior sets out. `npm run fit:priors` writes the
 * result to bench/tune/fitted/priors.json, which the replay reads (bench/replay/trace-priors.ts).
 */
import type { AgentClassPrior } from '../../models/priors/index.js';
import { fitPriors, type FitOptions, type FitSession } from '../../models/fit/fit-prior.js';

/** The name of the set fitted on every bundled trace. */
export const ALL_BUNDLED = 'all-bundled';

export interface NamedSessions {
  readonly name: string;
  readonly sessions: readonly FitSession[];
}

/** One set of priors and what it was fitted on. */
export interface PriorSet {
  /** Trace names the priors were fitted on. */
  readonly fittedOn: readonly string[];
  /** By agent class; `default` (pooled over every class) always present. */
  readonly priors: Record<string, AgentClassPrior>;
}

export interface PriorSetsFile {
  readonly generatedBy: string;
  readonly horizonS: number;
  readonly template: string;
  /** By held-out trace name, plus ALL_BUNDLED. */
  readonly sets: Record<string, PriorSet>;
}

/**
 * The leave-one-trace-out sets. A held-out trace's set holds only what its replay can use: the priors
 * of its own classes fitted on the other traces (a class no other trace has gets none, and the policy
 * falls back to `default`), and `default` fitted on every session of the other traces.
 */
export function leaveOneTraceOut(traces: readonly NamedSessions[], o: Omit<FitOptions, 'fittedOn'>): Record<string, PriorSet> {
  const sets: Record<string, PriorSet> = {};
  for (const held of traces) {
    const others = traces.filter((t) => t !== held);
    const fitted = fitPriors(others.flatMap((t) => t.sessions), { ...o, fittedOn: `bundled traces ${others.map((t) => t.name).join(', ')}` });
    const wanted = new Set([...held.sessions.map((s) => s.agentClass), 'default']);
    sets[held.name] = { fittedOn: others.map((t) => t.name), priors: pick(fitted, wanted) };
  }
  const all = fitPriors(traces.flatMap((t) => t.sessions), { ...o, fittedOn: `all bundled traces (${traces.map((t) => t.name).join(', ')})` });
  sets[ALL_BUNDLED] = { fittedOn: traces.map((t) => t.name), priors: Object.fromEntries(all) };
  return sets;
}

function pick(m: ReadonlyMap<string, AgentClassPrior>, wanted: ReadonlySet<string>): Record<string, AgentClassPrior> {
  return Object.fromEntries([...m].filter(([cls]) => wanted.has(cls)));
}
