/**
 * Which class priors a replay of a trace uses, and where they were fitted. A bundled trace is replayed
 * with the priors fitted on the *other* bundled traces (leave-one-trace-out, bench/tune/loo-priors.ts);
 * any other trace with the priors fitted on all bundled traces. Never the product's hand-made priors,
 * whose `swe` was measured on the very tasks of agentcgroup-haiku.
 */
import { parsePrior, type AgentClassPrior } from '../../models/priors/index.js';
import { ALL_BUNDLED, type PriorSetsFile } from '../tune/loo-priors.js';
import { readFittedJson } from './fitted-files.js';

/** The priors one replay uses, and per class of the trace a sentence saying which and where fitted. */
export interface TracePriors {
  readonly priors: ReadonlyMap<string, AgentClassPrior>;
  readonly used: Readonly<Record<string, string>>;
}

let cached: PriorSetsFile | undefined;

/** The committed prior sets, each prior validated as a user's would be. */
export function loadPriorSets(): PriorSetsFile {
  if (cached) return cached;
  const raw = readFittedJson('priors.json') as PriorSetsFile;
  for (const [set, s] of Object.entries(raw.sets)) {
    for (const [cls, p] of Object.entries(s.priors)) {
      const r = parsePrior(p, `bench/tune/fitted/priors.json: sets.${set}.priors.${cls}`);
      if (!r.ok) throw new Error(r.error);
    }
  }
  cached = raw;
  return raw;
}

/**
 * The priors for replaying a trace. `bundledName` is the trace's name when the file is one of the
 * bundled traces (then its leave-one-out set is used), undefined for any other trace.
 */
export function tracePriors(bundledName: string | undefined, classes: readonly string[], file: PriorSetsFile = loadPriorSets()): TracePriors {
  const loo = bundledName === undefined ? undefined : file.sets[bundledName];
  const set = loo ?? file.sets[ALL_BUNDLED];
  if (set === undefined) throw new Error(`bench/tune/fitted/priors.json has no '${ALL_BUNDLED}' set`);
  const where = loo ? `fitted without this trace, on ${set.fittedOn.join(', ')}` : `fitted on all bundled traces (${set.fittedOn.join(', ')}); this trace is not among them`;
  const used: Record<string, string> = {};
  for (const cls of [...new Set(classes)].sort()) {
    const own = set.priors[cls];
    used[cls] = own
      ? `prior '${cls}' ${where} (${own.source.replace(/^.*: /, '')})`
      : `prior 'default' (every class pooled) ${where}: no fitting trace has class '${cls}'`;
  }
  return { priors: new Map(Object.entries(set.priors)), used };
}
