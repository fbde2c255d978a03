import type { Resources } from '../core/types.js';
import type { Policy } from './policy.js';

/** Options of the `static` policy: fixed requests and limits (what most agent deployments do today). */
export interface StaticOptions {
  readonly requests: Resources;
  readonly limits: Resources;
}

/** Placeholder until the policy lands; its owner replaces this file. */
export function createStaticPolicy(_opts: StaticOptions): Policy<null> {
  return { name: 'static', init: () => null, observe: () => undefined, recommend: () => [] };
}
