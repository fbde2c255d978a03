/**
 * `static-tuned`, a bench baseline: the best fixed requests and limits per agent class, found by search
 * on traces other than the one replayed (bench/tune/static-search.ts): what a careful engineer would
 * hand-set. The sizes ship in the pod template, as they would in a deployment, so a pod is born with
 * them; a pod that somehow differs is asked once to adopt them, as `static` does.
 */
import type { Resources } from '../../src/core/types.js';
import type { Policy, Recommendation } from '../../src/policy/policy.js';
import { formatResources, sameResources } from '../../src/policy/static.js';
import type { TemplatePolicy } from './replay-types.js';

/** One class's fixed sizing. */
export interface ClassSizing {
  readonly requests: Resources;
  readonly limits: Resources;
}

/** Sizes by agent class; `default` covers any class without its own. */
export type StaticTunedTable = Readonly<Record<string, ClassSizing>>;

export interface StaticTunedState {
  readonly asked: Set<string>;
}

/** The sizing for a class: its own, else `default`, else none (the pod keeps the simulator's template). */
export function sizingFor(table: StaticTunedTable, agentClass: string): ClassSizing | undefined {
  return table[agentClass] ?? table['default'];
}

/** Builds the policy from a fitted table. */
export function createStaticTunedPolicy(table: StaticTunedTable): Policy<StaticTunedState> & TemplatePolicy {
  return {
    name: 'static-tuned',
    podTemplate: (agentClass) => sizingFor(table, agentClass),
    init: () => ({ asked: new Set() }),
    observe: () => undefined,
    recommend(state, ctx): Recommendation[] {
      const out: Recommendation[] = [];
      for (const p of ctx.pods) {
        if (state.asked.has(p.key)) continue;
        state.asked.add(p.key);
        const s = sizingFor(table, p.agentClass);
        if (s === undefined || (sameResources(p.requests, s.requests) && sameResources(p.limits, s.limits))) continue;
        out.push({
          kind: 'resize',
          pod: p.key,
          requests: s.requests,
          limits: s.limits,
          reason: `static-tuned: class ${p.agentClass} fixed at ${formatResources(s.requests)} requested, ${formatResources(s.limits)} limit`,
          inputs: { requestMemBytes: s.requests.memBytes, requestCpuCores: s.requests.cpuCores, limitMemBytes: s.limits.memBytes, limitCpuCores: s.limits.cpuCores },
        });
      }
      return out;
    },
    forget(state, podKey) {
      state.asked.delete(podKey);
    },
  };
}
