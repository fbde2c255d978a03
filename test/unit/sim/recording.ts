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
    policy: {
      name: 'recorder',
      init: () => null,
      // A tick may observe a long window in several chunks (all with the tick's nowMs): one entry per tick.
      observe: (_s, samples, ctx) => {
        const last = seen.at(-1);
        if (last && last.nowMs === ctx.nowMs) seen[seen.length - 1] = { nowMs: ctx.nowMs, samples: [...last.samples, ...samples] };
        else seen.push({ nowMs: ctx.nowMs, samples: [...samples] });
      },
      recommend: () => [],
    },
  };
}
