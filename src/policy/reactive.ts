import type { Policy } from './policy.js';

/** Options of the `reactive` policy (resize when usage crosses a threshold of the limit). Owner extends. */
export interface ReactiveOptions {
  readonly thresholdFraction: number;
}

/** Placeholder until the policy lands; its owner replaces this file. */
export function createReactivePolicy(_opts: ReactiveOptions): Policy<null> {
  return { name: 'reactive', init: () => null, observe: () => undefined, recommend: () => [] };
}
