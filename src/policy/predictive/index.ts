import type { Policy } from '../policy.js';

/** Options of the `predictive` policy (burst models + risk-budget headroom). Owner extends. */
export interface PredictiveOptions {
  readonly riskBudget: number;
}

/** Placeholder until the policy lands; its owner replaces this file. */
export function createPredictivePolicy(_opts: PredictiveOptions): Policy<null> {
  return { name: 'predictive', init: () => null, observe: () => undefined, recommend: () => [] };
}
