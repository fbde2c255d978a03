// A policy that records what the engine shows it, to test what the simulated metrics pipeline delivers.
import type { AgentSample } from '../../../src/core/types.js';
import type { Policy } from '../../../src/policy/policy.js';

export interface Seen {
  readonly nowMs: number;
  readonly samples: readonly AgentSample[];
}

export function recorder(): { policy: Policy<null>; seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    policy: { name: 'recorder', init: () => null, observe: (_s, samples, ctx) => void seen.push({ nowMs: ctx.nowMs, samples: [...samples] }), recommend: () => [] },
  };
}
