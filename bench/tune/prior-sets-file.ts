import { BUNDLED_PRIORS } from '../../models/priors/index.js';
import { DEFAULT_PREDICTIVE_OPTIONS } from '../../src/policy/predictive/options.js';
import { leaveOneTraceOut, type PriorSetsFile } from './loo-priors.js';
import { readSessions } from './read-sessions.js';

/** The command that regenerates bench/tune/fitted/priors.json. */
export const FIT_PRIORS_COMMAND = 'npm run fit:priors';

/**
 * Reads the traces and fits the leave-one-trace-out prior sets. The template (for what the data cannot
 * say: back-off, context cap, weights) is the bundled `default` prior.
 */
export async function buildPriorSetsFile(paths: readonly string[]): Promise<PriorSetsFile> {
  const traces = [];
  for (const p of paths) traces.push(await readSessions(p));
  const template = BUNDLED_PRIORS.get('default');
  if (template === undefined) throw new Error('no bundled default prior');
  const horizonS = DEFAULT_PREDICTIVE_OPTIONS.horizonS;
  return { generatedBy: FIT_PRIORS_COMMAND, horizonS, template: 'models/priors/default.json', sets: leaveOneTraceOut(traces, { horizonS, template }) };
}
