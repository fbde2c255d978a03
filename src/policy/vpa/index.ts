import type { Policy } from '../policy.js';

/** Options of the `vpa` policy (faithful VPA recommender + in-place updater). Owner extends. */
export interface VpaOptions {
  readonly targetPercentile: number;
}

/** Placeholder until the policy lands; its owner replaces this file. */
export function createVpaPolicy(_opts: VpaOptions): Policy<null> {
  return { name: 'vpa', init: () => null, observe: () => undefined, recommend: () => [] };
}
