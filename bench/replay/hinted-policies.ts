import type { Policy } from '../../src/policy/policy.js';
import type { HintSettings } from '../sim/hints.js';
import type { SimSettings } from './replay-types.js';
import { HINT_LANDING_S } from '../../models/fit/fit-prior.js';

/**
 * `--hints` replays each policy that takes hints twice in one run: as itself, unhinted, and as
 * `NAME+hints`, with the simulated agents announcing their tool calls. Same trace, seed and cluster,
 * so the two rows differ only by the hints. Policies without a hint path (the baselines, the oracle)
 * replay once: hints cannot change them (the controller answers their hints with "unchanged").
 */
export const HINTED_SUFFIX = '+hints';

/** The policy a row name stands for: `predictive+hints` → `predictive`. */
export function basePolicyName(name: string): string {
  return name.endsWith(HINTED_SUFFIX) ? name.slice(0, -HINTED_SUFFIX.length) : name;
}

export function isHintedName(name: string): boolean {
  return name.endsWith(HINTED_SUFFIX);
}

/** The policy list with a `+hints` twin right after each policy that takes hints. */
export function withHintedTwins(names: readonly string[], takesHints: (name: string) => boolean): string[] {
  return names.flatMap((n) => (!isHintedName(n) && takesHints(n) ? [n, `${n}${HINTED_SUFFIX}`] : [n]));
}

/** Whether a built policy has a hint path (Policy.hint). */
export function policyTakesHints(p: Policy): boolean {
  return typeof p.hint === 'function';
}

/** What a replay of row `name` adds to its input: the hints and the row's name, for a hinted twin only. */
export function hintedReplay(name: string, hints: HintSettings | undefined): { hints?: HintSettings; rowName?: string } {
  if (!isHintedName(name)) return {};
  if (hints === undefined) throw new Error(`${name}: a hinted replay needs the hint settings (--hints)`);
  return { hints, rowName: name };
}

/**
 * What a hinted predictive is told about the hints, as an operator enabling them would set it: the loss
 * rate (`hintLossRate`), so idle pods hold only what a hinted call leaves them. Only when a hint's raise
 * lands within the HINT_LANDING_S the priors' `idle~hinted` tail was fitted for (hint latency plus the
 * resize latency, rounded up to the 1 s step); a slower hint would find the idle limit too low, so
 * then the policy does not count on hints (it still acts on every hint it gets).
 */
export function hintedPredictiveOptions(hints: HintSettings, sim: SimSettings): { hintLossRate?: number } {
  return Math.ceil(hints.latencyS + sim.resizeLatencyS) <= HINT_LANDING_S ? { hintLossRate: hints.lossRate } : {};
}
