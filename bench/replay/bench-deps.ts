import { err, ok, type Result } from '../../src/core/result.js';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { Policy } from '../../src/policy/policy.js';
import { createPolicy, POLICY_NAMES, type PolicySettings } from '../../src/policy/registry.js';
import { createOraclePolicy, oracleOptions } from './oracle.js';
import type { SimSettings } from './replay-types.js';
import { createStaticTunedPolicy } from './static-tuned.js';
import type { TraceFits } from './trace-fits.js';
import { basePolicyName, hintedPredictiveOptions, isHintedName, policyTakesHints } from './hinted-policies.js';
import type { HintSettings } from '../sim/hints.js';

/** Every policy the bench can replay: the product's causal ones plus the bench-only oracle. */
export const BENCH_POLICY_NAMES: readonly string[] = [...POLICY_NAMES, 'static-tuned', 'oracle'];

/**
 * The simulated cluster for a config: pods start at the `static` policy's requests and limits (what
 * the deployment ships with, and what `static` then keeps), everything else from the simulator's
 * defaults.
 */
export function simSettingsFor(base: SimSettings, policies: PolicySettings): SimSettings {
  return { ...base, initial: { requests: policies.static.requests, limits: policies.static.limits } };
}

/**
 * The engine config the bench runs: the ConfigMap's, but acting. A default ConfigMap is dry-run
 * (recommend only), and a dry-run replay would score every policy as `static`.
 */
export function benchEngineConfig(engine: EngineConfig): EngineConfig {
  return { ...engine, dryRun: false };
}

/**
 * Builds policies by name for one bench run: a fresh object per replay, the oracle wired to its
 * horizon, predictive given the trace's out-of-sample priors when the fits carry them.
 */
export function policyFactory(settings: PolicySettings, sim: SimSettings, engine: EngineConfig, hints?: HintSettings): (name: string, fits?: TraceFits) => Result<Policy, string> {
  const make = basePolicyFactory(settings, sim, engine);
  // `NAME+hints` is NAME replayed with hints (hinted-policies.ts), told what the hints are as an operator
  // would configure it; only a policy with a hint path has one.
  const hinted = hints ? basePolicyFactory({ ...settings, predictive: { ...settings.predictive, ...hintedPredictiveOptions(hints, sim) } }, sim, engine) : make;
  return (name, fits) => {
    if (!isHintedName(name)) return make(name, fits);
    const p = hinted(basePolicyName(name), fits);
    if (p.ok && !policyTakesHints(p.value)) return err(`${basePolicyName(name)} takes no hints, so there is no ${name}`);
    return p;
  };
}

function basePolicyFactory(settings: PolicySettings, sim: SimSettings, engine: EngineConfig): (name: string, fits?: TraceFits) => Result<Policy, string> {
  return (name, fits) => {
    if (name === 'oracle') return ok(createOraclePolicy(oracleOptions(sim, engine)) as Policy);
    if (name === 'static-tuned') {
      return fits?.staticTuned ? ok(createStaticTunedPolicy(fits.staticTuned) as Policy) : err('static-tuned needs sizes fitted on other traces (bench/tune/fitted/static-tuned.json)');
    }
    const withPriors = fits?.priors ? { ...settings, predictive: { ...settings.predictive, priors: fits.priors } } : settings;
    const p = createPolicy(name, withPriors);
    return p.ok ? p : err(p.error);
  };
}
